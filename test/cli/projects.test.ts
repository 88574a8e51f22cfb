import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/fixtures.js';

interface Expected {
  findings: { ruleId: string; category: string; file: string; line: number; column: number }[];
}

describe.each(['express-monolith', 'nest-service', 'next-app'])('fixtures/projects/%s through the built CLI', (app) => {
  const dir = join(FIXTURES, 'projects', app);
  const expected = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected).findings;

  it('reports exactly the expected findings, no more', async () => {
    const { code, stdout, stderr } = await runCli(['--format', 'json'], dir);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as { findings: Expected['findings']; errors: unknown[] };
    const got = report.findings.map(({ ruleId, category, file, line, column }) => ({
      ruleId,
      category,
      file,
      line,
      column,
    }));
    expect(got).toEqual(expected);
    expect(report.errors).toEqual([]);
    expect(code).toBe(1);
  });
});

describe('scope of the bundled Express app', () => {
  const dir = join(FIXTURES, 'projects', 'express-monolith');
  it('does not scan tests, scripts or .gitignored files', async () => {
    const report = JSON.parse((await runCli(['--format', 'json'], dir)).stdout) as {
      findings: { file: string }[];
      summary: { files: number };
    };
    const files = new Set(report.findings.map((f) => f.file));
    for (const file of files) expect(file).toMatch(/^src\//);
    expect(report.summary.files).toBe(16);
  });
});
