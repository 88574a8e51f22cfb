import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { useTempDir } from '../helpers/tmp.js';

const dir = join(FIXTURES, 'typed');
const expected = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { findings: unknown[] }).findings;

interface Report {
  findings: { ruleId: string; category: string; file: string; line: number; column: number; message: string }[];
  errors: unknown[];
}

const run = async (args: string[]) => {
  const { code, stdout, stderr } = await runCli(['--format', 'json', '--no-cache', ...args], dir);
  expect(stderr).toBe('');
  return { code, report: JSON.parse(stdout) as Report };
};

describe('--typed on fixtures/typed', () => {
  it('finds containers and stores that only their types reveal', async () => {
    const { code, report } = await run(['--typed']);
    expect(
      report.findings.map(({ ruleId, category, file, line, column }) => ({ ruleId, category, file, line, column })),
    ).toEqual(expected);
    expect(report.findings[1]!.message).toMatch(
      /^`this\.cache` holds a `LRUCache` \(lru-cache\), which is a cache in process memory/,
    );
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
  });

  it('finds neither without the type checker', async () => {
    const { code, report } = await run([]);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('refuses --typed with --no-cross-file', async () => {
    const { code, stderr } = await runCli(['--typed', '--no-cross-file'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--typed and --no-cross-file cannot be combined/);
  });
});

describe('--typed reads what TypeScript asks for through the same guard as every other file', () => {
  const tmp = useTempDir('statecheck-typed-');
  const POSIX = process.platform !== 'win32';
  const STORE = 'export const seen = new Set<string>();\nexport function track(ip: string) { seen.add(ip); }\n';
  const typed = () => {
    const result = spawnSync(
      process.execPath,
      [BIN, '--typed', '--format', 'json', '--no-cache', '--fail-on', 'warn', '.'],
      {
        cwd: tmp.path,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    return {
      signal: result.signal,
      code: result.status,
      stderr: result.stderr,
      files: result.stdout ? (JSON.parse(result.stdout) as Report).findings.map((f) => `${f.file}:${f.line}`) : [],
    };
  };

  it.runIf(POSIX)('a tsconfig.json that is a named pipe is not waited on', () => {
    tmp.write('src/store.ts', STORE);
    spawnSync('mkfifo', [join(tmp.path, 'tsconfig.json')]);
    expect(typed()).toEqual({ signal: null, code: 1, stderr: '', files: ['src/store.ts:1'] });
  });

  it.runIf(POSIX && existsSync('/dev/zero'))('a reference to /dev/zero, or a config extending it, is not read', () => {
    symlinkSync('/dev/zero', join(tmp.path, 'zero.d.ts'));
    tmp.write('src/store.ts', `/// <reference path="../zero.d.ts" />\n${STORE}`);
    expect(typed()).toEqual({ signal: null, code: 1, stderr: '', files: ['src/store.ts:2'] });
    symlinkSync('/dev/zero', join(tmp.path, 'zero.json'));
    tmp.write('tsconfig.json', JSON.stringify({ extends: './zero.json' }));
    expect(typed()).toEqual({ signal: null, code: 1, stderr: '', files: ['src/store.ts:2'] });
  });
});
