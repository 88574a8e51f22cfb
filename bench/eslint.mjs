// ESLint benchmark: how much time does statecheck add to ESLint's own?
//
//   npm run bench:eslint            (builds first; BENCH_RUNS=5 for more rounds)
//   node bench/eslint.mjs --prepare only install and copy the corpus
//
// The corpus is the published JavaScript and TypeScript of a pinned list of server packages (and
// their dependencies), installed from the npm registry into .bench/ (git-ignored) and copied to
// .bench/corpus/ as ordinary server code: build-output folders (dist/, build/, …) are dropped
// from the paths and what the default scope skips (tests, .d.ts, bundles, config files) is left
// out, so `recommended` applies to every file. The second run reuses the corpus.
//
// For each parser setup it lints the corpus with no rules (same files, same parser) and with
// statecheck.configs.recommended, alternating, and reports the best of BENCH_RUNS rounds. The
// target: the plugin adds at most 15% to ESLint's own time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { outOfScopeReason, SOURCE_EXTENSIONS } from '../dist/core/index.js';
import { astOrigins } from '../dist/rules/analyze.js';
import statecheck, { SOURCE_FILES } from '../dist/rules/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = join(ROOT, '.bench');
const INSTALL = join(BENCH, 'install');
const CORPUS = join(BENCH, 'corpus');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MAX_FILE_BYTES = 400_000; // generated bundles are not what people lint
const MAX_FILES_PER_PACKAGE = 250; // a sample, so one big package does not dominate

/** Server packages people write apps with; their dependencies come along. */
const PACKAGES = [
  'express@4.21.2',
  'koa@2.15.3',
  'fastify@5.2.1',
  '@nestjs/core@10.4.15',
  '@nestjs/common@10.4.15',
  'socket.io@4.8.1',
  'mongoose@8.9.5',
  'sequelize@6.37.5',
  'knex@3.1.0',
  'ioredis@5.4.2',
  'bullmq@5.34.9',
  'graphql@16.10.0',
  '@apollo/server@4.11.3',
  'typeorm@0.3.20',
  'rxjs@7.8.1',
  '@trpc/server@10.45.2',
  'effect@3.22.4',
];

const BUILD_DIRS = new Set(['dist', 'build', 'out', 'output', 'lib', 'cjs', 'esm', 'umd']);

function log(line) {
  process.stdout.write(`${line}\n`);
}

function corpusKey() {
  return createHash('sha256')
    .update(JSON.stringify([PACKAGES, MAX_FILE_BYTES, MAX_FILES_PER_PACKAGE, [...BUILD_DIRS]]))
    .digest('hex')
    .slice(0, 16);
}

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) continue;
    if (stats.isDirectory()) {
      if (name !== 'node_modules') yield* walk(path);
    } else if (stats.isFile()) {
      yield { path, size: stats.size };
    }
  }
}

/** A stable pseudo-random order, so the sample is spread over each package. */
function shuffled(files) {
  const key = (f) => createHash('sha1').update(f.rel).digest('hex');
  return [...files].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

function buildCorpus() {
  const marker = join(CORPUS, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === corpusKey()) return;
  log(`Installing ${PACKAGES.length} packages into .bench/install (once)…`);
  rmSync(CORPUS, { recursive: true, force: true });
  mkdirSync(INSTALL, { recursive: true });
  writeFileSync(join(INSTALL, 'package.json'), JSON.stringify({ name: 'statecheck-bench-corpus', private: true }));
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', ...PACKAGES], {
    cwd: INSTALL,
    stdio: 'inherit',
  });
  let copied = 0;
  for (const spec of PACKAGES) {
    const pkg = spec.slice(0, spec.lastIndexOf('@'));
    const base = join(INSTALL, 'node_modules', pkg);
    const candidates = new Map();
    for (const { path, size } of walk(base)) {
      if (size > MAX_FILE_BYTES || !SOURCE_EXTENSIONS.some((ext) => path.endsWith(ext))) continue;
      // dist/cjs/router.js → router.js: published code read as the server code it was built from.
      const rel = relative(base, path)
        .split(/[\\/]/)
        .filter((s) => !BUILD_DIRS.has(s))
        .join('/');
      if (!outOfScopeReason(rel) && !candidates.has(rel)) candidates.set(rel, { rel, path });
    }
    for (const { rel, path } of shuffled([...candidates.values()]).slice(0, MAX_FILES_PER_PACKAGE)) {
      const target = join(CORPUS, pkg, rel);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      copied++;
    }
  }
  writeFileSync(marker, corpusKey());
  log(`Corpus: ${copied} files in .bench/corpus`);
}

const SETUPS = {
  'espree for JS, typescript-eslint for TS (README)': {
    files: ['**/*.{ts,tsx,mts,cts}'],
    languageOptions: { parser: tsParser },
  },
  'typescript-eslint for every file': { files: SOURCE_FILES, languageOptions: { parser: tsParser } },
};

const COMMON = [
  // Published code carries eslint-disable comments for rules this run does not enable.
  { linterOptions: { reportUnusedDisableDirectives: 'off' } },
];

async function lint(config) {
  const eslint = new ESLint({ cwd: CORPUS, overrideConfigFile: true, overrideConfig: config, cache: false });
  const started = performance.now();
  const results = await eslint.lintFiles(['.']);
  const ms = performance.now() - started;
  const fatal = results.reduce((n, r) => n + r.messages.filter((m) => m.fatal).length, 0);
  const findings = results.reduce(
    (n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith('statecheck/')).length,
    0,
  );
  return { ms, files: results.length, fatal, findings };
}

async function main() {
  buildCorpus();
  if (process.argv.includes('--prepare')) return;
  // Warm-up: load the parsers, the plugin and TypeScript once before timing.
  await lint([{ files: SOURCE_FILES }, statecheck.configs.recommended, Object.values(SETUPS)[0], ...COMMON]);
  log(
    `\nESLint ${ESLint.version}, best of ${RUNS} rounds, ${process.platform} ${process.arch}, Node ${process.version}\n`,
  );
  let worst = 0;
  for (const [name, setup] of Object.entries(SETUPS)) {
    const baseline = [{ files: SOURCE_FILES }, setup, ...COMMON];
    const withPlugin = [statecheck.configs.recommended, setup, ...COMMON];
    let base;
    let plugin;
    const before = astOrigins();
    for (let round = 0; round < RUNS; round++) {
      const b = await lint(baseline);
      const p = await lint(withPlugin);
      if (!base || b.ms < base.ms) base = b;
      if (!plugin || p.ms < plugin.ms) plugin = p;
    }
    const after = astOrigins();
    const ratio = plugin.ms / base.ms;
    worst = Math.max(worst, ratio);
    const reused = (after.parser - before.parser) / RUNS;
    const parsed = (after.parsed - before.parsed) / RUNS;
    log(name);
    log(`  files ${base.files}, parse errors ${base.fatal}, statecheck findings ${plugin.findings}`);
    log(`  AST: ${reused} reused from typescript-eslint, ${parsed} parsed by statecheck`);
    log(`  no rules     ${(base.ms / 1000).toFixed(2)} s`);
    log(`  recommended  ${(plugin.ms / 1000).toFixed(2)} s`);
    log(`  ratio        ${ratio.toFixed(3)} (statecheck adds ${((ratio - 1) * 100).toFixed(1)}%)\n`);
  }
  log(`Target: at most +15%. Worst setup: +${((worst - 1) * 100).toFixed(1)}%.`);
}

await main();
