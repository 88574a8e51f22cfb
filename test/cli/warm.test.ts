import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { useTempDir } from '../helpers/tmp.js';

const tmp = useTempDir('statecheck-warm-');

/** A fixture project copied into the temporary folder (the runs write a cache and the tests edit files). */
function project(name: string): string {
  const dir = join(tmp.path, name);
  cpSync(join(FIXTURES, 'cross-file', name), dir, { recursive: true });
  return dir;
}

/** The JSON report without the run's duration, and the exit code. */
async function report(dir: string, args: readonly string[] = []): Promise<unknown> {
  const { code, stdout, stderr } = await runCli(['--format', 'json', '--cache-location', 'cache', ...args], dir);
  const json = JSON.parse(stdout) as { summary: { durationMs?: number } };
  delete json.summary.durationMs;
  return { code, json, stderr };
}

const edit = (file: string, from: string, to: string) => {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe('warm runs: the stored report', () => {
  it('is returned when nothing changed, without reading the per-file results or linking', async () => {
    const dir = project('barrels-aliases');
    const cold = await report(dir);
    // Without the per-file results, a run that analysed or linked would have to analyse every
    // file again and write them back.
    rmSync(join(dir, 'cache', 'results.json'));
    expect(await report(dir)).toEqual(cold);
    expect(existsSync(join(dir, 'cache', 'results.json'))).toBe(false);
  });

  it('of a whole-project run survives runs with other options in between (a hook over staged files)', async () => {
    const dir = project('barrels-aliases');
    const whole = await report(dir);
    await report(dir, ['src/routes/users.ts']);
    await report(dir, ['--no-cross-file']);
    rmSync(join(dir, 'cache', 'results.json'));
    expect(await report(dir)).toEqual(whole);
    expect(existsSync(join(dir, 'cache', 'results.json'))).toBe(false);
  });

  // Each change alters the findings; the warm run must give what a run without the cache gives.
  it.each([
    ['a source file', 'barrels-aliases', (dir: string) => edit(join(dir, 'src/lib/stats.ts'), 'export', '// export')],
    [
      'the paths of a tsconfig.json',
      'barrels-aliases',
      (dir: string) => edit(join(dir, 'tsconfig.json'), '"@/*": ["src/*"]', '"@/*": ["nowhere/*"]'),
    ],
    [
      'a tsconfig.json where there was none',
      'barrels-aliases',
      (dir: string) =>
        writeFileSync(
          join(dir, 'src', 'tsconfig.json'),
          '{ "compilerOptions": { "paths": { "@/*": ["nowhere/*"] } } }',
        ),
    ],
    [
      'the workspaces of package.json',
      'workspace',
      (dir: string) => edit(join(dir, 'package.json'), '"workspaces"', '"workspacesNot"'),
    ],
  ])('is not returned once %s changed', async (_what, name, change) => {
    const dir = project(name);
    const before = await report(dir);
    expect(await report(dir)).toEqual(before);
    change(dir);
    const after = await report(dir, []);
    expect(after).not.toEqual(before);
    expect(after).toEqual(await report(dir, ['--no-cache']));
  });

  it('is kept per set of options', async () => {
    const dir = project('barrels-aliases');
    const whole = await report(dir);
    const perFile = await report(dir, ['--no-cross-file']);
    expect(perFile).not.toEqual(whole);
    expect(await report(dir)).toEqual(whole);
    expect(await report(dir, ['--no-cross-file'])).toEqual(perFile);
    expect(await report(dir, ['src/routes'])).toEqual(await report(dir, ['src/routes', '--no-cache']));
  });
});
