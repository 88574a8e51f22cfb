import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const dir = useTempDir();
const json = async (args: string[]) => {
  const result = await runCli(['--format', 'json', ...args], dir.path);
  return { ...result, report: JSON.parse(result.stdout) };
};

describe('baseline', () => {
  it('reports only new findings after edits above a known one and a file move', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    const update = await runCli(['--update-baseline'], dir.path);
    expect(update).toMatchObject({ code: 0, stdout: 'statecheck: wrote 2 findings to statecheck-baseline.json\n' });
    expect(JSON.parse(readFileSync(join(dir.path, 'statecheck-baseline.json'), 'utf8')).findings).toHaveLength(2);

    // Unrelated lines above the findings, the file moved, and one new finding.
    dir.write(
      'src/app.js',
      `// Service entry point\n'use strict';\n\n${SAMPLE_APP}const recent = [];\napp.post('/r', (req, res) => { recent.push(req.body); res.end(); });\n`,
    );
    renameSync(join(dir.path, 'src/app.js'), join(dir.path, 'src/server.js'));
    const { code, report } = await json([]);
    expect(
      report.findings.map((f: { file: string; line: number; category: string }) => `${f.file}:${f.line}:${f.category}`),
    ).toEqual(['src/server.js:14:module-state']);
    expect(report.summary.baseline).toEqual({ file: 'statecheck-baseline.json', suppressed: 2, stale: 0 });
    expect(code).toBe(1);
  });

  it('says how many baseline entries are gone, and --no-baseline ignores it', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    await runCli(['--update-baseline'], dir.path);
    dir.write('src/app.js', SAMPLE_APP.replace("app.use(session({ secret: 'x' }));\n", ''));
    const { code, stdout } = await runCli([], dir.path);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /1 known finding suppressed by statecheck-baseline\.json, 1 baseline entry no longer found \(prune with --update-baseline\)/,
    );
    expect((await json(['--no-baseline'])).report.findings).toHaveLength(1);
  });

  it('--baseline names another file; a missing or foreign one is a usage error', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    await runCli(['--update-baseline', '--baseline', 'ci/known.json'], dir.path);
    expect((await json(['--baseline', 'ci/known.json'])).report.findings).toEqual([]);
    expect(await runCli(['--baseline', 'ci/none.json'], dir.path)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^statecheck: baseline not found: ci\/none\.json/),
    });
    dir.write('statecheck-baseline.json', '{"findings": 3}');
    expect(await runCli([], dir.path)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not a statecheck baseline/),
    });
  });
});

describe('gates and output', () => {
  it('--fail-on warn and --max-warnings fail on warnings; --quiet hides them', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write(
      'statecheck.config.json',
      JSON.stringify({ rules: { 'memory-session': 'warn', 'module-state': 'warn' } }),
    );
    expect((await runCli([], dir.path)).code).toBe(0);
    expect((await runCli(['--fail-on', 'warn'], dir.path)).code).toBe(1);
    expect((await runCli(['--max-warnings', '2'], dir.path)).code).toBe(0);
    expect((await runCli(['--max-warnings', '1'], dir.path)).code).toBe(1);
    expect((await json(['--quiet'])).report.findings).toEqual([]);
    expect(await runCli(['--max-warnings', 'many'], dir.path)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^statecheck: --max-warnings: expected a whole number/),
    });
    expect((await runCli(['--fail-on', 'info'], dir.path)).code).toBe(2);
  });

  it('--output writes the report to a file and prints the summary', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    const { code, stdout } = await runCli(['--format', 'json', '--output', 'reports/statecheck.json'], dir.path);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^✖ 2 findings \(2 errors, 0 warnings\) in 1 file scanned in \d+ ms\nscope \(no entry point found: path scope\): 1 file read as server code, 0 as context\nreport written to reports\/statecheck\.json\n$/,
    );
    expect(JSON.parse(readFileSync(join(dir.path, 'reports/statecheck.json'), 'utf8')).findings).toHaveLength(2);
  });
});

describe('changed files', () => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir.path, stdio: 'pipe' });
  const setup = () => {
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'dev@example.com');
    git('config', 'user.name', 'dev');
    dir.write('src/old.js', SAMPLE_APP);
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
  };

  it('--changed reports staged, modified and untracked files only', async () => {
    setup();
    dir.write('src/staged.js', SAMPLE_APP);
    git('add', 'src/staged.js');
    dir.write('src/untracked.ts', 'export const q: string[] = [];\nexport function f(x: string) { q.push(x); }\n');
    const files = new Set((await json(['--changed'])).report.findings.map((f: { file: string }) => f.file));
    expect([...files]).toEqual(['src/staged.js', 'src/untracked.ts']);
  });

  it('--since <ref> reports files changed since the merge base', async () => {
    setup();
    git('checkout', '-q', '-b', 'feature');
    dir.write('src/feature.js', SAMPLE_APP);
    git('add', '.');
    git('commit', '-q', '-m', 'feature');
    const files = new Set((await json(['--since', 'main'])).report.findings.map((f: { file: string }) => f.file));
    expect([...files]).toEqual(['src/feature.js']);
    // The error names the missing ref, and what a shallow CI checkout needs.
    expect(await runCli(['--since', 'origin/no-such-branch'], dir.path)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'statecheck: --since: no git ref "origin/no-such-branch" in this repository\n  fetch it first (git fetch origin no-such-branch); a shallow CI checkout has no other branches: use fetch-depth: 0 (actions/checkout) or GIT_DEPTH: 0 (GitLab CI)\n',
    });
  });

  it('--since in a shallow clone that stops before the merge base says to fetch the whole history', async () => {
    setup();
    git('checkout', '-q', '-b', 'feature');
    for (const n of [1, 2, 3]) {
      dir.write(`src/f${n}.js`, SAMPLE_APP);
      git('add', '.');
      git('commit', '-q', '-m', `feature ${n}`);
    }
    const shallow = join(dir.path, 'shallow');
    git('clone', '-q', '--depth', '1', '--no-single-branch', `file://${dir.path}`, shallow);
    const { code, stderr } = await runCli(['--since', 'origin/main'], shallow);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^statecheck: --since: no common history between "origin\/main" and HEAD\n.*fetch-depth: 0/);
  });

  it('outside a git repository --changed is a usage error', async () => {
    expect(await runCli(['--changed'], dir.path)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/need a git repository/),
    });
  });
});
