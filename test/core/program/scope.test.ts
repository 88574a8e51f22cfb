import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../../core/index.js';
import { computeScope, type ScopePackage, type ScopeResult } from '../../../core/program/scope.js';
import { scopeFacts } from '../../../core/scope-facts.js';

interface Pkg {
  dir: string;
  name: string;
  dependencies?: string[];
  main?: string;
  bin?: string;
}

const ROOT = '/repo';
const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.jsx', '/index.ts', '/index.js'];

/**
 * Scope of an in-memory program: `files` maps paths below /repo to their code; packages map
 * workspace names to their main file; relative specifiers resolve with the usual extensions.
 */
function scope(
  files: Record<string, string>,
  packages: Pkg[] = [{ dir: '', name: 'app' }],
  extra: Partial<Parameters<typeof computeScope>[0]> = {},
): ScopeResult {
  const abs = (p: string) => (p === '' ? ROOT : `${ROOT}/${p}`);
  const pkgs: ScopePackage[] = packages.map((p) => ({
    dir: abs(p.dir),
    name: p.name,
    dependencies: p.dependencies ?? [],
    entries: p.main ? [`${abs(p.dir)}/${p.main}`] : [],
    bin: p.bin ? [`${abs(p.dir)}/${p.bin}`] : [],
  }));
  const packageOf = (path: string) =>
    [...pkgs].sort((a, b) => b.dir.length - a.dir.length).find((p) => path.startsWith(`${p.dir}/`));
  const paths = new Set(Object.keys(files).map(abs));
  const resolve = (from: string, specifier: string): string | undefined => {
    let base: string | undefined;
    if (specifier.startsWith('.')) base = normalize(`${from.slice(0, from.lastIndexOf('/'))}/${specifier}`);
    else {
      const pkg = pkgs.find((p) => p.name === specifier);
      return pkg?.entries[0];
    }
    for (const ext of EXTENSIONS) if (paths.has(base + ext)) return base + ext;
    return undefined;
  };
  const parsed = Object.entries(files).map(([path, code]) => {
    const full = abs(path);
    const pkg = packageOf(full);
    const packagePath = pkg ? full.slice(pkg.dir.length + 1) : path;
    return { path: full, facts: scopeFacts(ts, parseSource(ts, full, code), { packagePath }) };
  });
  return computeScope({ root: ROOT, files: parsed, resolve, packages: pkgs, ...extra });
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.') out.push(part);
  }
  return out.join('/');
}

/** `path: server` or `path: kind`, for every file, relative to /repo. */
function verdicts(result: ScopeResult): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, v] of result.verdicts) out[path.slice(ROOT.length + 1)] = v.server ? 'server' : v.kind;
  return out;
}

const entries = (result: ScopeResult) => result.entries.map((e) => `${e.path.slice(ROOT.length + 1)} (${e.kind})`);

