import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../core/index.js';
import { scopeFacts, type ScopeFacts, type ScopeFactsOptions } from '../../core/scope-facts.js';

function facts(code: string, fileName = 'src/app.tsx', options: ScopeFactsOptions = {}): ScopeFacts {
  return scopeFacts(ts, parseSource(ts, fileName, code), options);
}

/** `kind: why`, or undefined when the file is no entry point. */
function entry(code: string, fileName = 'src/app.ts', options: ScopeFactsOptions = {}): string | undefined {
  const found = facts(code, fileName, options).entry;
  return found && `${found.kind}: ${found.why}`;
}

describe('scopeFacts: imports', () => {
  it('lists every module a file loads, with type-only ones marked', () => {
    const code = [
      "import express from 'express';",
      "import './polyfill';",
      "import type { User } from './types';",
      "import { type A, type B } from './only-types';",
      "import { type C, d } from './mixed';",
      "export { x } from './reexport';",
      "export type { Y } from './reexport-types';",
      "export * from './barrel';",
      "import cfg = require('./config');",
      "const lib = require('./lib');",
      'const { a } = require(`./tpl`);',
      "async function later() { return import('./lazy'); }",
      "const p = require.resolve('./not-loaded');",
      'const q = require(`./${p}`);',
    ].join('\n');
    expect(facts(code).imports).toEqual([
      { specifier: 'express', typeOnly: false },
      { specifier: './polyfill', typeOnly: false },
      { specifier: './types', typeOnly: true },
      { specifier: './only-types', typeOnly: true },
      { specifier: './mixed', typeOnly: false },
      { specifier: './reexport', typeOnly: false },
      { specifier: './reexport-types', typeOnly: true },
      { specifier: './barrel', typeOnly: false },
      { specifier: './config', typeOnly: false },
      { specifier: './lib', typeOnly: false },
      { specifier: './tpl', typeOnly: false },
      { specifier: './lazy', typeOnly: false },
    ]);
  });

  it('a module imported both as types and as values loads code', () => {
    const code = "import type { T } from './a';\nimport { f } from './a';\n";
    expect(facts(code).imports).toEqual([{ specifier: './a', typeOnly: false }]);
  });

  it('lists exported value names for serverless configs', () => {
    const esm =
      'export async function handler() {}\nexport const main = 1;\nexport default {};\nexport type T = 1;\nconst h = 1;\nexport { h as hello };\n';
    expect(facts(esm).exports).toEqual(['handler', 'main', 'default', 'hello']);
    expect(facts('exports.handler = async () => {};\nmodule.exports.other = 1;\n', 'a.js').exports).toEqual([
      'handler',
      'other',
    ]);
    expect(facts('module.exports = { handler, hello: () => 1 };\n', 'a.js').exports).toEqual(['handler', 'hello']);
  });
});

