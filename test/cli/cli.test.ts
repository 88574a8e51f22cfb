import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli, spawnCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const tmp = useTempDir('statecheck-cli-');
const write = (rel: string, text: string) => tmp.write(rel, text);
const APP = SAMPLE_APP;

describe('statecheck CLI', () => {
  it('--help prints usage with examples and exits 0', async () => {
    const { code, stdout } = await runCli(['--help'], tmp.path);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^statecheck: find process-bound state/);
    expect(stdout).toContain('Usage: statecheck [options] [paths...]');
    expect(stdout).toContain('Examples:');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'], tmp.path)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it.each([
    [['--bogus'], /^statecheck: Unknown option '--bogus'/],
    [
      ['--format', 'xml'],
      /^statecheck: unknown format "xml"\n {2}use one of: pretty, json, sarif, github, gitlab, junit, markdown\n$/,
    ],
    [['no/such/dir'], /^statecheck: no such file or directory: no\/such\/dir\n {2}check the paths/],
    [
      ['--project', 'missing.json'],
      /^statecheck: --project: no such file: missing\.json\n {2}name a tsconfig\.json or jsconfig\.json\n$/,
    ],
  ])('%j is a usage error: exit 2, a message and a hint, no stack', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args, tmp.path);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 0 with a clean summary when nothing is found', async () => {
    write('src/ok.js', "const express = require('express');\nmodule.exports = express();\n");
    const { code, stdout } = await runCli([], tmp.path);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^✔ no process-bound state found \(1 file scanned in \d+ ms\)\nscope \(no entry point found: path scope\): 1 file read as server code, 0 as context\n$/,
    );
  });

  it('prints findings grouped by file with a code frame, the packages and the write sites', async () => {
    write('src/app.js', APP);
    const { code, stdout } = await runCli(['src'], tmp.path);
    expect(code).toBe(1);
    expect(stdout.replace(/in \d+ ms/, 'in N ms')).toBe(
      [
        'src/app.js',
        '  4:9  error  `session(…)` (express-session) has no shared `store`, so sessions live in its',
        '              in-process MemoryStore: users are logged out on restart and whenever the load balancer',
        '              sends them to another instance. Pass a shared store: `session({ store: new',
        '              RedisStore({ client: redis }), … })`, or keep the session in a signed cookie.',
        '      3 │ const app = express();',
        "    > 4 │ app.use(session({ secret: 'x' }));",
        '        │         ^^^^^^^^^^^^^^^^^^^^^^^^',
        '      5 │ const seen = new Set();',
        '    → use: connect-redis, ioredis',
        '    statecheck/no-memory-session: https://github.com/statecheck/statecheck/blob/main/docs/rules/no-memory-session.md',
        '',
        '  5:7  error  `seen` is shared mutable state written at request time: each instance keeps its own',
        '              copy, it is lost on restart and it is shared by every user of this instance. Keep it',
        '              in Redis (hashes, counters, keys with a TTL) or in the database.',
        "      4 │ app.use(session({ secret: 'x' }));",
        '    > 5 │ const seen = new Set();',
        '        │       ^^^^',
        "      6 │ app.get('/', (req, res) => {",
        '    → use: ioredis, redis',
        '    written here at request time: line 7:3',
        '    statecheck/no-module-state: https://github.com/statecheck/statecheck/blob/main/docs/rules/no-module-state.md',
        '',
        '✖ 2 findings (2 errors, 0 warnings) in 1 file scanned in N ms',
        'scope (no entry point found: path scope): 1 file read as server code, 0 as context',
        '',
      ].join('\n'),
    );
  });

  it('uses colour only when forced, and never with NO_COLOR', async () => {
    write('src/app.js', APP);
    expect((await runCli([], tmp.path, { FORCE_COLOR: '1', NO_COLOR: undefined })).stdout).toMatch(/\u001b\[/);
    expect((await runCli(['--color'], tmp.path)).stdout).toMatch(/\u001b\[/);
    expect((await runCli([], tmp.path)).stdout).not.toMatch(/\u001b\[/);
  });

  it('--format json follows the output contract', async () => {
    write('src/app.js', APP);
    write('src/lib/b.ts', 'export const list: string[] = [];\nexport function add(x: string) { list.push(x); }\n');
    const { code, stdout } = await runCli(['--format', 'json'], tmp.path);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['version', 'findings', 'errors', 'skipped', 'summary']);
    expect(report.version).toBe(1);
    expect(report.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual([
      'src/app.js:4',
      'src/app.js:5',
      'src/lib/b.ts:1',
    ]);
    const finding = report.findings[1];
    expect(Object.keys(finding)).toEqual([
      'ruleId',
      'category',
      'severity',
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'message',
      'suggestion',
      'related',
      'fingerprint',
      'subject',
      'confidence',
    ]);
    expect(finding).toMatchObject({
      ruleId: 'statecheck/no-module-state',
      category: 'module-state',
      severity: 'error',
      line: 5,
      column: 7,
      endLine: 5,
      endColumn: 11,
      related: [{ file: 'src/app.js', line: 7, column: 3, message: 'written here at request time' }],
      subject: 'seen',
      confidence: 'certain',
    });
    expect(finding.suggestion.packages.length).toBeGreaterThan(0);
    // `add` is exported and no file calls it: whether it runs per request rests on callers out of view.
    expect(report.findings[2]).toMatchObject({ subject: 'list', severity: 'warn', confidence: 'likely' });
    expect(report.findings[2].message).toMatch(/ Likely, not certain: whether it runs per request.*callers/);
    expect(report.summary).toMatchObject({ files: 2, findings: 3, errors: 0, skipped: {} });
    expect(typeof report.summary.durationMs).toBe('number');
  });

  it('fails on certain findings only by default; a configured severity wins over confidence', async () => {
    // Exported, called by no file: whether `add` runs per request rests on callers out of view.
    write('src/lib/b.js', 'export const list = [];\nexport function add(x) { list.push(x); }\n');
    const likelyOnly = await runCli(['--format', 'json'], tmp.path);
    expect(likelyOnly.code).toBe(0);
    expect(JSON.parse(likelyOnly.stdout).findings).toMatchObject([{ severity: 'warn', confidence: 'likely' }]);
    expect((await runCli(['--fail-on', 'warn'], tmp.path)).code).toBe(1);
    write('statecheck.config.json', JSON.stringify({ rules: { 'module-state': 'error' } }));
    const configured = await runCli(['--format', 'json'], tmp.path);
    expect(configured.code).toBe(1);
    expect(JSON.parse(configured.stdout).findings).toMatchObject([{ severity: 'error', confidence: 'likely' }]);
    // A write in a route handler is in view: certain, an error.
    write('statecheck.config.json', '{}');
    write('src/app.js', APP);
    expect((await runCli(['--format', 'json'], tmp.path)).code).toBe(1);
  });

  it('lists a file with a syntax error in errors and still reports every other file', async () => {
    write('src/app.js', APP);
    write('src/broken.ts', 'export const cache = new Map(;\nexport function put(k: string) { cache.set(k, 1); }\n');
    const { code, stdout } = await runCli(['--format', 'json'], tmp.path);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.errors).toEqual([
      { file: 'src/broken.ts', message: expect.stringMatching(/^syntax error at 1:\d+: /) },
    ]);
    expect(report.findings.filter((f: { file: string }) => f.file === 'src/app.js')).toHaveLength(2);
    expect(report.summary.errors).toBe(1);
  });

  it('counts lines in code frames as the finding does: U+2028 and U+2029 end a line, as in ESLint', async () => {
    // Line 3 ends inside the comment (U+2028), line 4 too (U+2029): `seen` is on line 6.
    write(
      'src/app.js',
      "const express = require('express');\nconst app = express();\n/* a\u2028b\u2029c */\nconst seen = new Set();\napp.get('/', (req, res) => { seen.add(req.ip); res.end(); });\n",
    );
    const { stdout } = await runCli(['src'], tmp.path);
    expect(stdout).toMatch(/^ {2}6:7 {2}error {2}`seen`/m);
    expect(stdout).toContain(
      [
        '      5 │ c */',
        '    > 6 │ const seen = new Set();',
        '        │       ^^^^',
        "      7 │ app.get('/', (req, res) => { seen.add(req.ip); res.end(); });",
      ].join('\n'),
    );
    expect(JSON.parse((await runCli(['--format', 'json', 'src'], tmp.path)).stdout).findings[0]).toMatchObject({
      line: 6,
      column: 7,
      related: [{ line: 7, column: 30 }],
    });
  });

  it('honours ESLint disable comments for statecheck rules', async () => {
    write(
      'src/app.js',
      APP.replace(
        'const seen',
        '// eslint-disable-next-line statecheck/no-module-state -- per-instance dedupe\nconst seen',
      ),
    );
    const report = JSON.parse((await runCli(['--format', 'json'], tmp.path)).stdout);
    expect(report.findings.map((f: { category: string }) => f.category)).toEqual(['memory-session']);
  });

  it('holds files named on the command line to the server-code scope', async () => {
    write('src/app.test.js', APP);
    write('src/ok.js', 'module.exports = 1;\n');
    const { code, stdout } = await runCli(['src/app.test.js', 'src/ok.js'], tmp.path);
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 file scanned in \d+ ms, 1 named file outside the server-code scope skipped\)/);
  });

  it('reads .gitignore from the repository root down', async () => {
    mkdirSync(join(tmp.path, '.git'));
    write('.gitignore', 'generated/\n');
    write('generated/app.js', APP);
    write('src/nested/.gitignore', 'local.js\n');
    write('src/nested/local.js', APP);
    write('src/nested/kept.js', APP);
    const report = JSON.parse((await runCli(['--format', 'json', 'src'], tmp.path)).stdout);
    expect([...new Set(report.findings.map((f: { file: string }) => f.file))]).toEqual(['src/nested/kept.js']);
  });
});