describe('computeScope: an Express app', () => {
  const files = {
    'server.js':
      "const app = require('./app');\nconst port = process.env.PORT || 3000;\napp.listen(port, () => console.log('up'));\n",
    'app.js':
      "const express = require('express');\nconst users = require('./routes/users');\nconst app = express();\napp.use('/users', users);\nmodule.exports = app;\n",
    'routes/users.js':
      "const router = require('express').Router();\nconst cache = require('../lib/cache');\nrouter.get('/', (req, res) => res.json(cache.get(req.query.id)));\nmodule.exports = router;\n",
    'lib/cache.js': 'module.exports = new Map();\n',
    'lib/types.ts': 'export interface User { id: string }\n',
    'lib/db.js': 'module.exports = {};\n',
    'scripts/seed.js': "const db = require('../lib/db');\nconst cache = require('../lib/cache');\n",
    'scripts/dev-server.js': "const app = require('../app');\napp.listen(4000);\n",
    'routes/users.test.js': "const request = require('supertest');\nconst app = require('../app');\napp.listen(0);\n",
    'lib/uses-types.ts': "import type { User } from './types';\nexport const f = (u: User) => u;\n",
  };
  const result = scope(files, [{ dir: '', name: 'app', dependencies: ['express'] }]);

  it('finds the file that listens and reports only what it reaches', () => {
    expect(result.mode).toBe('program');
    expect(entries(result)).toEqual(['server.js (server-start)']);
    expect(verdicts(result)).toEqual({
      'server.js': 'server',
      'app.js': 'server',
      'routes/users.js': 'server',
      'lib/cache.js': 'server',
      'lib/types.ts': 'not-reached',
      'lib/db.js': 'tooling',
      'scripts/seed.js': 'tooling',
      'scripts/dev-server.js': 'tooling',
      'routes/users.test.js': 'test',
      'lib/uses-types.ts': 'not-reached',
    });
    expect(result.counts).toEqual({
      server: 4,
      context: { browser: 0, cli: 0, test: 1, tooling: 3, 'not-reached': 2 },
    });
  });

  it('explains the import chain, the context a seed script reaches, and a listen that is no entry point', () => {
    expect(result.explain(`${ROOT}/lib/cache.js`)).toEqual([
      'lib/cache.js: server code',
      '  entry point: server.js (calls `app.listen(…)`)',
      '  import chain: server.js → app.js → routes/users.js → lib/cache.js',
    ]);
    expect(result.explain(`${ROOT}/server.js`)).toEqual([
      'server.js: server code, an entry point: calls `app.listen(…)`',
    ]);
    expect(result.explain(`${ROOT}/lib/db.js`)).toEqual([
      'lib/db.js: not server code (tooling): reached from scripts/seed.js, which is in scripts/',
    ]);
    expect(result.explain(`${ROOT}/scripts/dev-server.js`)).toEqual([
      'scripts/dev-server.js: not server code (tooling): is in scripts/',
      '  calls `app.listen(…)`, but is not an entry point: it is in scripts/, read as context',
    ]);
    expect(result.explain(`${ROOT}/lib/types.ts`)).toEqual([
      'lib/types.ts: not server code (not-reached): not reached from the entry point',
    ]);
    expect(result.explain(`${ROOT}/nope.js`)).toEqual(['nope.js: not a file statecheck read']);
    expect(result.chain(`${ROOT}/routes/users.js`)).toEqual([
      `${ROOT}/server.js`,
      `${ROOT}/app.js`,
      `${ROOT}/routes/users.js`,
    ]);
  });

  it('context folders are matched below the root only', () => {
    const nested = computeScope({
      root: '/home/me/tests/repo',
      files: [
        {
          path: '/home/me/tests/repo/server.js',
          facts: scopeFacts(ts, parseSource(ts, 'server.js', 'app.listen(3000);')),
        },
      ],
      resolve: () => undefined,
    });
    expect(nested.entries.map((e) => e.path)).toEqual(['/home/me/tests/repo/server.js']);
  });
});

describe('computeScope: a Next.js app', () => {
  const files = {
    'pages/api/users.ts':
      "import { db } from '../../lib/db';\nexport default async function handler(req, res) { res.json(await db.users()); }\n",
    'pages/users.tsx': [
      "import React from 'react';",
      "import { UserList } from '../components/UserList';",
      "import { listUsers } from '../lib/users';",
      'export default function Users({ users }) { return <UserList users={users} />; }',
      'export async function getServerSideProps() { return { props: { users: await listUsers() } }; }',
    ].join('\n'),
    'pages/index.tsx':
      "import React from 'react';\nimport { Hero } from '../components/Hero';\nexport default function Home() { return <Hero />; }\n",
    'components/UserList.tsx':
      "import React from 'react';\nimport { format } from '../lib/format';\nexport const UserList = ({ users }) => <ul>{users.map(format)}</ul>;\n",
    'components/Hero.tsx': "import React from 'react';\nexport const Hero = () => <h1 />;\n",
    'lib/format.ts': 'export const format = (u) => u.name;\n',
    'lib/users.ts': "import { db } from './db';\nexport const listUsers = () => db.users();\n",
    'lib/db.ts': 'export const db = { users: async () => [] };\n',
  };
  const result = scope(files, [{ dir: '', name: 'web', dependencies: ['next', 'react'] }]);

  it('API routes and pages with getServerSideProps are entry points; components only pages reach are browser code', () => {
    expect(entries(result)).toEqual(['pages/api/users.ts (framework)', 'pages/users.tsx (page)']);
    expect(verdicts(result)).toEqual({
      'pages/api/users.ts': 'server',
      'pages/users.tsx': 'server',
      'pages/index.tsx': 'browser',
      'components/UserList.tsx': 'browser',
      'components/Hero.tsx': 'browser',
      'lib/format.ts': 'browser',
      'lib/users.ts': 'server',
      'lib/db.ts': 'server',
    });
    expect(result.explain(`${ROOT}/lib/format.ts`)).toEqual([
      'lib/format.ts: not server code (browser): reached from components/UserList.tsx, which imports react',
    ]);
    expect(result.explain(`${ROOT}/lib/db.ts`)).toEqual([
      'lib/db.ts: server code',
      '  entry point: pages/api/users.ts (a Next.js API route (`pages/api/`))',
      '  import chain: pages/api/users.ts → lib/db.ts',
    ]);
  });
});

