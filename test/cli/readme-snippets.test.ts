import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { readmeSnippet } from '../helpers/readme.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const dir = useTempDir();

/** `statecheck a b` → ['a', 'b'] (the README's commands have no quoting). */
function argsOf(command: string): string[] {
  const words = command.trim().split(/\s+/);
  const at = words.indexOf('statecheck');
  expect(at, command).toBeGreaterThanOrEqual(0);
  return words.slice(at + 1);
}

describe('README snippets work as written', () => {
  it('the configuration example is accepted and applied', async () => {
    dir.write('statecheck.config.jsonc', readmeSnippet('config'));
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('src/legacy/old.js', SAMPLE_APP);
    dir.write('src/cache.ts', "import { createCache } from '@acme/cache';\nexport const users = createCache();\n");
    const { code, stdout, stderr } = await runCli(['--format', 'json'], dir.path);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const findings = JSON.parse(stdout).findings.map(
      (f: { file: string; category: string; severity: string }) => `${f.file} ${f.category} ${f.severity}`,
    );
    expect(findings).toEqual([
      'src/app.js memory-session error',
      'src/app.js module-state error',
      'src/cache.ts process-cache warn',
    ]);
  });

  it('the GitHub Actions workflow writes a SARIF file for upload-sarif', async () => {
    const workflow = readmeSnippet('github-actions');
    const command = /run: (npx statecheck .*)/.exec(workflow)?.[1];
    expect(command).toBeDefined();
    const upload = /sarif_file: (\S+)/.exec(workflow)?.[1];
    dir.write('src/app.js', SAMPLE_APP);
    const { code } = await runCli(argsOf(command!), dir.path);
    expect(code).toBe(1);
    expect(existsSync(join(dir.path, upload!))).toBe(true);
    const sarif = JSON.parse(readFileSync(join(dir.path, upload!), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(2);
  });

  it('the GitLab CI job writes the Code Quality report its artifacts name', async () => {
    const job = readmeSnippet('gitlab-ci');
    const command = /- (npx statecheck .*)/.exec(job)?.[1];
    expect(command).toBeDefined();
    const report = /codequality: (\S+)/.exec(job)?.[1];
    dir.write('src/app.js', SAMPLE_APP);
    const { code } = await runCli(argsOf(command!), dir.path);
    expect(code).toBe(1);
    const issues = JSON.parse(readFileSync(join(dir.path, report!), 'utf8')) as { severity: string }[];
    expect(issues.map((i) => i.severity)).toEqual(['major', 'major']);
  });

  it('the lint-staged command checks the staged files it is given', async () => {
    const config = JSON.parse(readmeSnippet('lint-staged')) as { 'lint-staged': Record<string, string> };
    const [, command] = Object.entries(config['lint-staged'])[0]!;
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('src/ok.ts', 'export const x = 1;\n');
    // lint-staged appends the staged file paths to the command.
    expect((await runCli([...argsOf(command), 'src/ok.ts'], dir.path)).code).toBe(0);
    expect((await runCli([...argsOf(command), 'src/ok.ts', 'src/app.js'], dir.path)).code).toBe(1);
  });
});

describe('README CLI reference', () => {
  it('lists every option that --help lists', async () => {
    const { HELP } = await import('../../cli/options.js');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const flags = [...HELP.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(20);
    for (const flag of flags) expect(readme, flag).toContain(flag);
  });
});
