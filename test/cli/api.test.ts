import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scan, StatecheckError } from '../../dist/cli/api.js';
import { HELP } from '../../dist/cli/options.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { readmeSnippet } from '../helpers/readme.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

// `import { scan } from 'statecheck/api'` (the build; test/e2e/packed-eslint.test.ts imports it from
// the packed tarball): the CLI's options in camelCase, the JSON report's object back.

const dir = useTempDir('statecheck-api-');

/** The report without what differs between two runs. */
function stable(report: { summary: { durationMs?: number }; exitCode?: number }): unknown {
  return { ...report, summary: { ...report.summary, durationMs: 0 } };
}

async function rejection(promise: Promise<unknown>): Promise<StatecheckError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StatecheckError) return error;
    throw error;
  }
  throw new Error('expected a StatecheckError');
}

describe('scan()', () => {
  it('returns what `statecheck --format json` prints, and the exit code the CLI gives', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('src/ok.js', 'export const x = 1;\n');
    const cli = await runCli(['--format', 'json', '--no-cache', 'src'], dir.path);
    const report = await scan({ cwd: dir.path, paths: ['src'], noCache: true });
    expect(stable({ ...report, exitCode: undefined })).toEqual(
      stable({ ...(JSON.parse(cli.stdout) as { summary: object }), exitCode: undefined }),
    );
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}`)).toEqual([
      'src/app.js:4 statecheck/no-memory-session',
      'src/app.js:5 statecheck/no-module-state',
    ]);
    expect(report.exitCode).toBe(1);
    expect(cli.code).toBe(1);
  });

  it('takes the options by their long names in camelCase: failOn, quiet, noCrossFile, a configuration', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('statecheck.config.json', JSON.stringify({ rules: { 'no-module-state': 'warn' } }));
    const warned = await scan({ cwd: dir.path, noCache: true });
    expect(warned.findings.map((f) => f.severity)).toEqual(['error', 'warn']);
    expect((await scan({ cwd: dir.path, noCache: true, quiet: true })).findings).toHaveLength(1);
    dir.write('statecheck.config.json', JSON.stringify({ rules: { 'no-memory-session': 'off' } }));
    expect((await scan({ cwd: dir.path, noCache: true })).exitCode).toBe(1);
    dir.write(
      'statecheck.config.json',
      JSON.stringify({ rules: { 'no-memory-session': 'off', 'module-state': 'warn' } }),
    );
    expect((await scan({ cwd: dir.path, noCache: true })).exitCode).toBe(0);
    expect((await scan({ cwd: dir.path, noCache: true, failOn: 'warn' })).exitCode).toBe(1);
    expect((await scan({ cwd: dir.path, noCache: true, maxWarnings: 0 })).exitCode).toBe(1);
  });

  it('reports configuration warnings through onWarning, not on stderr', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('statecheck.config.json', JSON.stringify({ rulez: {} }));
    const warnings: string[] = [];
    await scan({ cwd: dir.path, noCache: true, onWarning: (w) => warnings.push(w) });
    expect(warnings.join('\n')).toMatch(/rulez/);
  });

  it('throws a StatecheckError where the CLI exits with code 2, with its hint', async () => {
    dir.write('statecheck.config.json', '{ "rules": { "no-process-cache": "loud" } }');
    const broken = await rejection(scan({ cwd: dir.path, noCache: true }));
    expect(broken.message).toMatch(/rules\.no-process-cache/);
    const unknown = await rejection(scan({ cwd: dir.path, failOnn: 'warn' } as never));
    expect(unknown.message).toBe('unknown option "failOnn"');
    expect(unknown.hint).toBe('did you mean "failOn"?');
    const wrong = await rejection(scan({ cwd: dir.path, jobs: '2' } as never));
    expect(wrong.message).toBe('jobs: expected a number, got string');
    const printing = await rejection(scan({ cwd: dir.path, format: 'sarif' } as never));
    expect(printing.message).toBe('format is not an option of scan()');
  });

  it('knows every option of the CLI: each is an option of scan() or says why it is not one', async () => {
    const flags = [...HELP.matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(20);
    for (const flag of flags) {
      const key = flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
      // A value of no option's type: a known option fails on its type, an unknown one on its name.
      const options: Record<string, unknown> = { cwd: dir.path, [key]: Symbol('x') };
      const error = await rejection(scan(options));
      expect(error.message, flag).toMatch(new RegExp(`^${key}(: expected| is not an option of scan\\(\\))`));
    }
  });

  it('a path that starts with a dash stays a path', async () => {
    dir.write('-app.js', SAMPLE_APP.replace('module.exports = app;', 'module.exports = app; app.listen(3000);'));
    const report = await scan({ cwd: dir.path, paths: ['-app.js'], noCache: true });
    expect(report.findings.map((f) => f.file)).toEqual(['-app.js', '-app.js']);
  });

  it("the README's example runs as written (in its own process, on the build)", () => {
    dir.write('src/app.js', SAMPLE_APP);
    const api = pathToFileURL(join(ROOT, 'dist', 'cli', 'api.js')).href;
    dir.write('example.mjs', readmeSnippet('api').replace("'statecheck/api'", JSON.stringify(api)));
    const result = spawnSync(process.execPath, ['example.mjs'], { cwd: dir.path, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'src/app.js:4 statecheck/no-memory-session',
      'src/app.js:5 statecheck/no-module-state',
      '',
    ]);
    expect(result.status).toBe(1);
  });
});
