import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

// What is server code, through the built binary: --explain-scope, the scope summary, serverless
// configs and package.json entries.

const dir = useTempDir('statecheck-scope-');

/** A monorepo: an API that listens, a shared package it uses, a React front end, a CLI and a test. */
function monorepo(): void {
  dir.write('package.json', JSON.stringify({ name: 'acme', private: true, workspaces: ['packages/*'] }));
  dir.write(
    'packages/api/package.json',
    JSON.stringify({ name: '@acme/api', dependencies: { express: '4', '@acme/shared': '1' } }),
  );
  dir.write(
    'packages/api/src/server.js',
    "const express = require('express');\nconst { track } = require('@acme/shared');\nconst app = express();\napp.get('/', (req, res) => { track(req.ip); res.end(); });\napp.listen(3000);\n",
  );
  dir.write('packages/shared/package.json', JSON.stringify({ name: '@acme/shared', main: 'src/index.js' }));
  dir.write(
    'packages/shared/src/index.js',
    'const seen = new Set();\nfunction track(ip) { seen.add(ip); }\nmodule.exports = { track };\n',
  );
  dir.write('packages/web/package.json', JSON.stringify({ name: '@acme/web', dependencies: { react: '19' } }));
  dir.write(
    'packages/web/src/store.js',
    "import { useState } from 'react';\nconst cache = new Map();\nexport function useItem(id) { cache.set(id, id); return useState(id); }\n",
  );
  dir.write(
    'packages/cli/package.json',
    JSON.stringify({ name: '@acme/cli', bin: { acme: 'src/main.js' }, dependencies: { commander: '12' } }),
  );
  dir.write(
    'packages/cli/src/main.js',
    "const { program } = require('commander');\nconst done = [];\nprogram.action((x) => done.push(x));\nprogram.parse();\n",
  );
  dir.write(
    'packages/api/test/server.test.js',
    "const { test } = require('node:test');\nconst { track } = require('@acme/shared');\ntest('t', () => track('1'));\n",
  );
}

const json = (cwd: string, args: string[] = []) => {
  const { stdout, stderr, code } = spawnCli(['--format', 'json', '--no-cache', ...args], cwd);
  expect(stderr).toBe('');
  expect([0, 1]).toContain(code);
  return JSON.parse(stdout) as {
    findings: { file: string; line: number; category: string }[];
    summary: { files: number; scope: unknown };
  };
};

describe('the scope of a run', () => {
  it('reports server code only: what the entry points reach; the summary counts the rest by kind', () => {
    monorepo();
    const report = json(dir.path);
    expect(report.findings.map((f) => `${f.file}:${f.line} ${f.category}`)).toEqual([
      'packages/shared/src/index.js:1 module-state',
    ]);
    expect(report.summary.scope).toEqual({
      mode: 'entry-points',
      entryPoints: 1,
      server: 2,
      context: { browser: 1, cli: 1, test: 1, tooling: 0, 'not-reached': 0 },
      skipped: 0,
    });
    const pretty = spawnCli(['--no-cache'], dir.path, { NO_COLOR: '1' });
    expect(pretty.stdout).toMatch(
      /\nscope \(1 entry point\): 2 files read as server code, 3 as context \(1 browser, 1 CLI, 1 tests\)\n$/,
    );
  });

  it('--explain-scope says which entry point reaches a file and by which import chain, or why it is not server code', () => {
    monorepo();
    const explain = (file: string, ...more: string[]) => spawnCli(['--explain-scope', file, ...more], dir.path);
    expect(explain('packages/shared/src/index.js')).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'packages/shared/src/index.js: server code',
        '  entry point: packages/api/src/server.js (calls `app.listen(…)`)',
        '  import chain: packages/api/src/server.js → packages/shared/src/index.js',
        '',
      ].join('\n'),
    });
    expect(explain('packages/web/src/store.js').stdout).toBe(
      'packages/web/src/store.js: not server code (browser): imports react\n',
    );
    expect(explain('packages/cli/src/main.js').stdout).toBe(
      'packages/cli/src/main.js: not server code (cli): is the `bin` of @acme/cli\n',
    );
    expect(explain('packages/api/test/server.test.js').stdout).toBe(
      'packages/api/test/server.test.js: not server code (test): imports node:test\n',
    );
    // --debug adds the scope summary and the entry points.
    expect(explain('packages/api/src/server.js', '--debug').stdout).toBe(
      [
        'packages/api/src/server.js: server code, an entry point: calls `app.listen(…)`',
        '',
        'scope (1 entry point): 2 files read as server code, 3 as context (1 browser, 1 CLI, 1 tests)',
        '  entry point: packages/api/src/server.js (calls `app.listen(…)`)',
        '',
      ].join('\n'),
    );
    expect(explain('nope.js')).toMatchObject({ code: 2, stdout: '' });
  });

  it('without an entry point, falls back to the path scope and says so', () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('scripts/fill.js', 'const all = [];\nmodule.exports = (x) => all.push(x);\n');
    const report = json(dir.path);
    expect(report.findings.map((f) => f.file)).toEqual(['src/app.js', 'src/app.js']);
    expect(report.summary.scope).toMatchObject({ mode: 'path-scope', entryPoints: 0, server: 1 });
    expect(spawnCli(['--explain-scope', 'scripts/fill.js'], dir.path).stdout).toBe(
      'scripts/fill.js: inside scripts/ (no entry point found in the program, so the path scope decides)\n',
    );
    expect(spawnCli(['--explain-scope', 'src/app.js'], dir.path).stdout).toBe(
      'src/app.js: server code (no entry point found in the program, so the path scope decides)\n',
    );
  });

  it('handlers named in serverless.yml, netlify.toml and vercel.json are entry points', () => {
    const handler = (name: string) =>
      `const cache = new Map();\nexports.${name} = async (event) => { cache.set(event.id, event); return {}; };\n`;
    dir.write('serverless.yml', 'service: x\nfunctions:\n  users:\n    handler: src/users.create # the users API\n');
    dir.write('src/users.js', handler('create'));
    dir.write('netlify.toml', '[functions]\n  directory = "fns"\n');
    dir.write('fns/hello.js', handler('handler'));
    dir.write('vercel.json', JSON.stringify({ functions: { 'edge/*.js': { memory: 1024 } } }));
    dir.write('edge/ping.js', 'const hits = [];\nmodule.exports = (req, res) => { hits.push(req.url); res.end(); };\n');
    dir.write('src/unused.js', handler('other'));
    const explain = (file: string) => spawnCli(['--explain-scope', file], dir.path).stdout;
    expect(explain('src/users.js')).toBe(
      'src/users.js: server code, an entry point: exports `create`, named in serverless.yml\n',
    );
    expect(explain('fns/hello.js')).toBe(
      'fns/hello.js: server code, an entry point: exports `handler`, in the functions folder of netlify.toml\n',
    );
    expect(explain('edge/ping.js')).toBe(
      'edge/ping.js: server code, an entry point: exports `default`, named in vercel.json `functions`\n',
    );
    expect(explain('src/unused.js')).toBe(
      'src/unused.js: not server code (not-reached): not reached from any of the 3 entry points\n',
    );
  });
});