describe('scopeFacts: servers that start', () => {
  it.each([
    ["import express from 'express';\nconst app = express();\napp.listen(3000);", 'calls `app.listen(…)`'],
    ["const app = require('./app');\napp.listen(process.env.PORT || 3000, () => {});", 'calls `app.listen(…)`'],
    ['class S { start() { this.server.listen({ port: 80 }); } }', 'calls `this.server.listen(…)`'],
    ["import http from 'http';\nhttp.createServer(app).listen(80);", 'calls `http.createServer(…)`'],
    [
      "import { createServer } from 'node:https';\nconst s = createServer(opts, app);",
      'calls `createServer(…)` (https)',
    ],
    ["const net = require('net');\nnet.createServer(socket => {});", 'calls `net.createServer(…)`'],
    ["const server = require('http2').createSecureServer(opts);", "calls `require('http2').createSecureServer(…)`"],
    [
      "import { NestFactory } from '@nestjs/core';\nconst app = await NestFactory.create(AppModule);",
      'calls `NestFactory.create(…)` (@nestjs/core)',
    ],
    [
      "import { NestFactory } from '@nestjs/core';\nawait NestFactory.createMicroservice(M, {});",
      'calls `NestFactory.createMicroservice(…)` (@nestjs/core)',
    ],
    ["import { Hono } from 'hono';\nconst app = new Hono();", 'creates `new Hono(…)`'],
    ["import { serve } from '@hono/node-server';\nserve(app);", 'calls `serve(…)` (@hono/node-server)'],
    ["import Fastify from 'fastify';\nconst app = Fastify({ logger: true });", 'calls `Fastify(…)`'],
    ["const app = require('fastify')();", "calls `require('fastify')(…)`"],
    ["import Koa from 'koa';\nconst app = new Koa();", 'creates `new Koa(…)`'],
    ['Bun.serve({ fetch() {} });', 'calls `Bun.serve(…)`'],
    ['Deno.serve((req) => new Response());', 'calls `Deno.serve(…)`'],
    [
      "import { WebSocketServer } from 'ws';\nconst wss = new WebSocketServer({ port: 8080 });",
      'creates `new WebSocketServer(…)` (ws)',
    ],
    [
      "const WebSocket = require('ws');\nconst wss = new WebSocket.Server({ server });",
      'creates `new WebSocket.Server(…)` (ws)',
    ],
    ["import { Server } from 'socket.io';\nconst io = new Server(httpServer);", 'creates `new Server(…)` (socket.io)'],
    ["const io = require('socket.io')(server);", "calls `require('socket.io')(…)`"],
    [
      "import { startStandaloneServer } from '@apollo/server/standalone';\nawait startStandaloneServer(server);",
      'calls `startStandaloneServer(…)` (@apollo/server/standalone)',
    ],
    ["const micro = require('micro');\nmodule.exports = micro(handler);", 'calls `micro(…)`'],
    ["import polka from 'polka';\npolka().use(x);", 'calls `polka(…)`'],
    ["import restify from 'restify';\nconst server = restify.createServer();", 'calls `restify.createServer(…)`'],
    [
      "import Hapi from '@hapi/hapi';\nconst server = Hapi.server({ port: 3000 });",
      'calls `Hapi.server(…)` (@hapi/hapi)',
    ],
    ["server.listen('/tmp/app.sock');", 'calls `server.listen(…)`'],
    ["server.listen('8080');", 'calls `server.listen(…)`'],
  ])('%s', (code, why) => {
    expect(entry(code)).toBe(`server-start: ${why}`);
  });

  it.each([
    ['history.listen((location) => render(location));'],
    ["module().listen('change', () => {});"],
    ['export const on = (event: string, handler: () => void) => module().listen(event, handler);'],
    ["import { listen } from '@tauri-apps/api/event';\nlisten('tauri://update', (e) => {});"],
    ['featureService.listen();'],
    ['emitter.listen(function onEvent() {});'],
    // An Express app is listened somewhere else, which is the entry point.
    ["import express from 'express';\nexport const app = express();\napp.use(json());"],
    [
      "import { Router } from 'express';\nconst router = Router();\nrouter.get('/', (req, res) => res.end());\nexport default router;",
    ],
    ["import { NestFactory } from '@nestjs/core';\nconst ctx = await NestFactory.createApplicationContext(M);"],
    ['class Koa {}\nconst app = new Koa();'],
    ['const Bun = { serve() {} };\nBun.serve();'],
  ])('not a server start: %s', (code) => {
    expect(facts(code).entry).toBeUndefined();
  });

  it('resolves a long member chain without recursion', () => {
    const code = `import http from 'http';\nconst s = http.createServer(h)${'.a'.repeat(20_000)}.listen(80);\n`;
    expect(entry(code)).toBe('server-start: calls `http.createServer(…)`');
  });

  it('a bare `x.listen(port)` is certain only when the file loads a server package', () => {
    expect(facts("const app = require('./app');\napp.listen(3000);").entry?.certain).toBe(false);
    expect(facts("import express from 'express';\nexpress().listen(3000);").entry?.certain).toBe(true);
    expect(facts("import { createServer } from 'http';\ncreateServer(h);").entry?.certain).toBe(true);
  });

  it('a shebang server without an argument parser is a server, not a CLI', () => {
    const www =
      "#!/usr/bin/env node\nvar app = require('../app');\nvar http = require('http');\nvar server = http.createServer(app);\nserver.listen(port);\n";
    const found = facts(www, 'bin/www');
    expect(found.entry?.kind).toBe('server-start');
    expect(found.cli).toBeUndefined();
  });

  it('an SSR server that imports react-dom/server is not browser code', () => {
    const code =
      "import express from 'express';\nimport { renderToString } from 'react-dom/server';\nconst app = express();\napp.listen(3000);\n";
    const found = facts(code, 'server.tsx');
    expect(found.browser).toBeUndefined();
    expect(found.entry?.kind).toBe('server-start');
  });
});