describe('computeScope: a monorepo', () => {
  const files = {
    'packages/backend/src/main.ts':
      "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module';\nconst app = await NestFactory.create(AppModule);\nawait app.listen(3000);\n",
    'packages/backend/src/app.module.ts': "import { format } from '@acme/shared';\nexport class AppModule {}\n",
    'packages/frontend/src/main.ts':
      "import { createApp } from 'vue';\nimport { format } from '@acme/shared';\nimport { api } from './api';\ncreateApp({}).mount('#app');\n",
    'packages/frontend/src/api.ts': 'export const api = (p: string) => fetch(p);\n',
    'packages/cli/src/index.ts':
      "import { program } from 'commander';\nimport { serve } from './serve';\nconst app = serve();\nprogram.command('dev').action(() => app.listen(4000));\n",
    'packages/cli/src/serve.ts': "import express from 'express';\nexport const serve = () => express();\n",
    'packages/cli/bin/run.js': "const app = require('../src/serve').serve();\napp.listen(process.env.PORT);\n",
    'packages/shared/src/index.ts': 'export const format = (s: string) => s.trim();\n',
    'examples/basic/server.js': "const http = require('http');\nhttp.createServer().listen(8080);\n",
  };
  const packages: Pkg[] = [
    { dir: '', name: 'monorepo' },
    { dir: 'packages/backend', name: '@acme/backend', dependencies: ['@nestjs/core', '@acme/shared'] },
    { dir: 'packages/frontend', name: '@acme/frontend', dependencies: ['vue', '@acme/shared'] },
    { dir: 'packages/cli', name: '@acme/cli', dependencies: ['commander', 'express'], bin: 'bin/run.js' },
    { dir: 'packages/shared', name: '@acme/shared', main: 'src/index.ts' },
  ];
  const result = scope(files, packages);

  it('the backend and the shared package it imports are server code; the front end and the CLI are not', () => {
    expect(entries(result)).toEqual(['packages/backend/src/main.ts (server-start)']);
    expect(verdicts(result)).toEqual({
      'packages/backend/src/main.ts': 'server',
      'packages/backend/src/app.module.ts': 'server',
      'packages/frontend/src/main.ts': 'browser',
      'packages/frontend/src/api.ts': 'browser',
      'packages/cli/src/index.ts': 'cli',
      'packages/cli/src/serve.ts': 'cli',
      'packages/cli/bin/run.js': 'cli',
      'packages/shared/src/index.ts': 'server',
      'examples/basic/server.js': 'tooling',
    });
  });

  it('says why a CLI that listens and a bin target are not entry points', () => {
    expect(result.explain(`${ROOT}/packages/cli/src/index.ts`)).toEqual([
      'packages/cli/src/index.ts: not server code (cli): imports commander',
      '  calls `app.listen(…)`, but is not an entry point: it is a command-line tool (imports commander)',
    ]);
    expect(result.explain(`${ROOT}/packages/cli/bin/run.js`)).toEqual([
      'packages/cli/bin/run.js: not server code (cli): is the `bin` of @acme/cli',
      '  calls `app.listen(…)`, but is not an entry point: it is the `bin` of @acme/cli',
    ]);
    expect(result.explain(`${ROOT}/packages/shared/src/index.ts`)[2]).toBe(
      '  import chain: packages/backend/src/main.ts → packages/backend/src/app.module.ts → packages/shared/src/index.ts',
    );
  });

  it('a server start in browser code is an entry point only when it resolves through a server package', () => {
    const browserListen = "import React from 'react';\nimport { app } from './app';\napp.listen(3000);\n";
    expect(scope({ 'src/main.tsx': browserListen, 'src/app.ts': 'export const app = {};' }).mode).toBe('fallback');
    const ssr = "import React from 'react';\nimport express from 'express';\nexpress().listen(3000);\n";
    expect(entries(scope({ 'src/server.tsx': ssr }))).toEqual(['src/server.tsx (server-start)']);
  });
});

