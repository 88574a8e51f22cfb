import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CROSS_FILE, CROSS_FILE_PROJECTS, type CrossFileExpected, type ExpectedFinding, type Located } from '../helpers/cross-file.js';

describe.each(CROSS_FILE_PROJECTS)('fixtures/cross-file/%s through the built CLI', (project) => {
  const dir = join(CROSS_FILE, project);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as CrossFileExpected;

  it('reports exactly the expected findings, with every related location', () => {
    const { stdout, stderr } = runCli(['--format', 'json', '--no-cache'], dir);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as { findings: (ExpectedFinding & { related: (Located & { message: string })[] })[]; errors: unknown[] };
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

  it('reports per file only, with --no-cross-file, what ESLint reports', () => {
    const { stdout } = runCli(['--format', 'json', '--no-cache', '--no-cross-file'], dir);
    const report = JSON.parse(stdout) as { findings: ExpectedFinding[] };
    const got = report.findings.map(({ ruleId, category, file, line, column }) => ({ ruleId, category, file, line, column }));
    const perFile = [...expected.findings.filter((f) => !f.crossFile).map(({ ruleId, category, file, line, column }) => ({ ruleId, category, file, line, column })), ...expected.eslintOnly];
    const order = (a: Located & { ruleId: string }, b: Located & { ruleId: string }) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1));
    expect(got).toEqual(perFile.sort(order));
  });
});