describe('the statecheck binary', () => {
  it('exits 1 with the report on stdout when there are findings, 0 when there are none', () => {
    write('src/app.js', APP);
    write('src/ok.js', 'module.exports = 1;\n');
    const found = spawnCli(['--no-cache', 'src'], tmp.path);
    expect(found).toMatchObject({ code: 1, stderr: '' });
    expect(found.stdout).toMatch(
      /^src\/app\.js\n {2}4:9 {2}error {2}`session\(…\)`[^]*\n✖ 2 findings \(2 errors, 0 warnings\) in 2 files scanned in \d+ ms\nscope \(no entry point found: path scope\): 2 files read as server code, 0 as context\n$/,
    );
    const clean = spawnCli(['--no-cache', 'src/ok.js'], tmp.path);
    expect(clean).toMatchObject({ code: 0, stderr: '' });
    expect(clean.stdout).toMatch(
      /^✔ no process-bound state found \(1 file scanned in \d+ ms\)\nscope \(no entry point found: path scope\): 2 files read as server code, 0 as context\n$/,
    );
  });

  it('exits 2 with a message and a hint on stderr, nothing on stdout, for a usage error', () => {
    expect(spawnCli(['--format', 'xml'], tmp.path)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'statecheck: unknown format "xml"\n  use one of: pretty, json, sarif, github, gitlab, junit, markdown\n',
    });
  });
});

