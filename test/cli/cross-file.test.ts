import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';
import {
  CROSS_FILE,
  CROSS_FILE_PROJECTS,
  type CrossFileExpected,
  type ExpectedFinding,
  type Located,
} from '../helpers/cross-file.js';

describe.each(CROSS_FILE_PROJECTS)('fixtures/cross-file/%s through the built CLI', (project) => {
  const dir = join(CROSS_FILE, project);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CrossFileExpected;

  it('reports exactly the expected findings, with every related location', async () => {
    const { stdout, stderr } = await runCli(['--format', 'json', '--no-cache'], dir);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as {
      findings: (ExpectedFinding & { related: (Located & { message: string })[] })[];
      errors: unknown[];
    };
    const got = report.findings.map(({ ruleId, category, file, line, column, related }) => ({
      ruleId,
      category,
      file,
      line,
      column,
      related: related.map(({ file: f, line: l, column: c }) => ({ file: f, line: l, column: c })),
    }));
    expect(got).toEqual(expected.findings.map(({ crossFile: _, ...f }) => f));
    expect(report.errors).toEqual([]);
  });

  it('reports per file only, with --no-cross-file, what ESLint reports', async () => {
    const { stdout } = await runCli(['--format', 'json', '--no-cache', '--no-cross-file'], dir);
    const report = JSON.parse(stdout) as { findings: ExpectedFinding[] };
    const got = report.findings.map(({ ruleId, category, file, line, column }) => ({
      ruleId,
      category,
      file,
      line,
      column,
    }));
    const perFile = [
      ...expected.findings
        .filter((f) => !f.crossFile)
        .map(({ ruleId, category, file, line, column }) => ({ ruleId, category, file, line, column })),
      ...expected.eslintOnly,
    ];
    const order = (a: Located & { ruleId: string }, b: Located & { ruleId: string }) =>
      a.file < b.file
        ? -1
        : a.file > b.file
          ? 1
          : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1);
    expect(got).toEqual(perFile.sort(order));
  });
});

describe('the subject of each finding', () => {
  const dir = useTempDir('statecheck-subject-');

  it("names the state: exported state by its name, a store by its library, at a wrapper's call sites too", async () => {
    dir.write('package.json', '{ "name": "app", "private": true, "type": "module" }\n');
    dir.write('src/stats.js', 'export const stats = { hits: 0 };\n');
    dir.write(
      'src/cache.js',
      "import { LRUCache } from 'lru-cache';\nexport function createCache() {\n  return new LRUCache({ max: 100 });\n}\n",
    );
    dir.write(
      'src/app.js',
      [
        "import express from 'express';",
        "import session from 'express-session';",
        "import { stats } from './stats.js';",
        "import { createCache } from './cache.js';",
        'const app = express();',
        'const users = createCache();',
        "app.use(session({ secret: 'x' }));",
        'export const admins = createCache();',
        "app.get('/', (req, res) => {",
        '  stats.hits++;',
        '  res.json(users.get(req.query.id));',
        '});',
        'app.listen(3000);',
        '',
      ].join('\n'),
    );
    const { stdout } = await runCli(['--format', 'json', '--no-cache'], dir.path);
    const findings = (
      JSON.parse(stdout) as { findings: { file: string; line: number; category: string; subject: string }[] }
    ).findings;
    expect(findings.map((f) => `${f.file}:${f.line} ${f.category} ${f.subject}`)).toEqual([
      'src/app.js:6 process-cache lru-cache',
      'src/app.js:7 memory-session express-session',
      'src/app.js:8 process-cache lru-cache',
      'src/stats.js:1 module-state stats',
    ]);
  });
});

