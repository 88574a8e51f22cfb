import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse, type ParseError } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { useTempDir } from '../helpers/tmp.js';

// statecheck explains its configuration: --init writes a commented configuration with the layout
// it found, --print-config says what applies to a file and why, and git's exclude files are
// honoured like .gitignore. (The configuration and the baseline found from a subfolder upward:
// test/cli/config.test.ts and test/cli/baseline.test.ts.)

const dir = useTempDir('statecheck-explains-');

const SERVER = [
  "const express = require('express');",
  "const session = require('express-session');",
  "const db = require('db');",
  'const app = express();',
  "app.use(session({ secret: 'x' }));",
  'const seen = new Set();',
  "app.get('/', (req, res) => { seen.add(req.ip); res.end(String(db.q())); });",
  'app.listen(3000);',
  '',
].join('\n');

/** A monorepo: an API, a front-end app, a library the API uses, and a scripts folder. */
function monorepo(): void {
  dir.write('package.json', JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*', 'packages/*'] }));
  dir.write('apps/api/package.json', JSON.stringify({ name: 'api', dependencies: { express: '4' } }));
  dir.write('apps/api/src/server.js', SERVER);
  dir.write('apps/web/package.json', JSON.stringify({ name: 'web', dependencies: { 'react-dom': '18' } }));
  dir.write(
    'apps/web/src/main.jsx',
    "import { createRoot } from 'react-dom/client';\nconst clicks = new Map();\nexport function onClick(id) { clicks.set(id, 1); }\ncreateRoot(document.body).render(null);\n",
  );
  dir.write('packages/db/package.json', JSON.stringify({ name: 'db', main: 'index.js' }));
  dir.write('packages/db/index.js', 'exports.q = () => 1;\n');
  dir.write('scripts/seed.js', "const fs = require('fs');\nfs.writeFileSync('x', 'y');\n");
}

function jsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: false });
  expect(errors).toEqual([]);
  return value;
}

describe('statecheck --init', () => {
  it('writes a commented statecheck.config.json with the layout it found, valid under the schema', async () => {
    monorepo();
    const { code, stdout, stderr } = await runCli(['--init', '--no-cache'], dir.path);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('statecheck: wrote statecheck.config.json: the layout it found is in its comments\n');
    const text = readFileSync(join(dir.path, 'statecheck.config.json'), 'utf8');
    expect(text).toContain('"$schema": "./node_modules/statecheck/schema/statecheck.schema.json"');
    expect(text).toContain('//   workspaces: apps/*, packages/*\n');
    expect(text).toContain('//   entry points: apps/api/src/server.js (calls `app.listen(…)`)\n');
    expect(text).toContain('//   packages with server code (reported): apps/api, packages/db\n');
    expect(text).toContain('//   front-end packages (browser code, read but never reported): apps/web\n');
    expect(text).toContain('//   scripts folders (read as callers, never reported): scripts/\n');
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'statecheck.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(jsonc(text)), JSON.stringify(validate.errors)).toBe(true);
    // The next run reads it without a warning and reports what it reported without it.
    const next = await runCli(['--format', 'json', '--no-cache'], dir.path);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(1);
  });

  it('--init --baseline also records the findings of today, so the next run passes', async () => {
    monorepo();
    const { code, stdout } = await runCli(['--init', '--baseline', '--no-cache'], dir.path);
    expect(code).toBe(0);
    expect(stdout).toBe(
      'statecheck: wrote statecheck.config.json: the layout it found is in its comments\nstatecheck: wrote 2 findings to statecheck-baseline.json\n',
    );
    const next = await runCli(['--format', 'json', '--no-cache'], dir.path);
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout).summary.baseline).toEqual({
      file: 'statecheck-baseline.json',
      suppressed: 2,
      stale: 0,
    });
  });

  it('never overwrites a configuration, and takes no paths', async () => {
    monorepo();
    dir.write('statecheck.config.json', '{}');
    expect(await runCli(['--init'], dir.path)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'statecheck: --init: statecheck.config.json exists already\n  edit it, or remove it and run `statecheck --init` again\n',
    });
    expect((await runCli(['--init', 'src'], dir.path)).stderr).toMatch(/^statecheck: --init takes no paths\n/);
  });

  it('a file name with a line break stays inside its comment', async () => {
    monorepo();
    dir.write('apps/api/src/x\n"rules": {"module-state": "off"},.js', 'require("http").createServer().listen(1);\n');
    expect((await runCli(['--init', '--no-cache'], dir.path)).code).toBe(0);
    const config = jsonc(readFileSync(join(dir.path, 'statecheck.config.json'), 'utf8')) as { rules: object };
    expect(config.rules).toEqual({});
  });
});

describe('statecheck --print-config <file>', () => {
  it('prints the configuration file, the scope verdict and why, the baseline and every rule', async () => {
    monorepo();
    dir.write(
      'statecheck.config.jsonc',
      '{ "rules": { "no-process-cache": "warn", "in-process-scheduler": "off", "module-state": ["error", { "allow": ["metrics"] }] } }',
    );
    await runCli(['--update-baseline', '--no-cache'], dir.path);
    const server = await runCli(['--print-config', 'apps/api/src/server.js', '--no-cache'], dir.path);
    expect(server.code).toBe(0);
    expect(server.stdout).toBe(
      [
        'apps/api/src/server.js',
        '  configuration: statecheck.config.jsonc',
        '  selected:      yes (no include or exclude globs apply)',
        '  scope:         server code: reported',
        '                 apps/api/src/server.js: server code, an entry point: calls `app.listen(…)`',
        '  deployment:    multi-instance',
        '  baseline:      statecheck-baseline.json (2 entries for this file)',
        '  rules:',
        '    statecheck/no-module-state           error  allow: metrics',
        '    statecheck/no-local-file-write       error',
        '    statecheck/no-memory-session         error',
        '    statecheck/no-process-cache          warn ',
        '    statecheck/no-memory-rate-limit      error',
        '    statecheck/no-local-socket-registry  error',
        '    statecheck/no-in-process-scheduler   off  ',
        '    statecheck/no-process-lock           error',
        '    statecheck/no-global-mutation        error',
        '',
      ].join('\n'),
    );
    const web = await runCli(['--print-config', 'apps/web/src/main.jsx', '--no-cache'], dir.path);
    expect(web.stdout).toContain(
      '  scope:         not server code: read, never reported\n                 apps/web/src/main.jsx: not server code (browser): imports react-dom/client\n',
    );
  });

  it('--format json, with the deployment and the include and exclude globs', async () => {
    monorepo();
    dir.write('statecheck.config.json', JSON.stringify({ deployment: 'single-instance', exclude: ['packages/**'] }));
    const { code, stdout } = await runCli(
      ['--print-config', 'packages/db/index.js', '--format', 'json', '--no-cache'],
      dir.path,
    );
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      selected: object;
      deployment: string;
      baseline: unknown;
      rules: Record<string, object>;
    };
    expect(report.selected).toEqual({ value: false, why: 'matched by exclude: packages/**' });
    expect(report.deployment).toBe('single-instance');
    expect(report.baseline).toBeNull();
    expect(report.rules['statecheck/no-memory-session']).toEqual({
      severity: 'off',
      note: 'off: "deployment": "single-instance" (it only matters when scaling out)',
    });
    expect(report.rules['statecheck/no-global-mutation']).toEqual({ severity: 'error' });
  });

  it('a missing file is a usage error', async () => {
    monorepo();
    const { code, stderr } = await runCli(['--print-config', 'nope.js', '--no-cache'], dir.path);
    expect(code).toBe(2);
    expect(stderr).toBe('statecheck: --print-config: no such file: nope.js\n  name a file of the project\n');
  });
});

describe("git's exclude files are honoured like .gitignore", () => {
  const APP =
    "const express = require('express');\nconst app = express();\nconst seen = new Set();\napp.get('/', (req) => seen.add(req.ip));\napp.listen(1);\n";

  function repository(): void {
    mkdirSync(join(dir.path, '.git', 'info'), { recursive: true });
    dir.write('src/app.js', APP);
    dir.write('src/local/scratch.js', APP);
    dir.write('src/mine.js', APP);
  }

  const files = (stdout: string) => [
    ...new Set((JSON.parse(stdout) as { findings: { file: string }[] }).findings.map((f) => f.file)),
  ];

  /** No global or system git configuration but the test's own. */
  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    GIT_CONFIG_GLOBAL: join(dir.path, 'no-gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    XDG_CONFIG_HOME: join(dir.path, 'no-xdg'),
    ...extra,
  });

  it('.git/info/exclude', () => {
    repository();
    writeFileSync(join(dir.path, '.git', 'info', 'exclude'), '# local\nsrc/local/\n');
    expect(files(spawnCli(['--format', 'json', '--no-cache'], dir.path, env()).stdout)).toEqual([
      'src/app.js',
      'src/mine.js',
    ]);
  });

  it("a linked worktree's .git file: the main repository's info/exclude", () => {
    dir.write('main-git/info/exclude', 'src/local/\n');
    dir.write('main-git/worktrees/wt/commondir', '../..\n');
    dir.write('wt/.git', `gitdir: ${join(dir.path, 'main-git', 'worktrees', 'wt')}\n`);
    dir.write('wt/src/app.js', APP);
    dir.write('wt/src/local/scratch.js', APP);
    expect(files(spawnCli(['--format', 'json', '--no-cache'], join(dir.path, 'wt'), env()).stdout)).toEqual([
      'src/app.js',
    ]);
  });

  it('core.excludesFile, and the default ~/.config/git/ignore', () => {
    repository();
    dir.write('my-excludes', 'mine.js\n');
    writeFileSync(join(dir.path, 'gitconfig'), `[core]\n\texcludesFile = ${join(dir.path, 'my-excludes')}\n`);
    expect(
      files(
        spawnCli(['--format', 'json', '--no-cache'], dir.path, env({ GIT_CONFIG_GLOBAL: join(dir.path, 'gitconfig') }))
          .stdout,
      ),
    ).toEqual(['src/app.js', 'src/local/scratch.js']);
    dir.write('xdg/git/ignore', 'scratch.js\n');
    expect(
      files(
        spawnCli(['--format', 'json', '--no-cache'], dir.path, env({ XDG_CONFIG_HOME: join(dir.path, 'xdg') })).stdout,
      ),
    ).toEqual(['src/app.js', 'src/mine.js']);
  });

  it('outside a repository, none of them applies', () => {
    dir.write('src/app.js', APP);
    dir.write('xdg/git/ignore', 'app.js\n');
    expect(
      files(
        spawnCli(['--format', 'json', '--no-cache'], dir.path, env({ XDG_CONFIG_HOME: join(dir.path, 'xdg') })).stdout,
      ),
    ).toEqual(['src/app.js']);
  });
});
