import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers/fixtures.js';
import { readmeSnippet } from './helpers/readme.js';

// fixtures/eslint-project is set up as the README says. It is copied to a temporary folder
// whose node_modules links `statecheck` to this repository (its built dist/) and the parser
// to ours, then linted by the real eslint binaries: ESLint 9 and ESLint 10.
const ESLINTS = {
  'ESLint 9': join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'),
  'ESLint 10': join(ROOT, 'node_modules', 'eslint10', 'bin', 'eslint.js'),
};

const EXPECTED = [
  'src/app.js 6:5 statecheck/no-module-state',
  'src/app.js 8:9 statecheck/no-memory-session',
  'src/products.ts 6:18 statecheck/no-process-cache',
  'src/products.ts 16:1 statecheck/no-in-process-scheduler',
];

interface EslintResult {
  filePath: string;
  messages: {
    ruleId: string | null;
    line: number;
    column: number;
    message: string;
    suggestions?: { desc: string }[];
  }[];
}

let project: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'rules', 'index.js')))
    throw new Error('run `npm run build` first: the e2e test lints with dist/');
  project = mkdtempSync(join(tmpdir(), 'statecheck-eslint-e2e-'));
  cpSync(join(FIXTURES, 'eslint-project'), project, { recursive: true });
  mkdirSync(join(project, 'node_modules', '@typescript-eslint'), { recursive: true });
  symlinkSync(ROOT, join(project, 'node_modules', 'statecheck'), 'dir');
  symlinkSync(
    join(ROOT, 'node_modules', '@typescript-eslint', 'parser'),
    join(project, 'node_modules', '@typescript-eslint', 'parser'),
    'dir',
  );
  writeFileSync(
    join(project, 'bad-settings.config.js'),
    "import statecheck from 'statecheck';\nexport default [statecheck.configs.recommended, { settings: { statecheck: { deployment: 'single' } } }];\n",
  );
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

function run(bin: string, args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

it("uses the README's eslint.config.js, word for word", () => {
  const config = readFileSync(join(FIXTURES, 'eslint-project', 'eslint.config.js'), 'utf8');
  expect(config.replace(/^\/\/.*\n/, '')).toBe(readmeSnippet('eslint-config'));
});

describe.each(Object.entries(ESLINTS))('%s on a project set up as the README says', (_name, bin) => {
  it('reports the .js and .ts findings and skips the test file', () => {
    const { code, stdout, stderr } = run(bin, ['.', '--format', 'json']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const results = JSON.parse(stdout) as EslintResult[];
    const lines = results.flatMap((r) =>
      r.messages.map(
        (m) =>
          `${r.filePath
            .slice(project.length + 1)
            .split('\\')
            .join('/')} ${m.line}:${m.column} ${m.ruleId ?? m.message}`,
      ),
    );
    expect(lines).toEqual(EXPECTED);
    // The test file is linted by ESLint (it is a .js file) but statecheck's rules do not apply.
    expect(results.map((r) => r.filePath.slice(project.length + 1)).sort()).toEqual([
      'bad-settings.config.js',
      'eslint.config.js',
      'src/app.js',
      'src/app.test.js',
      'src/db.ts',
      'src/products.ts',
    ]);
    // Every finding can be suppressed; the session store, catalogued with its fix, can also be fixed.
    for (const message of results.flatMap((r) => r.messages)) {
      const fix =
        message.ruleId === 'statecheck/no-memory-session'
          ? [
              'Keep sessions in Redis: add `store: new RedisStore({ client: redis })` (connect-redis); install connect-redis redis',
            ]
          : [];
      expect(message.suggestions?.map((s) => s.desc)).toEqual([
        ...fix,
        expect.stringMatching(/^Suppress it with `\/\/ statecheck-disable-next-line [a-z-]+ -- <reason>`/),
      ]);
    }
  });

  it('prints the same findings as `statecheck .`', () => {
    const eslint = JSON.parse(run(bin, ['.', '--format', 'json']).stdout) as EslintResult[];
    const cli = run(join(ROOT, 'dist', 'cli', 'index.js'), ['.', '--format', 'json']);
    const report = JSON.parse(cli.stdout) as {
      findings: { ruleId: string; file: string; line: number; column: number; message: string }[];
    };
    const fromCli = report.findings.map((f) => `${f.file} ${f.line}:${f.column} ${f.ruleId} ${f.message}`);
    const fromEslint = eslint.flatMap((r) =>
      r.messages.map(
        (m) =>
          `${r.filePath
            .slice(project.length + 1)
            .split('\\')
            .join('/')} ${m.line}:${m.column} ${m.ruleId} ${m.message}`,
      ),
    );
    expect(fromEslint.sort()).toEqual(fromCli.sort());
  });

  it('explains an invalid deployment setting', () => {
    const { code, stderr } = run(bin, ['-c', 'bad-settings.config.js', 'src/app.js']);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'statecheck: invalid settings.statecheck.deployment: expected "single-instance" or "multi-instance", got "single"',
    );
  });
});
