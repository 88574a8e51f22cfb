import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_WORKSPACE_ENTRIES } from '../../cli/project.js';
import { BIN } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';

const dir = useTempDir('statecheck-workspace-');
const POSIX = process.platform !== 'win32';

/** The built CLI with a time limit: a walk without end fails the test instead of hanging it. */
const scan = (timeout = 30_000) => {
  const result = spawnSync(process.execPath, [BIN, '--format', 'json', '--no-cache'], {
    cwd: dir.path,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return {
    signal: result.signal,
    code: result.status,
    stderr: result.stderr,
    findings: result.stdout
      ? (JSON.parse(result.stdout) as { findings: { file: string; line: number; category: string }[] }).findings.map(
          (f) => `${f.file}:${f.line}:${f.category}`,
        )
      : [],
  };
};

/**
 * A workspace package `@acme/shared` whose `counters` is written per request by the api package:
 * reported only when `@acme/shared` resolves to the package (by its name, through the workspace).
 */
function workspace(patterns: unknown, { bom = false } = {}): void {
  const root = JSON.stringify({ name: 'acme', private: true, workspaces: patterns });
  writeFileSync(join(dir.path, 'package.json'), bom ? `\uFEFF${root}` : root);
  dir.write(
    'packages/shared/package.json',
    `${bom ? '\uFEFF' : ''}${JSON.stringify({ name: '@acme/shared', main: 'src/index.js' })}`,
  );
  dir.write('packages/shared/src/index.js', 'export const counters = { placed: 0 };\n');
  dir.write(
    'packages/api/src/server.js',
    "import express from 'express';\nimport { counters } from '@acme/shared';\nconst app = express();\napp.post('/o', (req, res) => { counters.placed++; res.end(); });\napp.listen(3000);\n",
  );
}
const RESOLVED = ['packages/shared/src/index.js:1:module-state'];

describe('workspace globs', () => {
  it('resolve packages by name (the case the others are checked against)', () => {
    workspace(['packages/*']);
    expect(scan()).toMatchObject({ code: 1, stderr: '', findings: RESOLVED });
  });

  it.runIf(POSIX)('"**" with links to parent folders ends, without following them', () => {
    workspace(['**']);
    symlinkSync('..', join(dir.path, 'packages', 'api', 'up'));
    symlinkSync(join('..', '..'), join(dir.path, 'packages', 'shared', 'top'));
    symlinkSync(dir.path, join(dir.path, 'packages', 'root'));
    expect(scan()).toMatchObject({ signal: null, code: 1, stderr: '', findings: RESOLVED });
  });

  it('a glob that climbs out of the project is passed over, with a notice', () => {
    workspace(['packages/*', '../../../../**']);
    expect(scan()).toMatchObject({
      signal: null,
      code: 1,
      stderr:
        'statecheck: package.json or pnpm-workspace.yaml: a workspace glob leads out of the project folder (ignored)\n',
      findings: RESOLVED,
    });
  });

  it(`the walk stops after ${MAX_WORKSPACE_ENTRIES} entries in all, and says so`, () => {
    // Every glob walks the tree again: many globs over a modest tree add up.
    const globs = Array.from({ length: 1_000 }, (_, i) => `**/p${i}`);
    workspace(['packages/*', ...globs]);
    for (let i = 0; i < 100; i++) dir.write(`lib/m${i}.txt`, '');
    const result = scan();
    expect(result).toMatchObject({
      signal: null,
      code: 1,
      stderr: `statecheck: workspace globs: stopped after ${MAX_WORKSPACE_ENTRIES} folder entries; packages further down are not resolved by name\n`,
      findings: RESOLVED,
    });
  });

  it('a package.json with a UTF-8 byte order mark neither stops the run nor drops its package', () => {
    workspace(['packages/*'], { bom: true });
    expect(scan()).toMatchObject({ code: 1, stderr: '', findings: RESOLVED });
  });
});

describe('tsconfig.json extends', () => {
  it('a cycle through extends arrays is harmless and fast; paths still apply', () => {
    dir.write(
      'tsconfig.json',
      JSON.stringify({
        extends: Array(6).fill('./base.json'),
        compilerOptions: { paths: { '@lib/*': ['./src/lib/*'] } },
      }),
    );
    dir.write('base.json', JSON.stringify({ extends: Array(6).fill('./tsconfig.json') }));
    dir.write('src/lib/store.js', 'export const sessions = new Map();\n');
    dir.write(
      'src/server.js',
      "import express from 'express';\nimport { sessions } from '@lib/store';\nconst app = express();\napp.post('/login', (req, res) => { sessions.set(req.body.id, req.body); res.end(); });\napp.listen(3000);\n",
    );
    const started = Date.now();
    const result = scan(20_000);
    expect(result).toMatchObject({
      signal: null,
      code: 1,
      stderr: '',
      findings: ['src/lib/store.js:1:memory-session'],
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
