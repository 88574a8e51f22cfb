// npm run smoke (and .ci/run, after the tests): the built CLI end to end on real code, the bench
// corpus of published npm packages (bench/corpus.ts, installed once into ~/.cache), in every
// output format. It fails on an exit code other than 0 or 1, a report that does not parse (SARIF
// is also checked against its schema), any internal error, or JSON that differs between --jobs 1
// and --jobs 2 or between a cold and a warm cache. The corpus is libraries, not a server: the
// server-code scope is turned off so that every file goes through every detector. SMOKE_FILES
// sets the corpus size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { prepareCorpus } from './corpus.js';

// ajv-formats is CommonJS: its default import is the plugin itself or, as typed, the module.
const addFormats = typeof formats === 'function' ? formats : formats.default;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'index.js');
const FILES = Number(process.env.SMOKE_FILES ?? 3000);
/** Every internal failure statecheck reports, in an `errors` entry or on stderr, says this. */
const INTERNAL = /internal error|run with --debug for the stack/i;

interface Report {
  findings: unknown[];
  errors: { file: string; message: string }[];
  skipped: unknown[];
  summary: { files: number; durationMs?: number; skipped: Record<string, number> };
}

const failures: string[] = [];
const fail = (what: string) => {
  failures.push(what);
  console.error(`smoke: FAILED: ${what}`);
};

const corpus = prepareCorpus(FILES);
const cache = mkdtempSync(join(tmpdir(), 'statecheck-smoke-cache-'));
const config = join(cache, 'statecheck.config.json');
writeFileSync(config, JSON.stringify({ defaultScope: false }));

function scan(label: string, args: string[]): string {
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, '--config', config, ...args, '.'], {
    cwd: corpus,
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
  });
  console.log(
    `smoke: ${label}: exit ${result.status ?? result.signal} in ${Math.round(performance.now() - started)} ms`,
  );
  if (result.status !== 0 && result.status !== 1)
    fail(`${label}: exit ${result.status ?? result.signal}\n${result.stderr.slice(-4000)}`);
  if (INTERNAL.test(result.stderr) || INTERNAL.test(result.stdout))
    fail(
      `${label}: an internal error in the output:\n${[result.stderr, result.stdout]
        .join('\n')
        .split('\n')
        .filter((l) => INTERNAL.test(l))
        .slice(0, 20)
        .join('\n')}`,
    );
  return result.stdout;
}

/** A JSON report without its duration, the one part that differs between identical runs. */
function normalized(label: string, stdout: string): string {
  try {
    const report = JSON.parse(stdout) as Report;
    delete report.summary.durationMs;
    return JSON.stringify(report);
  } catch (error) {
    fail(`${label}: not JSON (${error instanceof Error ? error.message : String(error)})`);
    return '';
  }
}

try {
  const reference = scan('json --jobs 1 --no-cache', ['--format', 'json', '--jobs', '1', '--no-cache']);
  const expected = normalized('json --jobs 1', reference);
  const runs: [string, string[]][] = [
    ['json --jobs 2 --no-cache', ['--format', 'json', '--jobs', '2', '--no-cache']],
    ['json, cold cache', ['--format', 'json', '--jobs', '2', '--cache-location', cache]],
    ['json, warm cache', ['--format', 'json', '--jobs', '2', '--cache-location', cache]],
  ];
  for (const [label, args] of runs) {
    if (normalized(label, scan(label, args)) !== expected)
      fail(`${label}: the JSON report differs from the one of --jobs 1 --no-cache`);
  }

  const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  const sarif = scan('sarif', ['--format', 'sarif', '--cache-location', cache]);
  try {
    const log = JSON.parse(sarif) as { runs: { results: unknown[] }[] };
    if (!ajv.validate(schema, log)) fail(`sarif: not valid SARIF 2.1.0: ${ajv.errorsText()}`);
    const findings = (JSON.parse(reference) as Report).findings.length;
    if (log.runs[0]?.results.length !== findings)
      fail(`sarif: ${log.runs[0]?.results.length} results for ${findings} findings`);
  } catch (error) {
    fail(`sarif: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }

  // Every line of the github format is a workflow command, apart from the closing summary (the
  // counts, then the scope line).
  const github = scan('github', ['--format', 'github', '--cache-location', cache]).trimEnd().split('\n');
  const summary = github.findIndex((line) => /^[✖✔] /.test(line));
  if (summary === -1) fail('github: no closing summary');
  const stray = github
    .filter((line, i) => summary === -1 || i < summary || (i > summary && !/^scope /.test(line)))
    .filter((line) => !/^::(error|warning) file=/.test(line));
  if (stray.length > 0) fail(`github: lines that are not workflow commands:\n${stray.slice(0, 10).join('\n')}`);
  for (const format of ['markdown', 'pretty']) {
    if (scan(format, ['--format', format, '--cache-location', cache]).length === 0) fail(`${format}: no output`);
  }

  const report = JSON.parse(reference) as Report;
  const internal = report.errors.filter((e) => INTERNAL.test(e.message));
  if (internal.length > 0)
    fail(
      `errors entries of internal failures:\n${internal
        .slice(0, 20)
        .map((e) => `${e.file}: ${e.message}`)
        .join('\n')}`,
    );
  console.log(
    `smoke: ${report.summary.files} files: ${report.findings.length} findings, ${report.errors.length} errors, ${report.skipped.length} skipped ${JSON.stringify(report.summary.skipped)}`,
  );
} finally {
  rmSync(cache, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`smoke: ${failures.length} check${failures.length === 1 ? '' : 's'} failed`);
  process.exitCode = 1;
} else {
  console.log('smoke: every check passed');
}