describe('computeScope: context folders and route trees', () => {
  it('a folder named like a context folder inside a route tree is a URL segment', () => {
    const result = scope({
      'src/app/api/scripts/telemetry/route.ts': 'export async function GET() {}\n',
      'src/routes/docs/+server.ts': 'export const GET = () => new Response();\n',
      'pages/docs/[slug].tsx':
        'export async function getStaticProps() { return { props: {} }; }\nexport default function Doc() { return null; }\n',
      'examples/next/app/api/hello/route.ts': 'export async function GET() {}\n',
      'scripts/app/api/x/route.ts': 'export async function GET() {}\n',
    });
    expect(entries(result)).toEqual([
      'pages/docs/[slug].tsx (page)',
      'src/app/api/scripts/telemetry/route.ts (framework)',
      'src/routes/docs/+server.ts (framework)',
    ]);
    expect(result.explain(`${ROOT}/examples/next/app/api/hello/route.ts`)[1]).toBe(
      '  a Next.js route handler (`app/**/route`), but is not an entry point: it is in examples/, read as context',
    );
  });

  it('code that tests and browser code both reach is browser code', () => {
    const result = scope({
      'server.js': 'app.listen(3000);\n',
      'web/util.test.ts': "import { it } from 'vitest';\nimport { f } from './util';\n",
      'web/Page.tsx': "import { f } from './util';\nexport const Page = () => <div>{f()}</div>;\n",
      'web/util.ts': 'export const f = () => 1;\n',
    });
    expect(verdicts(result)['web/util.ts']).toBe('browser');
    expect(result.explain(`${ROOT}/web/util.ts`)).toEqual([
      'web/util.ts: not server code (browser): reached from web/Page.tsx, which renders JSX',
    ]);
  });
});

describe('computeScope: files the server imports that say what else they are', () => {
  it('a test helper, a DOM controller and a file in a context folder stay context, and are not walked through', () => {
    const result = scope({
      'src/server.js': "import './index.js';\napp.listen(3000);\n",
      'src/index.js':
        "export * from './test/helpers.js';\nexport * from './ui/pin.js';\nexport * from './fixtures/data.js';\nexport * from './lib/util.js';\n",
      'src/test/helpers.js':
        "import { vi } from 'vitest';\nimport '../lib/only-tests.js';\nexport const mock = vi.fn();\n",
      'src/lib/only-tests.js': 'export const x = 1;\n',
      'src/ui/pin.js': "export const pin = () => window.addEventListener('scroll', f);\n",
      'src/fixtures/data.js': 'export const rows = [];\n',
      'src/lib/util.js': 'export const f = () => 1;\n',
    });
    expect(verdicts(result)).toEqual({
      'src/server.js': 'server',
      'src/index.js': 'server',
      'src/lib/util.js': 'server',
      'src/test/helpers.js': 'test',
      'src/lib/only-tests.js': 'test',
      'src/ui/pin.js': 'browser',
      'src/fixtures/data.js': 'tooling',
    });
  });
});