describe('scopeFacts: workers', () => {
  it.each([
    ["import { Worker } from 'bullmq';\nnew Worker('mail', async (job) => {});", 'creates `new Worker(…)` (bullmq)'],
    [
      "import { queue } from './queues';\nimport Bull from 'bull';\nqueue.process(async (job) => {});",
      'calls `queue.process(…)` (bull)',
    ],
    ["import PgBoss from 'pg-boss';\nawait boss.work('email', handler);", 'calls `boss.work(…)` (pg-boss)'],
    [
      'await consumer.run({ eachMessage: async ({ message }) => {} });',
      'calls `consumer.run({ eachMessage })` (kafkajs)',
    ],
    ["const amqp = require('amqplib');\nchannel.consume('q', (msg) => {});", 'calls `channel.consume(…)` (amqplib)'],
    [
      "import { Processor } from '@nestjs/bullmq';\n@Processor('audio')\nexport class AudioConsumer {}",
      'a `@Processor` queue consumer (@nestjs/bullmq)',
    ],
  ])('%s', (code, why) => {
    expect(entry(code)).toBe(`worker: ${why}`);
  });

  it.each([
    ['processor.process(data);'],
    ["import Bull from 'bull';\nconst q = new Bull('x');\nq.process();"],
    ['runner.run({ each: 1 });'],
    ["import { Worker } from 'node:worker_threads';\nnew Worker('./w.js');"],
  ])('not a worker: %s', (code) => {
    expect(facts(code).entry).toBeUndefined();
  });
});

describe('scopeFacts: framework conventions', () => {
  it.each([
    ['app/api/users/route.ts', '', 'a Next.js route handler (`app/**/route`)'],
    ['src/pages/api/login.ts', '', 'a Next.js API route (`pages/api/`)'],
    ['middleware.ts', '', 'Next.js middleware'],
    ['src/middleware.ts', '', 'Next.js middleware'],
    ['src/routes/+server.ts', '', 'a SvelteKit endpoint (`+server`)'],
    ['src/routes/blog/+page.server.ts', '', 'a SvelteKit server load (`+page.server`/`+layout.server`)'],
    ['src/hooks.server.ts', '', 'SvelteKit server hooks (`hooks.server`)'],
    ['server/api/users.get.ts', '', 'a Nuxt/Nitro server handler (`server/api|routes|middleware|plugins/`)'],
    ['server/plugins/db.ts', '', 'a Nuxt/Nitro server handler (`server/api|routes|middleware|plugins/`)'],
    ['netlify/functions/hello.js', '', 'a Netlify function (`netlify/functions/`)'],
    ['api/hello.ts', '', 'a Vercel function (`api/` at a package root)'],
    ['src/actions.ts', "'use server';\nexport async function save() {}\n", "`'use server'` (server actions)"],
    [
      'src/index.ts',
      'export default { async fetch(req: Request) { return new Response(); } };\n',
      'exports a Workers `fetch` handler (`export default { fetch }`)',
    ],
  ])('%s', (fileName, code, why) => {
    expect(entry(code || 'export default 1;', fileName)).toBe(`framework: ${why}`);
  });

  it('matches root-only conventions against the path inside the package', () => {
    expect(entry('export default 1;', '/repo/packages/web/api/x.ts', { packagePath: 'api/x.ts' })).toMatch(
      /^framework: a Vercel/,
    );
    expect(
      entry('export default 1;', '/repo/packages/web/src/api/x.ts', { packagePath: 'src/api/x.ts' }),
    ).toBeUndefined();
    expect(
      entry('export default 1;', '/repo/src/store/middleware.ts', { packagePath: 'src/store/middleware.ts' }),
    ).toBeUndefined();
  });

  it('records the folder a convention starts in: folders below it are route segments', () => {
    expect(facts('export const GET = 1;', '/repo/src/app/api/scripts/route.ts').entry?.base).toBe('/repo/src/');
    expect(facts('export const GET = 1;', '/repo/src/routes/docs/+server.ts').entry?.base).toBe('/repo/src/');
    expect(facts('export default 1;', '/repo/web/api/x.ts', { packagePath: 'api/x.ts' }).entry?.base).toBe(
      '/repo/web/',
    );
    expect(facts("'use server';\nexport async function f() {}", '/repo/src/actions.ts').entry?.base).toBeUndefined();
  });

  it('a declaration file is no entry point', () => {
    expect(entry('export declare const x: number;', 'pages/api/types.d.ts')).toBeUndefined();
  });
});

