import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const dir = useTempDir();
const categories = (stdout: string) =>
  (JSON.parse(stdout).findings as { category: string; severity: string }[]).map((f) => `${f.category}:${f.severity}`);

describe('configuration', () => {
  it('statecheck.config.json sets severities per rule or category, found from a subfolder upward', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write(
      'statecheck.config.json',
      JSON.stringify({ rules: { 'no-memory-session': 'warn', 'module-state': 'off' } }),
    );
    const { code, stdout } = await runCli(['--format', 'json', '.'], join(dir.path, 'src'));
    expect(categories(stdout)).toEqual(['memory-session:warn']);
    expect(code).toBe(0);
  });

  it('statecheck.config.jsonc allows comments and trailing commas', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write(
      'statecheck.config.jsonc',
      '{\n  // legacy sessions move to Redis next quarter\n  "rules": { "statecheck/no-memory-session": "off", },\n}\n',
    );
    expect(categories((await runCli(['--format', 'json'], dir.path)).stdout)).toEqual(['module-state:error']);
  });

  it('a "statecheck" key in package.json works, and --config overrides it', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('package.json', JSON.stringify({ name: 'x', statecheck: { rules: { 'module-state': 'off' } } }));
    dir.write('ci/strict.json', JSON.stringify({ rules: {} }));
    expect(categories((await runCli(['--format', 'json'], dir.path)).stdout)).toEqual(['memory-session:error']);
    expect(categories((await runCli(['--format', 'json', '--config', 'ci/strict.json'], dir.path)).stdout)).toEqual([
      'memory-session:error',
      'module-state:error',
    ]);
  });

  it('include and exclude globs are relative to the config file', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('src/legacy/old.js', SAMPLE_APP);
    dir.write('other/x.js', SAMPLE_APP);
    dir.write('statecheck.config.json', JSON.stringify({ include: ['src/**'], exclude: ['src/legacy/**'] }));
    const files = (
      JSON.parse((await runCli(['--format', 'json'], dir.path)).stdout).findings as { file: string }[]
    ).map((f) => f.file);
    expect([...new Set(files)]).toEqual(['src/app.js']);
  });

  it('defaultScope: false brings tests and scripts into scope', async () => {
    dir.write('scripts/seed.js', SAMPLE_APP);
    expect(JSON.parse((await runCli(['--format', 'json'], dir.path)).stdout).findings).toEqual([]);
    dir.write('statecheck.config.json', JSON.stringify({ defaultScope: false }));
    expect(JSON.parse((await runCli(['--format', 'json'], dir.path)).stdout).findings).toHaveLength(2);
  });

  it('allow lists intentionally local state, deployment single-instance keeps only leaks', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write(
      'statecheck.config.json',
      JSON.stringify({ rules: { 'no-module-state': ['error', { allow: ['seen'] }] } }),
    );
    expect(categories((await runCli(['--format', 'json'], dir.path)).stdout)).toEqual(['memory-session:error']);
    dir.write('statecheck.config.json', JSON.stringify({ deployment: 'single-instance' }));
    expect(categories((await runCli(['--format', 'json'], dir.path)).stdout)).toEqual([]);
  });

  it('packages names an in-house wrapper as a category', async () => {
    dir.write(
      'src/cache.ts',
      "import { createCache } from '@acme/cache';\nexport const users = createCache({ ttl: 60 });\n",
    );
    expect(JSON.parse((await runCli(['--format', 'json'], dir.path)).stdout).findings).toEqual([]);
    dir.write('statecheck.config.json', JSON.stringify({ packages: { '@acme/cache': 'process-cache' } }));
    expect(categories((await runCli(['--format', 'json'], dir.path)).stdout)).toEqual(['process-cache:error']);
  });

  it('packages treats a fork named by its original as the original, subpaths too', async () => {
    dir.write(
      'src/jobs.js',
      "import Bree from '@acme/bree';\nimport { JSONFilePreset } from '@acme/lowdb/node';\n" +
        "export const bree = new Bree({ jobs: ['digest'] });\nexport const db = await JSONFilePreset('db.json', {});\n",
    );
    expect(JSON.parse((await runCli(['--format', 'json'], dir.path)).stdout).findings).toEqual([]);
    dir.write('statecheck.config.json', JSON.stringify({ packages: { '@acme/bree': 'bree', '@acme/lowdb': 'lowdb' } }));
    const { findings } = JSON.parse((await runCli(['--format', 'json'], dir.path)).stdout) as {
      findings: { line: number; category: string; subject: string }[];
    };
    expect(findings.map((f) => `${f.line} ${f.category} ${f.subject}`)).toEqual([
      '3 in-process-scheduler bree',
      '4 file-write lowdb',
    ]);
  });

  it.each([
    [
      { packages: { '@acme/bree': 'bre' } },
      'statecheck: statecheck.config.json: packages.@acme/bree: expected a category (module-state, file-write, memory-session, process-cache, memory-rate-limit, socket-registry, in-process-scheduler, process-lock, global-mutation) or a package statecheck knows, to treat "@acme/bree" as that package (did you mean "bree"?)',
    ],
    [
      { packages: { '@acme/x': 'no-such-package-anywhere' } },
      'statecheck: statecheck.config.json: packages.@acme/x: expected a category (module-state, file-write, memory-session, process-cache, memory-rate-limit, socket-registry, in-process-scheduler, process-lock, global-mutation) or a package statecheck knows, to treat "@acme/x" as that package\n',
    ],
    [
      { rules: { 'no-process-cache': 'loud' } },
      'statecheck: statecheck.config.json: rules.no-process-cache: expected "off", "warn" or "error"',
    ],
    [
      { rules: { 'no-such-rule': 'off' } },
      'statecheck: statecheck.config.json: rules.no-such-rule: unknown rule or category',
    ],
    [{ include: 'src' }, 'statecheck: statecheck.config.json: include: expected an array of glob strings'],
    [
      { deployment: 'cluster' },
      'statecheck: statecheck.config.json: deployment: expected "single-instance" or "multi-instance"',
    ],
    [
      { packages: { '@acme/cache': 'caches' } },
      'statecheck: statecheck.config.json: packages.@acme/cache: expected a category',
    ],
  ])('%j is rejected with a clear message and exit 2', async (config, message) => {
    dir.write('statecheck.config.json', JSON.stringify(config));
    const { code, stderr, stdout } = await runCli([], dir.path);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message)).toBe(true);
  });

  it('invalid JSON names the line; a missing --config file is a usage error', async () => {
    dir.write('statecheck.config.json', '{\n  "rules": {\n    "x": \n}\n');
    const broken = await runCli([], dir.path);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^statecheck: statecheck\.config\.json:\d+: invalid JSON/);
    const missing = await runCli(['--config', 'nope.json'], dir.path);
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^statecheck: config file not found: nope\.json/),
    });
  });

  it.each([
    ['arrays', `{ "rules": ${'['.repeat(100_000)}${']'.repeat(100_000)} }`],
    ['objects', `{ "packages": ${'{ "a": '.repeat(100_000)}1${' }'.repeat(100_000)} }`],
  ])('deeply nested %s are a configuration error, not an internal error', async (_, text) => {
    dir.write('statecheck.config.json', text);
    const { code, stderr } = await runCli([], dir.path);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'statecheck: statecheck.config.json: invalid JSON (nested too deeply)\n  a configuration needs a few levels at most\n',
    );
  });

  it('a UTF-8 byte order mark (as Windows editors write) is read past, in package.json too', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('statecheck.config.json', `\uFEFF${JSON.stringify({ rules: { 'module-state': 'off' } })}`);
    expect(categories((await runCli(['--format', 'json'], dir.path)).stdout)).toEqual(['memory-session:error']);
    rmSync(join(dir.path, 'statecheck.config.json'));
    dir.write(
      'package.json',
      `\uFEFF${JSON.stringify({ name: 'x', statecheck: { rules: { 'memory-session': 'off' } } })}`,
    );
    expect(categories((await runCli(['--format', 'json'], dir.path)).stdout)).toEqual(['module-state:error']);
  });

  it('unknown keys warn on stderr and are otherwise ignored', async () => {
    dir.write('src/ok.js', 'module.exports = 1;\n');
    dir.write('statecheck.config.json', JSON.stringify({ rulez: {} }));
    const { code, stderr } = await runCli([], dir.path);
    expect(code).toBe(0);
    expect(stderr).toBe('statecheck: statecheck.config.json: unknown key "rulez" (ignored): did you mean "rules"?\n');
  });

  it('ships a JSON Schema that names every setting the loader accepts', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'statecheck.schema.json'), 'utf8'));
    expect(Object.keys(schema.properties).sort()).toEqual([
      '$schema',
      'defaultScope',
      'deployment',
      'exclude',
      'include',
      'maxFileSize',
      'packages',
      'rules',
      'skipGenerated',
    ]);
    expect(schema.properties.rules.properties['no-process-cache']).toEqual({ $ref: '#/$defs/ruleSetting' });
    expect(schema.properties.rules.properties['statecheck/no-process-cache']).toBeDefined();
    expect(schema.properties.rules.properties['process-cache']).toBeDefined();
  });
});
