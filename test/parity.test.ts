import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { includeIgnoreFile } from '@eslint/compat';
import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { discover } from '../cli/files.js';
import { scan } from '../cli/scan.js';
import { CATEGORIES } from '../core/index.js';
import plugin from '../rules/index.js';
import { CROSS_FILE, CROSS_FILE_PROJECTS, type CrossFileExpected } from './helpers/cross-file.js';
import { FIXTURES } from './helpers/fixtures.js';

/** The two ways the README sets ESLint up: espree for JavaScript, or typescript-eslint for everything. */
const SETUPS: Record<string, Linter.Config> = {
  'typescript-eslint for .ts files': { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } },
  'typescript-eslint for every file': {
    files: ['**/*.{js,mjs,cjs,jsx,ts,tsx,mts,cts}'],
    languageOptions: { parser: tsParser },
  },
};

const posix = (path: string) => path.split('\\').join('/');

interface Located {
  key: string;
  message: string;
}

/** Findings of the CLI engine, as `ruleId file line:column-endLine:endColumn`. */
/**
 * `ownPrograms`: every file is a program of its own (the category fixtures): the program scope,
 * which would read the fixtures folder as one program whose entry points are the projects', is
 * turned off (`defaultScope: false`), as ESLint sees one file at a time.
 */
async function cliFindings(cwd: string, paths: readonly string[], ownPrograms = false): Promise<Located[]> {
  const selection = { base: cwd, include: [], exclude: [], defaultScope: false };
  const result = await scan({ cwd, paths, ...(ownPrograms ? { selection } : {}) });
  expect(result.errors).toEqual([]);
  return result.findings.map((f) => ({
    key: `${f.ruleId} ${f.file} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`,
    message: f.message,
  }));
}

function eslintFor(cwd: string, setup: Linter.Config): ESLint {
  const gitignore = join(cwd, '.gitignore');
  return new ESLint({
    cwd,
    overrideConfigFile: true,
    // As the README says: the recommended config, a parser for TypeScript, and .gitignore.
    overrideConfig: [
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- the README's setup; ESLint 9 has no other
      ...(existsSync(gitignore) ? [includeIgnoreFile(gitignore)] : []),
      plugin.configs.recommended,
      setup,
      // The fixtures carry `eslint-disable` comments for rules this run does not enable.
      { linterOptions: { reportUnusedDisableDirectives: 'off' } },
    ],
  });
}

