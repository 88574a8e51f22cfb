import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { EXCLUDED_DIRECTORIES } from '../core/file-scope.js';

/**
 * Real server-side packages, pinned, whose published sources (and their dependencies') make the
 * benchmark corpus. Installed once from the npm registry into .bench/ (git-ignored).
 */
export const PACKAGES = [
  'express@4.9.6',
  'koa@2.9.0',
  'fastify@5.12.8',
  '@nestjs/core@10.4.9',
  '@nestjs/common@10.4.9',
  'socket.io@4.8.4',
  'node-red@4.1.8',
  'typeorm@0.3.9',
  'sequelize@6.9.0',
  'mongoose@8.24.10',
  'knex@3.3.0',
  'bullmq@5.6.0',
  '@apollo/server@4.7.2',
  'ioredis@5.9.2',
  'pg@8.23.1',
  'winston@3.9.0',
  'passport@0.7.0',
  'json-server@0.17.3',
];

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * Outside the repository on purpose: statecheck honours .gitignore, so a corpus inside an
 * ignored folder of this repository would be skipped. STATECHECK_BENCH_DIR overrides.
 */
export const BENCH_DIR =
  process.env.STATECHECK_BENCH_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'statecheck-bench');

/**
 * Prepares `.bench/corpus-<n>/src`: the first `count` source files (sorted, so the same files every
 * time) copied out of the installed packages, outside any node_modules folder so the default
 * scope scans them. Declaration files, minified bundles and test folders are left out.
 */
export function prepareCorpus(count: number): string {
  const install = join(BENCH_DIR, 'install');
  if (!existsSync(join(install, 'node_modules', '.package-lock.json'))) {
    mkdirSync(install, { recursive: true });
    writeFileSync(join(install, 'package.json'), JSON.stringify({ name: 'statecheck-bench-corpus', private: true }));
    console.error(`bench: installing ${PACKAGES.length} packages into ${relative(process.cwd(), install)} (once)…`);
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', '--loglevel=error', ...PACKAGES],
      { cwd: install, stdio: 'inherit' },
    );
  }
  const target = join(BENCH_DIR, `corpus-v2-${count}`);
  const marker = join(target, '.complete');
  if (existsSync(marker)) return target;
  rmSync(target, { recursive: true, force: true });
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (files.length >= count) return;
      const path = join(dir, name);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats) continue;
      if (stats.isDirectory()) {
        if (!/^(test|tests|__tests__|scripts|dist-types|\.bin)$/.test(name)) walk(path);
      } else if (SOURCE.test(name) && !/\.d\.[cm]?ts$|\.min\.js$/.test(name) && stats.size < 512 * 1024) {
        files.push(path);
      }
    }
  };
  walk(join(install, 'node_modules'));
  for (const file of files) {
    // node_modules/<pkg>/dist/x.js → src/<pkg>/dist-src/x.js: no folder the default scope leaves out,
    // so statecheck and the parse floor both read every file of the corpus.
    const rel = relative(join(install, 'node_modules'), file)
      .split(sep)
      .map((segment, i, all) =>
        i < all.length - 1 && (EXCLUDED_DIRECTORIES.has(segment) || segment === 'deps') ? `${segment}-src` : segment,
      )
      .join(sep);
    const out = join(target, 'src', rel);
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(file, out);
  }
  writeFileSync(marker, String(files.length));
  return target;
}

/** The workspace repos of the real-world corpus (../shared/corpus) that make the monorepo corpus. */
export const MONOREPOS = ['Unleash/unleash', 'FlowiseAI/Flowise', 'hoppscotch/hoppscotch'];

/** `shared/corpus` beside the project or one of its parents (a worktree sits deeper than the main checkout). */
function sharedCorpus(): string | undefined {
  if (process.env.STATECHECK_SHARED_CORPUS) return process.env.STATECHECK_SHARED_CORPUS;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'corpus');
    if (existsSync(join(candidate, 'labels.json')) && existsSync(join(candidate, 'score.mjs'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Prepares `monorepo-v1/<owner+name>/`: a copy of each workspace repo of MONOREPOS as extracted
 * at its labelled commit by `score.mjs --repo` into ~/.cache/statecheck-corpus (CORPUS_CACHE)
 * from the snapshots under .mirror. A copy, because the bench touches files. Returns the folder,
 * or why the corpus cannot be had (the snapshots were never fetched).
 */
export function prepareMonorepo(): string | { missing: string } {
  const target = join(BENCH_DIR, 'monorepo-v1');
  if (existsSync(join(target, '.complete'))) return target;
  const shared = sharedCorpus();
  if (shared === undefined) return { missing: 'no shared/corpus folder (labels.json, score.mjs) above the project' };
  const manifest = JSON.parse(readFileSync(join(shared, 'labels.json'), 'utf8')) as {
    repos: { repo: string; commit: string }[];
  };
  const extracted = process.env.CORPUS_CACHE ?? join(homedir(), '.cache', 'statecheck-corpus');
  const sources: { name: string; dir: string }[] = [];
  for (const repo of MONOREPOS) {
    const pin = manifest.repos.find((r) => r.repo === repo);
    if (!pin) return { missing: `${repo} is not in ${join(shared, 'labels.json')}` };
    const name = repo.replace('/', '+');
    const dir = join(extracted, `${name}@${pin.commit.slice(0, 12)}`);
    if (!existsSync(join(dir, '.complete'))) {
      console.error(`bench: extracting ${repo} with score.mjs (once)…`);
      // score.mjs extracts the snapshot, then scores it (output not needed here).
      spawnSync(process.execPath, [join(shared, 'score.mjs'), '--repo', repo], { stdio: 'ignore' });
    }
    if (!existsSync(join(dir, '.complete')))
      return { missing: `${repo} not fetched (fetch github:${repo} into the .mirror folder beside the project)` };
    sources.push({ name, dir });
  }
  rmSync(target, { recursive: true, force: true });
  for (const { name, dir } of sources) cpSync(dir, join(target, name), { recursive: true });
  writeFileSync(join(target, '.complete'), MONOREPOS.join('\n'));
  return target;
}
