import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeHash } from '../../cli/build-id.js';
import { cacheKey } from '../../cli/cache.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const dir = useTempDir();
const CACHE = join('node_modules', '.cache', 'statecheck', 'results.json');
const report = async (args: string[] = []) => {
  const result = await runCli(['--format', 'json', ...args], dir.path);
  expect(result.stderr).toBe('');
  const parsed = JSON.parse(result.stdout);
  delete parsed.summary.durationMs;
  return parsed;
};
const lines = (r: { findings: { file: string; line: number; category: string }[] }) =>
  r.findings.map((f) => `${f.file}:${f.line}:${f.category}`);

describe('result cache', () => {
  it('is written on the first run and reused: a cached result is reported without re-analysis', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    const cold = await report();
    const cache = JSON.parse(readFileSync(join(dir.path, CACHE), 'utf8'));
    const entry = cache.entries[join(dir.path, 'src/app.js')];
    expect(entry.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(entry.result.findings).toHaveLength(2);
    // Prove reuse: doctor the cached result; an unchanged file must come back as cached.
    entry.result.findings = entry.result.findings.slice(0, 1);
    writeFileSync(join(dir.path, CACHE), JSON.stringify(cache));
    expect(lines(await report())).toEqual(lines(cold).slice(0, 1));
    expect(lines(await report(['--no-cache']))).toEqual(lines(cold));
  });

  it('is not rewritten by a warm run over unchanged files, and is when one changed', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('src/other.js', 'module.exports = 1;\n');
    await report();
    const written = statSync(join(dir.path, CACHE)).mtimeMs;
    await new Promise((done) => setTimeout(done, 20));
    await report();
    expect(statSync(join(dir.path, CACHE)).mtimeMs).toBe(written);
    dir.write('src/other.js', 'module.exports = 2;\n');
    await report();
    expect(statSync(join(dir.path, CACHE)).mtimeMs).toBeGreaterThan(written);
  });

  it('re-analyses a file whose content changed', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    await report();
    dir.write('src/app.js', SAMPLE_APP.replace("app.use(session({ secret: 'x' }));\n", '// sessions moved to Redis\n'));
    expect(lines(await report())).toEqual(['src/app.js:5:module-state']);
  });

  it('is not used when the configuration changes', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    await report();
    dir.write('statecheck.config.json', JSON.stringify({ rules: { 'module-state': 'off' } }));
    expect(lines(await report())).toEqual(['src/app.js:4:memory-session']);
  });

  it('is keyed on the statecheck version and the settings', () => {
    expect(cacheKey('0.1.0', { a: 1 })).not.toBe(cacheKey('0.2.0', { a: 1 }));
    expect(cacheKey('0.1.0', { a: 1 })).not.toBe(cacheKey('0.1.0', { a: 2 }));
    expect(cacheKey('0.1.0', { a: 1 })).toBe(cacheKey('0.1.0', { a: 1 }));
  });

  it('ignores a cache written by another version, and a corrupt one', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    const cold = await report();
    const cache = JSON.parse(readFileSync(join(dir.path, CACHE), 'utf8'));
    cache.key = 'written-by-another-version';
    cache.entries[join(dir.path, 'src/app.js')].result.findings = [];
    writeFileSync(join(dir.path, CACHE), JSON.stringify(cache));
    expect(await report()).toEqual(cold);
    writeFileSync(join(dir.path, CACHE), '{"key": tru');
    expect(await report()).toEqual(cold);
    writeFileSync(join(dir.path, CACHE), Buffer.from([0, 159, 146, 150]));
    expect(await report()).toEqual(cold);
  });

  // An app with findings of its own, and a store with the route that writes it (summaries the link step joins).
  const STORE = 'export const sessions = new Map();\n';
  const ROUTE =
    "import express from 'express';\nimport './sample.js';\nimport { sessions } from './store.js';\nconst app = express();\napp.post('/login', (req, res) => { sessions.set(req.body.id, req.body); res.end(); });\napp.listen(3000);\n";
  it.each([
    ['a related list that is null', 'sample', (e: CachedEntry) => void (e.result.findings[0]!.related = null)],
    [
      'a finding without a message',
      'sample',
      (e: CachedEntry) => {
        delete e.result.findings[0]!.message;
      },
    ],
    ['an offset that is a string', 'sample', (e: CachedEntry) => void (e.result.findings[0]!.start = '1')],
    ['an unknown category', 'sample', (e: CachedEntry) => void (e.result.findings[0]!.category = 'constructor')],
    ['errors that are not a list', 'sample', (e: CachedEntry) => void (e.result.errors = {})],
    ['a result that is a string', 'sample', (e: CachedEntry) => void (e.result = 'x' as never)],
    [
      'a summary without its state',
      'store',
      (e: CachedEntry) => {
        delete e.result.summary!.state;
      },
    ],
    ['exports that are null', 'store', (e: CachedEntry) => void (e.result.summary!.exports = null)],
    [
      'a piece of state without its writes',
      'store',
      (e: CachedEntry) => {
        delete (e.result.summary!.state as Record<string, unknown>[])[0]!.writes;
      },
    ],
    [
      'a use whose path is null',
      'app',
      (e: CachedEntry) => void ((e.result.summary!.uses as Record<string, unknown>[])[0]!.path = null),
    ],
  ])('ignores an entry with %s: the file is analysed again', async (_, file, spoil) => {
    dir.write('src/sample.js', SAMPLE_APP);
    dir.write('src/store.js', STORE);
    dir.write('src/app.js', ROUTE);
    const cold = await report();
    expect(lines(cold)).toEqual([
      'src/sample.js:4:memory-session',
      'src/sample.js:5:module-state',
      'src/store.js:1:memory-session',
    ]);
    const cache = JSON.parse(readFileSync(join(dir.path, CACHE), 'utf8')) as { entries: Record<string, CachedEntry> };
    spoil(cache.entries[join(dir.path, `src/${file}.js`)]!);
    writeFileSync(join(dir.path, CACHE), JSON.stringify(cache));
    expect(await report()).toEqual(cold);
  });

  it('--cache-location puts it elsewhere', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    await report(['--cache-location', '.statecheck-cache']);
    expect(JSON.parse(readFileSync(join(dir.path, '.statecheck-cache', 'results.json'), 'utf8')).entries).toBeDefined();
  });
});