describe('scopeFacts: pages with server data functions', () => {
  const nextPage = [
    "import React from 'react';",
    "import { db } from '../lib/db';",
    "import { format } from '../lib/format';",
    "import { Card } from '../components/Card';",
    "import type { User } from '../lib/types';",
    "import { fetchUsers } from '../lib/users';",
    'async function load() { return fetchUsers(db); }',
    'export default function Users({ users }: { users: User[] }) { return <Card>{format(users)}</Card>; }',
    'export async function getServerSideProps() { const users = await load(); return { props: { users, when: format(new Date()) } }; }',
  ].join('\n');

  it('a Next.js page exporting getServerSideProps follows only the imports its server functions use', () => {
    const found = facts(nextPage, 'pages/users.tsx');
    expect(found.entry).toEqual({
      kind: 'page',
      why: 'a Next.js page exporting `getServerSideProps`',
      certain: false,
      base: '',
    });
    expect(found.browser).toBe('imports react');
    const server = found.imports.filter((i) => i.server).map((i) => i.specifier);
    // `load` is used only by getServerSideProps, so its imports are server imports too.
    expect(server).toEqual(['../lib/db', '../lib/users']);
  });

  it('getInitialProps assigned to the page component counts', () => {
    const code =
      "import { api } from '../lib/api';\nconst Page = () => null;\nPage.getInitialProps = async () => api();\nexport default Page;\n";
    const found = facts(code, 'src/pages/index.jsx');
    expect(found.entry?.why).toBe('a Next.js page exporting `getInitialProps`');
    expect(found.imports).toEqual([{ specifier: '../lib/api', typeOnly: false, server: true }]);
  });

  it('a Remix route exporting a loader', () => {
    const code =
      "import { json } from '@remix-run/node';\nimport { getUser } from '~/models/user.server';\nexport const loader = async () => json(await getUser());\nexport default function Route() { return null; }\n";
    const found = facts(code, 'app/routes/users.$id.tsx');
    expect(found.entry?.why).toBe('a Remix route exporting `loader`');
    expect(found.imports.filter((i) => i.server).map((i) => i.specifier)).toEqual([
      '@remix-run/node',
      '~/models/user.server',
    ]);
  });

  it('follows helpers only the server functions use through a long chain, in linear time', () => {
    const count = 3000;
    const helpers = Array.from(
      { length: count },
      (_, i) => `function f${i}() { return ${i + 1 < count ? `f${i + 1}()` : 'db.read()'}; }`,
    );
    const code = [
      "import { db } from '../lib/db';",
      ...helpers,
      'export async function getStaticProps() { return { props: f0() }; }',
    ].join('\n');
    const started = Date.now();
    expect(facts(code, 'pages/chain.tsx').imports).toEqual([{ specifier: '../lib/db', typeOnly: false, server: true }]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a page without server data functions is no entry point', () => {
    expect(
      facts("import React from 'react';\nexport default function Home() { return null; }", 'pages/index.tsx').entry,
    ).toBeUndefined();
  });
});

describe('scopeFacts: browser, CLI and test code', () => {
  it.each([
    ["import React from 'react';", 'imports react'],
    ["import { createRoot } from 'react-dom/client';", 'imports react-dom/client'],
    ["import { createApp } from 'vue';", 'imports vue'],
    ["import { onMount } from 'svelte';", 'imports svelte'],
    ["import { h } from 'preact';", 'imports preact'],
    ["import { createSignal } from 'solid-js';", 'imports solid-js'],
    ["import { Component } from '@angular/core';", 'imports @angular/core'],
    ["import { View } from 'react-native';", 'imports react-native'],
    ["import * as Linking from 'expo-linking';", 'imports expo-linking'],
    ["import { useRouter } from 'next/router';", 'imports next/router'],
    ["import { useRouter } from 'next/navigation';", 'imports next/navigation'],
    ["import Link from 'next/link';", 'imports next/link'],
    ["import { invoke } from '@tauri-apps/api';", 'imports @tauri-apps/api'],
    ["'use client';\nexport const x = 1;", "`'use client'`"],
    ["document.getElementById('root');", 'uses `document`'],
    ["window.addEventListener('load', init);", 'uses `window.addEventListener`'],
    ["localStorage.setItem('k', 'v');", 'uses `localStorage`'],
    ["const t = sessionStorage.getItem('t');", 'uses `sessionStorage`'],
    ['const lang = navigator.language;', 'uses `navigator`'],
    ['export const Button = () => <button>ok</button>;', 'renders JSX'],
    ['export const Empty = () => <></>;', 'renders JSX'],
  ])('%s → browser', (code, why) => {
    expect(facts(code).browser).toBe(why);
  });

  it.each([
    ["import { renderToString } from 'react-dom/server';"],
    ["import type { FC } from 'react';"],
    ["if (typeof window === 'undefined') run();"],
    ['const document = await db.find(id);\nreturn document.title;'],
    ['function save(document) { return document.id; }'],
    ["import Link from 'next/server';"],
    ["import { chromium } from 'playwright';\nconst title = await page.evaluate(() => document.title);"],
    [
      "import { JSDOM } from 'jsdom';\nglobalThis.document = new JSDOM(html).window.document;\nconst p = document.querySelector('p'); // </p>",
    ],
    ["const html = '<div></div>';\nconst x = a < b / c;"],
    // Server rendering: JSX in a file that loads a server package.
    ["import { Hono } from 'hono';\nconst app = new Hono();\napp.get('/', (c) => c.html(<h1>Hi</h1>));"],
    ["const express = require('express');\nconst page = () => <p>ok</p>;"],
  ])('not browser: %s', (code) => {
    expect(facts(code).browser).toBeUndefined();
  });

  it.each([
    'commander',
    'yargs',
    'yargs/yargs',
    'meow',
    '@oclif/core',
    'oclif',
    'cac',
    'sade',
    'arg',
    'minimist',
    'mri',
    'yargs-parser',
    'clipanion',
    'citty',
    'inquirer',
    '@inquirer/prompts',
    'prompts',
    'enquirer',
    '@clack/prompts',
  ])('imports %s → CLI', (module) => {
    expect(facts(`import x from '${module}';`).cli).toBe(`imports ${module}`);
  });

  it('a shebang alone is not a CLI', () => {
    expect(facts('#!/usr/bin/env node\nconsole.log(1);\n', 'bin/run.js').cli).toBeUndefined();
  });

  it.each([
    'vitest',
    'jest',
    '@jest/globals',
    'mocha',
    'chai',
    'ava',
    'tap',
    'node:test',
    '@playwright/test',
    'cypress',
    'supertest',
    'msw',
    '@testing-library/react',
    'sinon',
    'nock',
  ])('imports %s → test', (module) => {
    expect(facts(`import x from '${module}';`).test).toBe(`imports ${module}`);
  });

  it('a file named like a test is a test', () => {
    expect(facts("describe('x', () => {});", 'src/app.spec.js').test).toBe('is named like a test');
    expect(facts('export const x = 1;', 'src/testing-utils.ts').test).toBeUndefined();
  });

  it('CommonJS requires count like imports', () => {
    const found = facts("const { program } = require('commander');\nconst React = require('react');\n", 'a.js');
    expect(found.cli).toBe('imports commander');
    expect(found.browser).toBe('imports react');
  });
});
