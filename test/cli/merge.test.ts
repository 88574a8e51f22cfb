import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';

const dir = useTempDir('statecheck-merge-');
const POSIX = process.platform !== 'win32';

const REPORT = { version: 1, findings: [], errors: [], summary: { files: 1, findings: 0, errors: 0, durationMs: 1 } };
const FINDING = { file: 'src/a.js', line: 1, column: 7, ruleId: 'statecheck/no-module-state', severity: 'error' };

/** `statecheck merge`, with a time limit: a merge that hangs fails the test instead of the run. */
const merge = (...files: string[]) => {
  const result = spawnSync(process.execPath, [BIN, 'merge', ...files], {
    cwd: dir.path,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { signal: result.signal, code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('statecheck merge with inputs that are not reports', () => {
  it.runIf(POSIX)('a named pipe is refused, not waited on', () => {
    dir.write('a.json', JSON.stringify(REPORT));
    spawnSync('mkfifo', [join(dir.path, 'pipe.json')]);
    expect(merge('a.json', 'pipe.json')).toEqual({
      signal: null,
      code: 2,
      stdout: '',
      stderr:
        'statecheck: merge: cannot read pipe.json: not a regular file (a named pipe)\n  merge takes report files written with --output\n',
    });
  });

  it.runIf(existsSync('/dev/zero'))('/dev/zero is refused, not read without end', () => {
    dir.write('a.json', JSON.stringify(REPORT));
    expect(merge('a.json', '/dev/zero')).toMatchObject({
      signal: null,
      code: 2,
      stderr:
        'statecheck: merge: cannot read /dev/zero: not a regular file (a device)\n  merge takes report files written with --output\n',
    });
  });

  it.each([
    ['a finding that is null', { ...REPORT, findings: [null] }, 'findings[0]: expected an object'],
    [
      'a finding without a line',
      { ...REPORT, findings: [{ ...FINDING, line: undefined }] },
      'findings[0].line: expected a number',
    ],
    ['errors that are not a list', { ...REPORT, errors: 'none' }, 'errors: expected an array'],
    ['a summary that is a string', { ...REPORT, summary: 'x' }, 'summary: expected an object'],
    [
      'a scope without its counts',
      { ...REPORT, summary: { files: 1, scope: { mode: 'entry-points' } } },
      'summary.scope.entryPoints: expected a number',
    ],
  ])('a JSON report with %s is a clear error, exit code 2', async (_, spoiled, problem) => {
    dir.write('a.json', JSON.stringify({ ...REPORT, findings: [FINDING] }));
    dir.write('b.json', JSON.stringify(spoiled));
    const { code, stdout, stderr } = await runCli(['merge', 'a.json', 'b.json'], dir.path);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.split('\n')[0]).toBe(`statecheck: merge: b.json: not a statecheck JSON report: ${problem}`);
  });

  it.each([
    ['no runs', { version: '2.1.0', runs: [] }, 'runs: expected at least one run'],
    ['results that are not a list', { version: '2.1.0', runs: [{ results: 3 }] }, 'runs[0].results: expected an array'],
    [
      'a location that is null',
      { version: '2.1.0', runs: [{ results: [{ locations: [null] }] }] },
      'runs[0].results[0].locations[0]: expected an object',
    ],
  ])('a SARIF log with %s is a clear error, exit code 2', async (_, spoiled, problem) => {
    dir.write('a.sarif', JSON.stringify(spoiled));
    const { code, stderr } = await runCli(['merge', 'a.sarif'], dir.path);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(`statecheck: merge: a.sarif: not a statecheck SARIF log: ${problem}`);
  });

  it('a report with a UTF-8 byte order mark is merged', async () => {
    dir.write('a.json', `\uFEFF${JSON.stringify({ ...REPORT, findings: [FINDING] })}`);
    const { code, stdout } = await runCli(['merge', 'a.json'], dir.path);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).findings).toEqual([FINDING]);
  });
});