describe('computeScope: a library workspace', () => {
  // Packages listed before the one they depend on: the server-library test runs to a fixed point.
  const packages: Pkg[] = [
    { dir: '', name: 'root' },
    {
      dir: 'packages/extension-logger',
      name: '@hp/extension-logger',
      dependencies: ['@hp/extension-redis'],
      main: 'src/index.ts',
    },
    {
      dir: 'packages/extension-redis',
      name: '@hp/extension-redis',
      dependencies: ['@hp/server', 'ioredis'],
      main: 'src/index.ts',
    },
    { dir: 'packages/server', name: '@hp/server', dependencies: ['ws', 'yjs'], main: 'src/index.ts' },
    { dir: 'packages/provider', name: '@hp/provider', dependencies: ['yjs'], main: 'src/index.ts' },
  ];
  const files = {
    'packages/server/src/index.ts': "export * from './Server';\n",
    'packages/server/src/Server.ts':
      "import { WebSocketServer } from 'ws';\nexport class Server { wss = new WebSocketServer({ noServer: true }); }\n",
    'packages/extension-redis/src/index.ts':
      "import type { Extension } from '@hp/server';\nimport { lock } from './lock';\nexport class Redis {}\n",
    'packages/extension-redis/src/lock.ts': 'export const lock = new Map();\n',
    'packages/extension-logger/src/index.ts': 'export class Logger { log() {} }\n',
    'packages/provider/src/index.ts': "import * as Y from 'yjs';\nexport class Provider { doc = new Y.Doc(); }\n",
  };
  const result = scope(files, packages);

  it('extension packages depending on the server package are server libraries; the client package is not', () => {
    expect(result.entries.map((e) => `${e.path.slice(ROOT.length + 1)}: ${e.why}`)).toEqual([
      'packages/extension-logger/src/index.ts: the main module of @hp/extension-logger, a server library (depends on @hp/extension-redis, a server library)',
      'packages/extension-redis/src/index.ts: the main module of @hp/extension-redis, a server library (depends on @hp/server, which holds an entry point)',
      'packages/server/src/Server.ts: creates `new WebSocketServer(…)` (ws)',
      'packages/server/src/index.ts: the main module of @hp/server, a server library (depends on ws)',
    ]);
    expect(verdicts(result)).toMatchObject({
      'packages/extension-redis/src/lock.ts': 'server',
      'packages/provider/src/index.ts': 'not-reached',
    });
    expect(result.explain(`${ROOT}/packages/provider/src/index.ts`)).toEqual([
      'packages/provider/src/index.ts: not server code (not-reached): not reached from any of the 4 entry points',
    ]);
  });
});

describe('computeScope: no entry point', () => {
  it('falls back to the path scope, browser code excepted, and says so', () => {
    const result = scope({
      'src/index.ts': "export * from './util';\n",
      'src/util.ts': 'export const cache = new Map();\n',
      'src/Button.tsx': "import React from 'react';\nexport const Button = () => <button />;\n",
    });
    expect(result.mode).toBe('fallback');
    expect(result.entries).toEqual([]);
    expect(verdicts(result)).toEqual({
      'src/index.ts': 'server',
      'src/util.ts': 'server',
      'src/Button.tsx': 'browser',
    });
    expect(result.explain(`${ROOT}/src/util.ts`)).toEqual([
      'src/util.ts: server code (no entry point found: the path scope decides)',
    ]);
    expect(result.explain(`${ROOT}/src/Button.tsx`)).toEqual([
      'src/Button.tsx: not server code (browser): imports react',
    ]);
  });
});

describe('computeScope: serverless handlers and bounds', () => {
  it('a handler named in a serverless config is an entry point when the file exports it', () => {
    const files = { 'src/users.js': 'exports.create = async () => ({});\n', 'src/other.js': 'exports.x = 1;\n' };
    const handlers = [
      { path: `${ROOT}/src/users.js`, name: 'create', why: 'named in serverless.yml' },
      { path: `${ROOT}/src/other.js`, name: 'handler', why: 'named in serverless.yml' },
    ];
    const result = scope(files, undefined, { handlers });
    expect(result.entries).toEqual([
      { path: `${ROOT}/src/users.js`, kind: 'serverless', why: 'exports `create`, named in serverless.yml' },
    ]);
  });

  it('a long import chain and an import cycle are walked without recursion', () => {
    const files: Record<string, string> = { 'server.js': "require('./m0');\napp.listen(1);\n" };
    const depth = 20_000;
    for (let i = 0; i < depth; i++) files[`m${i}.js`] = `require('./m${(i + 1) % depth}');\n`;
    const result = scope(files);
    expect(result.counts.server).toBe(depth + 1);
    expect(result.chain(`${ROOT}/m${depth - 1}.js`)).toHaveLength(depth + 1);
  });
});