describe('when the process itself cannot work', () => {
  it.runIf(existsSync('/dev/full'))(
    'a report that cannot be written to standard output (/dev/full) is exit code 2 with a message',
    () => {
      write('src/app.js', APP);
      const out = openSync('/dev/full', 'w');
      try {
        const result = spawnSync(process.execPath, [BIN, '--no-cache', 'src'], {
          cwd: tmp.path,
          encoding: 'utf8',
          stdio: ['ignore', out, 'pipe'],
        });
        expect(result.status).toBe(2);
        expect(result.stderr).toBe('statecheck: cannot write the report to standard output: no space left on device\n');
      } finally {
        closeSync(out);
      }
    },
  );

  it.runIf(process.platform !== 'win32')('a working directory that was deleted is exit code 2 with a message', () => {
    const gone = join(tmp.path, 'gone');
    mkdirSync(gone);
    // The shell enters the folder, removes it, then starts statecheck there.
    const result = spawnSync(
      'sh',
      ['-c', `cd "$1" && rmdir "$1" && exec "$2" "$3" --no-cache`, 'sh', gone, process.execPath, BIN],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'statecheck: cannot use the working directory: it no longer exists\n  run statecheck from an existing folder\n',
    );
  });

  it('a report that cannot be written to --output is exit code 2 with a message', async () => {
    write('src/app.js', APP);
    write('taken', 'a file, not a folder');
    const { code, stderr } = await runCli(['--no-cache', '--output', 'taken/report.txt', 'src'], tmp.path);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^statecheck: cannot write taken\/report\.txt: /);
  });
});