async function eslintFindings(eslint: ESLint, cwd: string, paths: readonly string[]): Promise<Located[]> {
  const results = await eslint.lintFiles([...paths]);
  const found: Located[] = [];
  for (const result of results) {
    const file = posix(relative(cwd, result.filePath));
    for (const m of result.messages) {
      // A parse error or a crash is a failure of the plugin, not a finding.
      expect(`${file}:${m.line} ${m.ruleId ?? m.message}`).toMatch(/ statecheck\//);
      found.push({ key: `${m.ruleId} ${file} ${m.line}:${m.column}-${m.endLine}:${m.endColumn}`, message: m.message });
    }
  }
  return found;
}

const sorted = (found: readonly Located[]) => found.map((f) => f.key).sort();
const messages = (found: readonly Located[]) => Object.fromEntries(found.map((f) => [f.key, f.message]));

describe.each(Object.keys(SETUPS))('ESLint (%s) and the CLI agree', (setupName) => {
  const setup = SETUPS[setupName]!;

  it('on every category fixture', async () => {
    const paths = CATEGORIES.flatMap((c) => [`${c}/valid`, `${c}/invalid`]);
    const cli = await cliFindings(FIXTURES, paths, true);
    const eslint = await eslintFindings(eslintFor(FIXTURES, setup), FIXTURES, paths);
    expect(cli.length).toBeGreaterThan(50);
    expect(sorted(eslint)).toEqual(sorted(cli));
    expect(messages(eslint)).toEqual(messages(cli));
  });

  it.each(['express-monolith', 'nest-service', 'next-app'])('on fixtures/projects/%s, file for file', async (app) => {
    const cwd = join(FIXTURES, 'projects', app);
    const eslint = eslintFor(cwd, setup);
    // Both hosts pick the same server files: tests, scripts and .gitignored files are out.
    const cliScope = discover(cwd, ['.'])
      .files.map((f) => posix(relative(cwd, f.path)))
      .sort();
    const eslintScope: string[] = [];
    for (const result of await eslint.lintFiles(['.'])) {
      const config: unknown = await eslint.calculateConfigForFile(result.filePath);
      const rules = Reflect.get(Object(config), 'rules');
      if (typeof rules === 'object' && rules !== null && 'statecheck/no-module-state' in rules)
        eslintScope.push(posix(relative(cwd, result.filePath)));
    }
    expect(eslintScope.sort()).toEqual(cliScope);
    expect(cliScope.some((f) => /\.(test|spec)\./.test(f))).toBe(false);

    const cli = await cliFindings(cwd, []);
    expect(cli.length).toBeGreaterThan(0);
    expect(sorted(await eslintFindings(eslint, cwd, ['.']))).toEqual(sorted(cli));
  });
});

/**
 * The cross-file projects mark where whole-program analysis differs from one file at a time:
 * `crossFile` findings are the CLI's only, `eslintOnly` ones are cleared by callers the plugin
 * cannot see. Everything else must agree.
 */
describe.each(CROSS_FILE_PROJECTS)(
  'ESLint and the CLI on fixtures/cross-file/%s differ only where marked',
  (project) => {
    it('per file, ESLint reports the unmarked findings and the eslintOnly ones', async () => {
      const cwd = join(CROSS_FILE, project);
      const expected = JSON.parse(readFileSync(join(cwd, 'expected.json'), 'utf8')) as CrossFileExpected;
      const at = (f: { ruleId: string; file: string; line: number; column: number }) =>
        `${f.ruleId} ${f.file} ${f.line}:${f.column}`;
      const cli = (await scan({ cwd, paths: [] })).findings.map(at).sort();
      expect(cli).toEqual(expected.findings.map(at).sort());
      for (const setup of Object.values(SETUPS)) {
        const eslint = (await eslintFindings(eslintFor(cwd, setup), cwd, ['.']))
          .map((f) => f.key.replace(/-\d+:\d+$/, ''))
          .sort();
        const perFile = [...expected.findings.filter((f) => !f.crossFile), ...expected.eslintOnly].map(at).sort();
        expect(eslint).toEqual(perFile);
      }
    });
  },
);

describe('ESLint and the CLI agree on comments and unusual text', () => {
  const counter = (name: string) => `let ${name} = 0;\nexport function bump${name}() { ${name}++; }\n`;
  const cases: Record<string, string> = {
    'statecheck-next-line.js': `// statecheck-disable-next-line module-state -- per-pod metric\n${counter('a')}${counter('b')}`,
    'statecheck-line.js': `let a = 0; // statecheck-disable-line no-module-state -- per-pod metric\nexport function f() { a++; }\n`,
    'statecheck-no-reason.js': `// statecheck-disable-next-line module-state\n${counter('a')}`,
    'statecheck-block.js': `/* statecheck-disable module-state -- legacy */\n${counter('a')}/* statecheck-enable */\n${counter('b')}`,
    'eslint-next-line.js': `// eslint-disable-next-line statecheck/no-module-state -- per-pod metric\n${counter('a')}${counter('b')}`,
    'eslint-block.js': `/* eslint-disable statecheck/no-module-state */\n${counter('a')}/* eslint-enable statecheck/no-module-state */\n${counter('b')}`,
    'eslint-all.js': `/* eslint-disable */\n${counter('a')}`,
    'eslint-other-rule.js': `// eslint-disable-next-line no-var\n${counter('a')}`,
    'crlf.js': counter('a').replace(/\n/g, '\r\n') + counter('b').replace(/\n/g, '\r\n'),
    'tabs.js': `\t${counter('a')}`,
    'shebang.js': `#!/usr/bin/env node\n${counter('a')}`,
    'astral.js': `const emoji = '😀😀';let a = 0;\nexport function f() { a++; }\n`,
  };

  async function compare(name: string, text: string): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'statecheck-parity-'));
    try {
      writeFileSync(join(dir, name), text);
      for (const setup of Object.values(SETUPS)) {
        const eslint = await eslintFindings(eslintFor(dir, setup), dir, [name]);
        const cli = await cliFindings(dir, [name]);
        expect(sorted(eslint)).toEqual(sorted(cli));
        expect(messages(eslint)).toEqual(messages(cli));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each(Object.entries(cases))('%s', compare);

  it('a file starting with a byte order mark', () => compare('bom.ts', `\uFEFF${counter('a')}`));
  it('a U+2028 line separator in a string', () => compare('ls.js', `const s = 'a\u2028b';\n${counter('a')}`));
});
