import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/fixtures.js';

const dir = join(FIXTURES, 'typed');
const expected = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { findings: unknown[] }).findings;

interface Report {
  findings: { ruleId: string; category: string; file: string; line: number; column: number; message: string }[];
  errors: unknown[];
}

const run = (args: string[]) => {
  const { code, stdout, stderr } = runCli(['--format', 'json', '--no-cache', ...args], dir);
  expect(stderr).toBe('');
  return { code, report: JSON.parse(stdout) as Report };
};

describe('--typed on fixtures/typed', () => {
  it('finds containers and stores that only their types reveal', () => {
    const { code, report } = run(['--typed']);
    expect(report.findings.map(({ ruleId, category, file, line, column }) => ({ ruleId, category, file, line, column }))).toEqual(expected);
    expect(report.findings[1]!.message).toMatch(/^`this\.cache` holds a `LRUCache` \(lru-cache\), which is a cache in process memory/);
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
  });

  it('finds neither without the type checker', () => {
    const { code, report } = run([]);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('refuses --typed with --no-cross-file', () => {
    const { code, stderr } = runCli(['--typed', '--no-cross-file'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--typed and --no-cross-file cannot be combined/);
  });
});
