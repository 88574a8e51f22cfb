import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { installProject, packTarball } from '../helpers/packed.js';

// The packed package installed with npm into projects on the real ESLint 8.57, 9 and 10, each set
// up as the README says: flat config as ES module and as CommonJS (`require('statecheck')`), and
// ESLint 8's `.eslintrc` with `plugin:statecheck/recommended-legacy`. The CLI runs in each.

// `carts` is written in a route handler, a request path in view: a certain finding, which the
// recommended configs report.
const APP = [
  "import session from 'express-session';",
  'const carts = new Map();',
  "export const sessions = session({ secret: 's' });",
  "import express from 'express';",
  'const app = express();',
  "app.post('/cart', (req, res) => { carts.set(req.body.user, req.body.item); res.end(); });",
  '',
].join('\n');

const FILES = {
  'src/app.js': APP,
  // Out of the recommended scope: never reported.
  'test/app.test.js': 'const seen = new Map();\nexport function t(k) { seen.set(k, 1); }\n',
};

const EXPECTED = ['src/app.js 2:7 statecheck/no-module-state', 'src/app.js 3:25 statecheck/no-memory-session'];

const CJS_CONFIG = "const statecheck = require('statecheck');\n\nmodule.exports = [statecheck.configs.recommended];\n";
const ESM_CONFIG = "import statecheck from 'statecheck';\n\nexport default [statecheck.configs.recommended];\n";
const LEGACY_CONFIG = JSON.stringify({
  root: true,
  parserOptions: { ecmaVersion: 2022, sourceType: 'module' },
  extends: ['plugin:statecheck/recommended-legacy'],
});

interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; message: string }[];
}

let tarball: string;
const projects: string[] = [];
beforeAll(() => {
  tarball = packTarball();
});
afterAll(() => {
  for (const dir of [...projects, tarball ? dirname(tarball) : ''])
    if (dir) rmSync(dir, { recursive: true, force: true });
});

function install(files: Record<string, string>, specs: string[]): string {
  const dir = installProject(files, specs);
  projects.push(dir);
  return dir;
}

function eslint(project: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const bin = join(project, 'node_modules', 'eslint', 'bin', 'eslint.js');
  const result = spawnSync(process.execPath, [bin, ...args, '--format', 'json', '.'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  expect(result.stderr).toBe('');
  const results = JSON.parse(result.stdout) as EslintResult[];
  return results
    .flatMap((r) => r.messages.map((m) => `${r.filePath.slice(project.length + 1)} ${m.line}:${m.column} ${m.ruleId}`))
    .sort();
}

function statecheck(project: string) {
  const result = spawnSync(join(project, 'node_modules', '.bin', 'statecheck'), ['--format', 'json', '--no-cache'], {
    cwd: project,
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  const report = JSON.parse(result.stdout) as {
    findings: { file: string; line: number; column: number; ruleId: string }[];
  };
  return report.findings.map((f) => `${f.file} ${f.line}:${f.column} ${f.ruleId}`);
}

const INSTALL_TIMEOUT = 300_000;

describe('ESLint 8.57', () => {
  let project: string;
  beforeAll(() => {
    // A CommonJS project still on ESLint 8: the install must succeed (no peer conflict), and the
    // plugin is also installed under the name `.eslintrc` resolves, `eslint-plugin-statecheck`.
    project = install(
      {
        ...FILES,
        'package.json': JSON.stringify({ name: 'app', private: true }),
        'eslint.config.js': CJS_CONFIG,
        '.eslintrc.json': LEGACY_CONFIG,
      },
      ['eslint@8.57.1', tarball, `eslint-plugin-statecheck@file:${tarball}`],
    );
  }, INSTALL_TIMEOUT);

  it('flat config in CommonJS: require("statecheck") is the plugin', () => {
    expect(eslint(project, [], { ESLINT_USE_FLAT_CONFIG: 'true' })).toEqual(EXPECTED);
  });

  it('.eslintrc with plugin:statecheck/recommended-legacy', () => {
    expect(eslint(project, [], { ESLINT_USE_FLAT_CONFIG: 'false' })).toEqual(EXPECTED);
  });

  it('the CLI runs next to ESLint 8', () => {
    expect(statecheck(project)).toEqual(EXPECTED);
  });
});

describe.each([
  ['ESLint 9', 'eslint@9'],
  ['ESLint 10', 'eslint@10'],
])('%s', (_name, spec) => {
  let project: string;
  beforeAll(() => {
    project = install(
      {
        ...FILES,
        'package.json': JSON.stringify({ name: 'app', private: true, type: 'module' }),
        'eslint.config.js': ESM_CONFIG,
        'eslint.config.cjs': CJS_CONFIG,
      },
      [spec, tarball],
    );
  }, INSTALL_TIMEOUT);

  it('eslint.config.js as an ES module', () => {
    expect(eslint(project, [])).toEqual(EXPECTED);
  });

  it('eslint.config.cjs: require("statecheck") is the plugin', () => {
    expect(eslint(project, ['--config', 'eslint.config.cjs'])).toEqual(EXPECTED);
  });

  it('the CLI', () => {
    expect(statecheck(project)).toEqual(EXPECTED);
  });
});

const API_USER = [
  "import { scan } from 'statecheck/api';",
  '',
  "const report = await scan({ cwd: process.cwd(), paths: ['src'], noCache: true, failOn: 'warn' });",
  'console.log(JSON.stringify(report.findings.map((f) => `${f.file} ${f.line}:${f.column} ${f.ruleId}`)), report.exitCode);',
  '',
].join('\n');

// A TypeScript user of the API: the types ship in the package, and a wrong option does not compile.
const TYPED_USER = [
  "import { scan, type Finding, type ScanReport } from 'statecheck/api';",
  '',
  "const report: ScanReport = await scan({ cwd: '.', paths: ['src'], maxWarnings: 0 });",
  'const first: Finding | undefined = report.findings[0];',
  'const exit: 0 | 1 = report.exitCode;',
  'export { first, exit };',
  '// @ts-expect-error: not an option',
  "await scan({ failOnn: 'warn' });",
  '',
].join('\n');

describe('without ESLint', () => {
  let project: string;
  beforeAll(() => {
    project = install(
      {
        ...FILES,
        'package.json': JSON.stringify({ name: 'app', private: true, type: 'module' }),
        'api.mjs': API_USER,
        'typed.mts': TYPED_USER,
        'tsconfig.json': JSON.stringify({
          compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] },
          files: ['typed.mts'],
        }),
      },
      [tarball],
    );
  }, INSTALL_TIMEOUT);

  it('a CLI-only install brings no ESLint in, and the CLI runs', () => {
    expect(existsSync(join(project, 'node_modules', 'eslint'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', '@typescript-eslint'))).toBe(false);
    expect(statecheck(project)).toEqual(EXPECTED);
  });

  it("import { scan } from 'statecheck/api' runs the scan and returns the JSON report", () => {
    const result = spawnSync(process.execPath, ['api.mjs'], { cwd: project, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${JSON.stringify(EXPECTED)} 1\n`);
  });

  it("the API's types are in the package and type-check a user's code", () => {
    // The TypeScript of this checkout, over the installed package's declarations.
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