/** A cache entry as results.json holds it, loosely typed so that tests can spoil it. */
interface CachedEntry {
  result: {
    findings: Record<string, unknown>[];
    errors: unknown;
    summary?: Record<string, unknown>;
  };
}

describe("the cache key covers statecheck's own code", () => {
  it('npm run build records a hash of the built code in dist/build-id.json', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'dist', 'build-id.json'), 'utf8'))).toEqual({
      code: codeHash(join(ROOT, 'dist')),
    });
  });

  it('a build with other analysis code and the same version does not reuse the results of the first', () => {
    // Another build of the same version: a copy of this one, installed elsewhere.
    const pkg = join(dir.path, 'pkg');
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    cpSync(join(ROOT, 'tools', 'build-id.mjs'), join(pkg, 'tools', 'build-id.mjs'));
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const app = join(dir.path, 'app');
    mkdirSync(join(app, 'src'), { recursive: true });
    writeFileSync(join(app, 'src', 'app.js'), SAMPLE_APP);
    const run = () => {
      const result = spawnSync(process.execPath, [join(pkg, 'dist', 'cli', 'index.js'), '--format', 'json'], {
        cwd: app,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      return lines(JSON.parse(result.stdout));
    };
    const cold = run();
    expect(cold).toHaveLength(2);
    // Doctor the cached result: the same build serves it.
    const cacheFile = join(app, CACHE);
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    cache.entries[join(app, 'src/app.js')].result.findings.pop();
    writeFileSync(cacheFile, JSON.stringify(cache));
    expect(run()).toEqual(cold.slice(0, 1));
    // Change the analysis code and run the build step again: the doctored result is not served.
    appendFileSync(join(pkg, 'dist', 'core', 'index.js'), '\n// another build\n');
    execFileSync(process.execPath, [join(pkg, 'tools', 'build-id.mjs')]);
    expect(run()).toEqual(cold);
  });
});

describe('shards', () => {
  it('put every file in exactly one shard, and merged shard reports equal a single run', async () => {
    for (let i = 0; i < 12; i++)
      dir.write(`src/m${i}.js`, `const list${i} = [];\nexport function add(x) { list${i}.push(x); }\n`);
    dir.write('src/app.js', SAMPLE_APP);
    for (let i = 0; i < 4; i++) dir.write(`src/gen${i}.js`, `// @generated\n${SAMPLE_APP}`);
    const single = await report(['--no-cache']);
    expect(single.skipped).toHaveLength(4);
    const shardFiles: string[] = [];
    const seen: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const out = `shard-${i}.json`;
      await runCli(['--format', 'json', '--no-cache', '--shard', `${i}/3`, '--output', out], dir.path);
      shardFiles.push(out);
      const shard = JSON.parse(readFileSync(join(dir.path, out), 'utf8'));
      seen.push(...new Set<string>(shard.findings.map((f: { file: string }) => f.file)));
    }
    expect(seen.sort()).toEqual([...new Set(single.findings.map((f: { file: string }) => f.file))].sort());
    expect(new Set(seen).size).toBe(seen.length);
    const merged = await runCli(['merge', ...shardFiles], dir.path);
    expect(merged.code).toBe(1);
    const combined = JSON.parse(merged.stdout);
    delete combined.summary.durationMs;
    expect(combined).toEqual(single);
  });

  it('merges SARIF shard reports', async () => {
    for (let i = 0; i < 6; i++)
      dir.write(`src/m${i}.js`, `const list${i} = [];\nexport function add(x) { list${i}.push(x); }\n`);
    for (let i = 1; i <= 2; i++)
      await runCli(['--format', 'sarif', '--no-cache', '--shard', `${i}/2`, '--output', `s${i}.sarif`], dir.path);
    const merged = JSON.parse((await runCli(['merge', 's1.sarif', 's2.sarif'], dir.path)).stdout);
    expect(merged.runs).toHaveLength(1);
    expect(merged.runs[0].results).toHaveLength(6);
  });

  it('rejects a bad --shard and mixed report formats', async () => {
    expect(await runCli(['--shard', '4/3'], dir.path)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^statecheck: --shard: expected <index>\/<count>/),
    });
    dir.write('a.json', JSON.stringify({ version: 1, findings: [], errors: [], summary: {} }));
    dir.write('b.sarif', JSON.stringify({ version: '2.1.0', runs: [] }));
    expect(await runCli(['merge', 'a.json', 'b.sarif'], dir.path)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^statecheck: merge: reports must all be/),
    });
  });
});