describe('cross-file analysis with the cache, shards and changed files', () => {
  const dir = useTempDir('statecheck-cross-');
  const json = async (args: string[]) => {
    const { stdout, stderr } = await runCli(['--format', 'json', ...args], dir.path);
    expect(stderr).toBe('');
    return JSON.parse(stdout) as {
      findings: {
        file: string;
        line: number;
        column: number;
        ruleId: string;
        related: { file: string; line: number }[];
      }[];
      summary: { files: number };
    };
  };
  const at = (r: Awaited<ReturnType<typeof json>>) =>
    r.findings.map(
      (f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} <- ${f.related.map((x) => `${x.file}:${x.line}`).join(' ')}`,
    );
  const setUp = () => {
    dir.write('package.json', '{ "name": "app", "private": true, "type": "module" }\n');
    dir.write('src/stats.js', 'export const stats = { hits: 0 };\n');
    dir.write(
      'src/count.js',
      "import { stats } from './stats.js';\nexport function count(req, res, next) {\n  stats.hits++;\n  next();\n}\n",
    );
    for (let i = 0; i < 6; i++)
      dir.write(`src/route-${i}.js`, `export const route${i} = (req, res) => res.end('${i}');\n`);
  };

  it('re-links a cached file when another file changes what writes it', async () => {
    setUp();
    const cache = ['--cache-location', '.cache'];
    expect(at(await json(cache))).toEqual(['statecheck/no-module-state src/stats.js:1:14 <- src/count.js:3']);
    // stats.js is unchanged (served from the cache); the write in count.js goes away.
    dir.write(
      'src/count.js',
      "import { stats } from './stats.js';\nexport function count(req, res, next) {\n  console.log(stats.hits);\n  next();\n}\n",
    );
    expect(at(await json(cache))).toEqual([]);
    dir.write(
      'src/count.js',
      "import { stats } from './stats.js';\nexport function count(req, res, next) {\n  stats.hits += 2;\n  next();\n}\n",
    );
    expect(at(await json(cache))).toEqual(['statecheck/no-module-state src/stats.js:1:14 <- src/count.js:3']);
  });

  it('does not mistake a missing ESM export for a member of the default export', async () => {
    dir.write('package.json', '{ "name": "app", "private": true, "type": "module" }\n');
    dir.write(
      'src/stats.js',
      'const stats = { hits: 0, byRoute: new Map() };\nexport default stats;\nexport const version = 1;\n',
    );
    dir.write(
      'src/count.js',
      "import * as ns from './stats.js';\nexport function count(req) {\n  ns.byRoute.set(req.path, 1);\n}\n",
    );
    expect(at(await json(['--no-cache']))).toEqual([]);
    dir.write(
      'src/count.js',
      "import * as ns from './stats.js';\nexport function count(req) {\n  ns.default.byRoute.set(req.path, 1);\n}\n",
    );
    expect(at(await json(['--no-cache']))).toEqual(['statecheck/no-module-state src/stats.js:1:7 <- src/count.js:3']);
  });

  it('settles the methods of an exported instance by their callers, unless the instance is passed on', async () => {
    dir.write('package.json', '{ "name": "app", "private": true, "type": "module" }\n');
    dir.write(
      'src/bus.js',
      'class Bus {\n  listeners = new Map();\n  on(e, fn) { this.listeners.set(e, fn); }\n}\nexport const bus = new Bus();\n',
    );
    dir.write('src/audit.js', "import { bus } from './bus.js';\nbus.on('paid', () => {});\n");
    expect(at(await json(['--no-cache']))).toEqual([]);
    // Handed to other code whole, its methods have callers statecheck cannot see.
    dir.write('src/app.js', "import { bus } from './bus.js';\nexport function attach(app) { app.set('bus', bus); }\n");
    expect(at(await json(['--no-cache']))).toEqual(['statecheck/no-module-state src/bus.js:2:3 <- src/bus.js:3']);
  });

  it('reports the same findings from shards as from one run, each in exactly one shard', async () => {
    setUp();
    const single = at(await json(['--no-cache']));
    expect(single).toHaveLength(1);
    const shards: Awaited<ReturnType<typeof json>>[] = [];
    for (const i of [1, 2, 3]) shards.push(await json(['--no-cache', '--shard', `${i}/3`]));
    expect(shards.reduce((n, s) => n + s.summary.files, 0)).toBe(8);
    expect(shards.flatMap(at).sort()).toEqual(single);
  });

  it('with a changed-file selection, links against the rest of the project', async () => {
    setUp();
    spawnSync('git', ['init', '-q'], { cwd: dir.path });
    spawnSync('git', ['add', '.'], { cwd: dir.path });
    spawnSync('git', ['-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-qm', 'init'], { cwd: dir.path });
    dir.write('src/stats.js', 'export const stats = { hits: 0, misses: 0 };\n');
    const changed = await json(['--no-cache', '--changed']);
    expect(changed.summary.files).toBe(1);
    expect(at(changed)).toEqual(['statecheck/no-module-state src/stats.js:1:14 <- src/count.js:3']);
  });
});

describe('files named on the command line (pre-commit, lint-staged)', () => {
  const dir = join(CROSS_FILE, 'named-files');
  const FILES = [
    'src/server.js',
    'src/routes.js',
    'src/lib/cache.js',
    'src/lib/stats.js',
    'scripts/seed.js',
    'test/routes.test.js',
  ];
  const findings = async (args: string[]) => {
    const { stdout, stderr } = await runCli(['--format', 'json', '--no-cache', ...args], dir);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as {
      findings: { file: string; line: number; column: number; category: string; fingerprint: string }[];
    };
    return report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.category} ${f.fingerprint}`);
  };

  it('give the same findings for those files as a run over the whole project, alone or together', async () => {
    const whole = await findings([]);
    expect(whole.length).toBeGreaterThanOrEqual(4);
    for (const file of FILES)
      expect(await findings([file]), file).toEqual(whole.filter((f) => f.startsWith(`${file}:`)));
    expect(await findings(['src/lib/stats.js', 'src/routes.js', 'test/routes.test.js'])).toEqual(
      whole.filter((f) => f.startsWith('src/lib/stats.js:') || f.startsWith('src/routes.js:')),
    );
  });
});
