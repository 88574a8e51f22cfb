import { directives, nameText, skipOuter, stringValue, walk } from './ast.js';
import { normalizeModule } from './imports.js';
import type { TS, TypeScript } from './types.js';

/** A module a file loads. */
export interface ImportFact {
  /** As written (`./app`, `express`, `node:http`). */
  specifier: string;
  /** `import type` / `export type`: loads no code, so scope does not follow it. */
  typeOnly: boolean;
  /** In a `page` entry: used only by its server data functions, so followed as server code. */
  server?: true;
}

/**
 * How a file is a server entry point: it starts a server (`server-start`), is a module a
 * framework runs on the server by convention (`framework`), is a page whose exported data
 * functions run on the server (`page`), or consumes a job queue (`worker`).
 */
export type EntryFactKind = 'server-start' | 'framework' | 'page' | 'worker';

export interface EntryFact {
  kind: EntryFactKind;
  /** For `--explain-scope`: "calls `app.listen(…)`". */
  why: string;
  /**
   * The evidence resolves through an import of a server package or a server runtime (
   * `http.createServer`, `new Hono()`, `Bun.serve`), or the file loads one: it holds even in a
   * file that also looks like browser code. A bare `x.listen(port)` alone does not.
   */
  certain: boolean;
  /**
   * For a convention matched by path, the folder it starts in: `/repo/src/` for
   * `/repo/src/app/api/scripts/route.ts`. Folders below it are route segments, not context folders.
   */
  base?: string;
}

/** What one file says about where it runs. */
export interface ScopeFacts {
  imports: ImportFact[];
  entry?: EntryFact;
  /** Why the file is browser code: "imports react", "`'use client'`". */
  browser?: string;
  /** Why the file is a command-line tool: "imports commander". */
  cli?: string;
  /** Why the file is a test: "imports vitest". */
  test?: string;
  /** Exported value names (`default` for a default export), for handlers named in serverless configs. */
  exports: string[];
}

export interface ScopeFactsOptions {
  /**
   * The file's path relative to its package root, with forward slashes. Conventions that hold
   * only at a package root (Vercel `api/`, Next.js `middleware`) are matched against it; the
   * file name is used when it is absent.
   */
  packagePath?: string;
}

// --- Knowledge: which packages say what (matched on the package name or the whole specifier) ---

const BROWSER_PACKAGES = [
  'react',
  'react-dom',
  'vue',
  'svelte',
  'preact',
  'solid-js',
  '@angular/*',
  'react-native',
  'expo',
  'expo-*',
  '@expo/*',
  'next/router',
  'next/navigation',
  'next/link',
  '@tauri-apps/*',
];
/** Entry points of browser packages that run on the server. */
const SERVER_SIDE_OF_BROWSER_PACKAGES = /^react-dom\/(server|static)(\.|$)/;

const CLI_PACKAGES = [
  'commander',
  'yargs',
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
  '@inquirer/*',
  'prompts',
  'enquirer',
  '@clack/prompts',
];

const TEST_PACKAGES = [
  // `test` is `node:test` (and its npm copy).
  'vitest',
  'jest',
  '@jest/globals',
  'mocha',
  'chai',
  'ava',
  'tap',
  'test',
  '@playwright/test',
  'cypress',
  'supertest',
  'msw',
  '@testing-library/*',
  'sinon',
  'nock',
];
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** Server frameworks: a package that depends on one is a server library (core/program/scope.ts). */
export const SERVER_FRAMEWORKS: readonly string[] = [
  'express',
  'fastify',
  'koa',
  '@nestjs/core',
  '@nestjs/common',
  'hono',
  '@hapi/hapi',
  'restify',
  'ws',
  'socket.io',
  '@apollo/server',
  'graphql-yoga',
  'micro',
  'polka',
  'h3',
  'elysia',
];

/** Packages whose loading makes a file's `x.listen(…)` unambiguous server code. */
const SERVER_PACKAGES = ['http', 'https', 'http2', 'net', 'tls', '@hono/node-server', 'hapi', ...SERVER_FRAMEWORKS];

/**
 * Calls and constructions that start a server or consume a queue, by the package member they
 * resolve to (`''` is the module itself: `fastify()`, `new Koa()`, `require('socket.io')(server)`).
 */
interface StartRow {
  modules: string[];
  member: string;
  how: 'call' | 'new';
  kind: 'server-start' | 'worker';
}

const STARTS: StartRow[] = [
  { modules: ['http', 'https', 'http2', 'net', 'tls'], member: 'createServer', how: 'call', kind: 'server-start' },
  { modules: ['http2'], member: 'createSecureServer', how: 'call', kind: 'server-start' },
  { modules: ['@nestjs/core'], member: 'NestFactory.create', how: 'call', kind: 'server-start' },
  { modules: ['@nestjs/core'], member: 'NestFactory.createMicroservice', how: 'call', kind: 'server-start' },
  { modules: ['hono'], member: 'Hono', how: 'new', kind: 'server-start' },
  { modules: ['hono', '@hono/node-server'], member: 'serve', how: 'call', kind: 'server-start' },
  { modules: ['fastify'], member: '', how: 'call', kind: 'server-start' },
  { modules: ['fastify'], member: 'fastify', how: 'call', kind: 'server-start' },
  { modules: ['koa'], member: '', how: 'new', kind: 'server-start' },
  { modules: ['ws'], member: 'Server', how: 'new', kind: 'server-start' },
  { modules: ['ws'], member: 'WebSocketServer', how: 'new', kind: 'server-start' },
  { modules: ['socket.io'], member: 'Server', how: 'new', kind: 'server-start' },
  { modules: ['socket.io'], member: '', how: 'call', kind: 'server-start' },
  { modules: ['@apollo/server/standalone'], member: 'startStandaloneServer', how: 'call', kind: 'server-start' },
  { modules: ['micro'], member: '', how: 'call', kind: 'server-start' },
  { modules: ['micro'], member: 'serve', how: 'call', kind: 'server-start' },
  { modules: ['polka'], member: '', how: 'call', kind: 'server-start' },
  { modules: ['restify'], member: 'createServer', how: 'call', kind: 'server-start' },
  { modules: ['@hapi/hapi', 'hapi'], member: 'server', how: 'call', kind: 'server-start' },
  { modules: ['@hapi/hapi', 'hapi'], member: 'Server', how: 'new', kind: 'server-start' },
  { modules: ['bullmq'], member: 'Worker', how: 'new', kind: 'worker' },
];

/**
 * Queue consumers whose receiver is usually built in another file: a method call with a
 * handler argument counts when the file loads the package (`queue.process(job => …)` with bull).
 */
const CONSUMER_METHODS: { modules: string[]; method: string }[] = [
  { modules: ['bull', 'bee-queue'], method: 'process' },
  { modules: ['pg-boss'], method: 'work' },
  { modules: ['amqplib', 'amqplib/callback_api', 'amqp-connection-manager'], method: 'consume' },
];

/** Decorators that make a class a queue consumer. */
const WORKER_DECORATORS = [{ modules: ['@nestjs/bull', '@nestjs/bullmq'], member: 'Processor' }];

/** Files with any of these texts get the walk for server starts and consumers. */
const START_TEXT = /\.listen\s*\(|\b(?:Bun|Deno)\.serve\b|\beach(?:Message|Batch)\b/;
const ENTRY_MODULES = new Set([
  ...STARTS.flatMap((row) => row.modules),
  ...CONSUMER_METHODS.flatMap((row) => row.modules),
  ...WORKER_DECORATORS.flatMap((row) => row.modules),
]);

/** Module conventions by path: where frameworks run a file on the server. */
const FRAMEWORK_PATHS: { pattern: RegExp; why: string; anchored?: true }[] = [
  { pattern: /(^|\/)app\/(.+\/)?route\.[cm]?[jt]sx?$/, why: 'a Next.js route handler (`app/**/route`)' },
  { pattern: /(^|\/)pages\/api\//, why: 'a Next.js API route (`pages/api/`)' },
  { pattern: /^(src\/)?middleware\.[cm]?[jt]s$/, why: 'Next.js middleware', anchored: true },
  // From `routes/` when the file is under one: folders in the route tree are URL segments.
  { pattern: /(^|\/)(routes\/(.+\/)?)?\+server\.[cm]?[jt]s$/, why: 'a SvelteKit endpoint (`+server`)' },
  {
    pattern: /(^|\/)(routes\/(.+\/)?)?\+(page|layout)\.server\.[cm]?[jt]s$/,
    why: 'a SvelteKit server load (`+page.server`/`+layout.server`)',
  },
  { pattern: /(^|\/)hooks\.server\.[cm]?[jt]s$/, why: 'SvelteKit server hooks (`hooks.server`)' },
  {
    pattern: /(^|\/)server\/(api|routes|middleware|plugins)\//,
    why: 'a Nuxt/Nitro server handler (`server/api|routes|middleware|plugins/`)',
  },
  { pattern: /(^|\/)(netlify|\.netlify)\/(edge-)?functions\//, why: 'a Netlify function (`netlify/functions/`)' },
  { pattern: /^api\//, why: 'a Vercel function (`api/` at a package root)', anchored: true },
];

/** Pages whose exported data functions run on the server. */
const PAGE_PATHS: { pattern: RegExp; exports: string[]; framework: string }[] = [
  {
    pattern: /(^|\/)pages\/(?!api\/)/,
    exports: ['getServerSideProps', 'getStaticProps', 'getStaticPaths', 'getInitialProps'],
    framework: 'a Next.js page',
  },
  { pattern: /(^|\/)app\/routes\//, exports: ['loader', 'action'], framework: 'a Remix route' },
];

/** Packages that drive or emulate a browser from Node: their files use `document` inside page callbacks. */
const DOM_DRIVERS = ['playwright', 'playwright-core', 'puppeteer', 'puppeteer-core', 'jsdom', 'happy-dom', 'linkedom'];
const JSX_TEXT = /<\/|\/>/;
const DOM_TEXT = /\b(?:document|navigator|localStorage|sessionStorage)\s*\.|\bwindow\s*\.\s*addEventListener\b/;
const DOM_GLOBALS = new Set(['document', 'navigator', 'localStorage', 'sessionStorage']);
const LOADS_TEXT = /\brequire\s*\(|\bimport\s*\(/;

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; undefined for relative and absolute paths. */
function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether a specifier (`node:` prefix removed) is in a table: whole specifier, package name, or `prefix*`. */
function inTable(specifier: string, table: readonly string[]): boolean {
  const module = normalizeModule(specifier);
  const name = packageName(module);
  if (name === undefined) return false;
  return table.some((entry) =>
    entry.endsWith('*') ? module.startsWith(entry.slice(0, -1)) : entry === module || entry === name,
  );
}

/** What an expression stands for in a package: `{ module: 'http', path: ['createServer'] }`. */
interface Ref {
  module: string;
  path: string[];
}

/**
 * What one file says about where it runs, from its syntax alone (parent pointers not needed):
 * the modules it loads, whether it is a server entry point, and whether it is browser code, a
 * command-line tool or a test. Most files need only their import statements; the deeper walks
 * run only when a cheap text test says they can find something.
 */
export function scopeFacts(ts: TypeScript, sourceFile: TS.SourceFile, options: ScopeFactsOptions = {}): ScopeFacts {
  const text = sourceFile.text;
  const bindings = new Map<string, Ref>();
  const imports = new Map<string, ImportFact>();
  const addImport = (specifier: string, typeOnly: boolean) => {
    const known = imports.get(specifier);
    if (!known) imports.set(specifier, { specifier, typeOnly });
    else if (!typeOnly) known.typeOnly = false;
  };
  collectStaticImports(ts, sourceFile, addImport, bindings);
  if (LOADS_TEXT.test(text)) collectLoads(ts, sourceFile, addImport, bindings);

  const specifiers = [...imports.values()].filter((i) => !i.typeOnly).map((i) => i.specifier);
  const loaded = new Set(specifiers.map(normalizeModule));
  const facts: ScopeFacts = { imports: [...imports.values()], exports: exportedNames(ts, sourceFile) };
  const prologue = directives(ts, sourceFile.statements);

  const browserImport = specifiers.find(
    (m) => !SERVER_SIDE_OF_BROWSER_PACKAGES.test(m) && inTable(m, BROWSER_PACKAGES),
  );
  if (prologue.includes('use client')) facts.browser = "`'use client'`";
  else if (browserImport !== undefined) facts.browser = `imports ${browserImport}`;
  const cliImport = specifiers.find((m) => inTable(m, CLI_PACKAGES));
  if (cliImport !== undefined) facts.cli = `imports ${cliImport}`;
  const testImport = specifiers.find((m) => inTable(m, TEST_PACKAGES));
  if (testImport !== undefined) facts.test = `imports ${testImport}`;
  else if (TEST_FILE.test(sourceFile.fileName)) facts.test = 'is named like a test';

  const loadsServer = specifiers.some((m) => inTable(m, SERVER_PACKAGES));
  const needsStarts = [...loaded].some((m) => ENTRY_MODULES.has(m)) || START_TEXT.test(text);
  const browser = {
    dom: facts.browser === undefined && DOM_TEXT.test(text) && !specifiers.some((m) => inTable(m, DOM_DRIVERS)),
    jsx: facts.browser === undefined && JSX_TEXT.test(text),
  };
  if (needsStarts || browser.dom || browser.jsx) {
    const found = findStarts(ts, sourceFile, bindings, loaded, loadsServer, browser);
    if (found.start) facts.entry = found.start;
    if (found.browser !== undefined) facts.browser = found.browser;
  }
  if (facts.entry?.certain !== true && !/\.d\.[cm]?ts$/.test(sourceFile.fileName)) {
    const framework = frameworkEntry(ts, sourceFile, prologue, options);
    if (framework) facts.entry = framework;
    else if (!facts.entry) {
      const page = pageEntry(ts, sourceFile, facts.exports, imports);
      if (page) facts.entry = page;
    }
  }
  return facts;
}

function collectStaticImports(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  addImport: (specifier: string, typeOnly: boolean) => void,
  bindings: Map<string, Ref>,
): void {
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement)) {
      const specifier = stringValue(ts, statement.moduleSpecifier);
      if (specifier === undefined) continue;
      const clause = statement.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly || (clause.name === undefined && allTypeOnly(ts, clause.namedBindings)));
      addImport(specifier, typeOnly);
      if (!clause || typeOnly) continue;
      const module = normalizeModule(specifier);
      if (clause.name) bindings.set(clause.name.text, { module, path: [] });
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) bindings.set(named.name.text, { module, path: [] });
      else if (named) {
        for (const element of named.elements) {
          if (element.isTypeOnly) continue;
          const imported = nameText(ts, element.propertyName ?? element.name) ?? element.name.text;
          bindings.set(element.name.text, { module, path: imported === 'default' ? [] : [imported] });
        }
      }
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      const specifier = stringValue(ts, statement.moduleSpecifier);
      if (specifier === undefined) continue;
      const clause = statement.exportClause;
      addImport(
        specifier,
        statement.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && allTypeOnly(ts, clause)),
      );
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const specifier = stringValue(ts, statement.moduleReference.expression);
      if (specifier === undefined) continue;
      addImport(specifier, statement.isTypeOnly);
      if (!statement.isTypeOnly) bindings.set(statement.name.text, { module: normalizeModule(specifier), path: [] });
    }
  }
}

/** `{ type A, type B }`: every named import or export is type-only (an empty list is not). */
function allTypeOnly(ts: TypeScript, named: TS.NamedImportBindings | TS.NamedExports | undefined): boolean {
  if (!named || ts.isNamespaceImport(named)) return false;
  return named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** The module a `require('x')`, `import('x')` or `await import('x')` loads, else undefined. */
function loadedModule(ts: TypeScript, expr: TS.Expression): string | undefined {
  let e = skipOuter(ts, expr);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (!ts.isCallExpression(e) || e.arguments.length !== 1) return undefined;
  const isLoad =
    e.expression.kind === ts.SyntaxKind.ImportKeyword ||
    (ts.isIdentifier(e.expression) && e.expression.text === 'require');
  return isLoad ? stringValue(ts, e.arguments[0]) : undefined;
}

/** `require('x')` and `import('x')` anywhere, and the names CommonJS binds to what they load. */
function collectLoads(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  addImport: (specifier: string, typeOnly: boolean) => void,
  bindings: Map<string, Ref>,
): void {
  walk(ts, sourceFile, (node) => {
    if (ts.isCallExpression(node)) {
      const specifier = loadedModule(ts, node);
      if (specifier !== undefined) addImport(specifier, false);
    } else if (ts.isVariableDeclaration(node) && node.initializer) {
      // const x = require('m'), const { a: x } = require('m'), const x = require('m').a
      const ref = resolveRef(ts, node.initializer, bindings);
      if (!ref) return;
      if (ts.isIdentifier(node.name)) bindings.set(node.name.text, ref);
      else if (ts.isObjectBindingPattern(node.name)) {
        for (const element of node.name.elements) {
          const key = nameText(ts, element.propertyName ?? element.name);
          if (key !== undefined && ts.isIdentifier(element.name) && !element.dotDotDotToken) {
            bindings.set(element.name.text, { module: ref.module, path: [...ref.path, key] });
          }
        }
      }
    }
  });
}

/**
 * The package member an expression stands for, through the file's import bindings: `http.createServer`
 * → `http#createServer`, `require('socket.io')` → `socket.io#`. Calls add `()`. Iterative.
 */
function resolveRef(ts: TypeScript, expr: TS.Expression, bindings: ReadonlyMap<string, Ref>): Ref | undefined {
  const path: string[] = [];
  let e = skipOuter(ts, expr);
  for (;;) {
    const module = loadedModule(ts, e);
    if (module !== undefined) return { module: normalizeModule(module), path: path.filter((s) => s !== 'default') };
    if (ts.isIdentifier(e)) {
      const base = bindings.get(e.text);
      return base && { module: base.module, path: [...base.path, ...path.filter((s) => s !== 'default')] };
    }
    if (ts.isPropertyAccessExpression(e)) {
      path.unshift(e.name.text);
      e = skipOuter(ts, e.expression);
    } else if (ts.isElementAccessExpression(e)) {
      const key = stringValue(ts, e.argumentExpression);
      if (key === undefined) return undefined;
      path.unshift(key);
      e = skipOuter(ts, e.expression);
    } else if (ts.isCallExpression(e)) {
      path.unshift('()');
      e = skipOuter(ts, e.expression);
    } else {
      return undefined;
    }
  }
}

interface Found {
  start?: EntryFact;
  /** "uses `document`", "renders JSX". */
  browser?: string;
}

/** A match of `startOf`: resolved through an import, or resting on a global name the file must not declare. */
interface Start {
  fact: EntryFact;
  resolved: boolean;
  global?: string;
}

/** A server start over a worker; a start resolved through an import over a bare `x.listen(…)`. */
const strength = (s: Start) =>
  (s.fact.kind === 'server-start' ? 4 : 0) + (s.resolved ? 2 : 0) + (s.fact.certain ? 1 : 0);

/** One walk for the calls that start a server or consume a queue, and for DOM use and JSX. */
function findStarts(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  bindings: ReadonlyMap<string, Ref>,
  loaded: ReadonlySet<string>,
  loadsServer: boolean,
  browser: { dom: boolean; jsx: boolean },
): Found {
  const starts: Start[] = [];
  // Local names that hide a global: `const document = await db.find()`, `const Bun = {…}`.
  const declared = new Set<string>(bindings.keys());
  let dom: string | undefined;
  let jsx = false;
  walk(ts, sourceFile, (node) => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const start = startOf(ts, node, sourceFile, bindings, loaded, loadsServer);
      if (start) starts.push(start);
    } else if (ts.isDecorator(node)) {
      const callee = ts.isCallExpression(node.expression) ? node.expression.expression : node.expression;
      const ref = resolveRef(ts, callee, bindings);
      const row =
        ref && WORKER_DECORATORS.find((r) => r.modules.includes(ref.module) && ref.path.join('.') === r.member);
      if (ref && row)
        starts.push({
          fact: { kind: 'worker', why: `a \`@${row.member}\` queue consumer (${ref.module})`, certain: true },
          resolved: true,
        });
    } else if (
      (ts.isVariableDeclaration(node) ||
        ts.isParameter(node) ||
        ts.isBindingElement(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node)) &&
      node.name !== undefined &&
      ts.isIdentifier(node.name)
    ) {
      declared.add(node.name.text);
    } else if (
      browser.dom &&
      dom === undefined &&
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression)
    ) {
      const object = node.expression.text;
      if (DOM_GLOBALS.has(object)) dom = object;
      else if (object === 'window' && node.name.text === 'addEventListener') dom = 'window.addEventListener';
    } else if (browser.jsx && (ts.isJsxElement(node) || ts.isJsxSelfClosingElement(node) || ts.isJsxFragment(node))) {
      jsx = true;
    }
  });
  const found: Found = {};
  let best: Start | undefined;
  for (const start of starts) {
    if (start.global !== undefined && declared.has(start.global)) continue;
    if (!best || strength(start) > strength(best)) best = start;
  }
  if (best) found.start = best.fact;
  if (dom !== undefined && !declared.has(dom.split('.')[0]!)) found.browser = `uses \`${dom}\``;
  // JSX in a file that loads a server package is server rendering (hono/jsx, an SSR handler).
  else if (jsx && !loadsServer) found.browser = 'renders JSX';
  return found;
}

function startOf(
  ts: TypeScript,
  node: TS.CallExpression | TS.NewExpression,
  sourceFile: TS.SourceFile,
  bindings: ReadonlyMap<string, Ref>,
  loaded: ReadonlySet<string>,
  loadsServer: boolean,
): Start | undefined {
  const callee = skipOuter(ts, node.expression);
  const args = node.arguments ?? [];
  const how = ts.isNewExpression(node) ? 'new' : 'call';
  const shown = () => calleeText(ts, callee, sourceFile);
  const ref = resolveRef(ts, callee, bindings);
  if (ref) {
    const member = ref.path.join('.');
    const row = STARTS.find((r) => r.how === how && r.member === member && r.modules.includes(ref.module));
    if (row) {
      const text = shown();
      const what = how === 'new' ? `creates \`new ${text}(…)\`` : `calls \`${text}(…)\``;
      const from = text.toLowerCase().includes(ref.module.toLowerCase()) ? '' : ` (${ref.module})`;
      return { fact: { kind: row.kind, why: what + from, certain: true }, resolved: true };
    }
  }
  if (how !== 'call' || !ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = skipOuter(ts, callee.expression);
  // Bun.serve(…), Deno.serve(…): server runtimes, unambiguous.
  if (method === 'serve' && ts.isIdentifier(receiver) && (receiver.text === 'Bun' || receiver.text === 'Deno')) {
    return {
      fact: { kind: 'server-start', why: `calls \`${receiver.text}.serve(…)\``, certain: true },
      resolved: true,
      global: receiver.text,
    };
  }
  // `express().listen(port)`, but not `module().listen(event, handler)`: a call's result listens only
  // in a file that loads a server package.
  if (method === 'listen' && listensOn(ts, args[0]) && (loadsServer || !ts.isCallExpression(receiver))) {
    return { fact: { kind: 'server-start', why: `calls \`${shown()}(…)\``, certain: loadsServer }, resolved: false };
  }
  // consumer.run({ eachMessage }) (kafkajs)
  if (method === 'run' && args.length === 1) {
    const options = skipOuter(ts, args[0]!);
    const each = ts.isObjectLiteralExpression(options)
      ? options.properties.map((p) => nameText(ts, p.name)).find((n) => n === 'eachMessage' || n === 'eachBatch')
      : undefined;
    if (each !== undefined)
      return {
        fact: { kind: 'worker', why: `calls \`${shown()}({ ${each} })\` (kafkajs)`, certain: false },
        resolved: false,
      };
  }
  // queue.process(job => …) with bull, boss.work('q', fn) with pg-boss, channel.consume('q', fn) with amqplib
  const module = CONSUMER_METHODS.find((c) => c.method === method)?.modules.find((m) => loaded.has(m));
  const last = args.length > 0 ? skipOuter(ts, args[args.length - 1]!) : undefined;
  if (
    module !== undefined &&
    last &&
    (ts.isArrowFunction(last) ||
      ts.isFunctionExpression(last) ||
      ts.isIdentifier(last) ||
      ts.isPropertyAccessExpression(last))
  ) {
    return { fact: { kind: 'worker', why: `calls \`${shown()}(…)\` (${module})`, certain: false }, resolved: false };
  }
  return undefined;
}

/**
 * Whether `x.listen(arg)` listens on a port, a socket path or an options object: not
 * `history.listen(fn)`, not `emitter.listen('change', fn)`, not `service.listen()`.
 */
function listensOn(ts: TypeScript, first: TS.Expression | undefined): boolean {
  if (!first) return false;
  const arg = skipOuter(ts, first);
  if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) return false;
  const literal = stringValue(ts, arg);
  return literal === undefined || /^\d+$|[/\\]/.test(literal);
}

/** `app.listen`, `this.server.listen`; long receivers shortened: `….listen`. */
function calleeText(ts: TypeScript, callee: TS.Expression, sourceFile: TS.SourceFile): string {
  const full = callee.getText(sourceFile).replace(/\s+/g, '');
  if (full.length <= 40) return full;
  return ts.isPropertyAccessExpression(callee) ? `….${callee.name.text}` : '…';
}

function frameworkEntry(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  prologue: string[],
  options: ScopeFactsOptions,
): EntryFact | undefined {
  const fileName = sourceFile.fileName.replace(/\\/g, '/');
  const packagePath = options.packagePath ?? fileName;
  for (const { pattern, why, anchored } of FRAMEWORK_PATHS) {
    const base = anchored
      ? pattern.test(packagePath) && fileName.endsWith(packagePath)
        ? fileName.slice(0, fileName.length - packagePath.length)
        : undefined
      : conventionBase(pattern, fileName);
    if (base !== undefined) return { kind: 'framework', why, certain: false, base };
  }
  if (prologue.includes('use server'))
    return { kind: 'framework', why: "`'use server'` (server actions)", certain: false };
  // export default { fetch(request) { … } }
  const workers = sourceFile.statements.some(
    (s) =>
      ts.isExportAssignment(s) &&
      !s.isExportEquals &&
      ts.isObjectLiteralExpression(skipOuter(ts, s.expression)) &&
      (skipOuter(ts, s.expression) as TS.ObjectLiteralExpression).properties.some(
        (p) => nameText(ts, p.name) === 'fetch',
      ),
  );
  return workers
    ? { kind: 'framework', why: 'exports a Workers `fetch` handler (`export default { fetch }`)', certain: false }
    : undefined;
}

/** Where a `(^|/)…` path pattern starts matching in a file name (`/repo/src/` for `app/…`), if it matches. */
function conventionBase(pattern: RegExp, fileName: string): string | undefined {
  const match = pattern.exec(fileName);
  return match ? fileName.slice(0, match.index + (match[1]?.length ?? 0)) : undefined;
}

/** Exported value names: ESM declarations and lists, `export default`, CommonJS `exports.x =` and `module.exports = { x }`. */
function exportedNames(ts: TypeScript, sourceFile: TS.SourceFile): string[] {
  const names = new Set<string>();
  for (const s of sourceFile.statements) {
    const exported = ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault =
      ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (exported && (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s))) {
      if (isDefault) names.add('default');
      else if (s.name) names.add(s.name.text);
    } else if (exported && ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    } else if (ts.isExportAssignment(s)) {
      if (!s.isExportEquals) names.add('default');
    } else if (ts.isExportDeclaration(s) && !s.isTypeOnly && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements) if (!e.isTypeOnly) names.add(nameText(ts, e.name) ?? '');
    } else if (
      ts.isExpressionStatement(s) &&
      ts.isBinaryExpression(s.expression) &&
      s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken
    ) {
      for (const name of commonJsExports(ts, s.expression)) names.add(name);
    }
  }
  names.delete('');
  return [...names];
}

// exports.x = …, module.exports.x = …, module.exports = { x, y }, module.exports = fn
function commonJsExports(ts: TypeScript, assignment: TS.BinaryExpression): string[] {
  const target = skipOuter(ts, assignment.left);
  const isModuleExports = (e: TS.Expression) =>
    ts.isPropertyAccessExpression(e) &&
    ts.isIdentifier(e.expression) &&
    e.expression.text === 'module' &&
    e.name.text === 'exports';
  if (isModuleExports(target)) {
    const value = skipOuter(ts, assignment.right);
    if (!ts.isObjectLiteralExpression(value)) return ['default'];
    return value.properties.map((p) => nameText(ts, p.name) ?? '').filter(Boolean);
  }
  if (ts.isPropertyAccessExpression(target)) {
    const base = skipOuter(ts, target.expression);
    if ((ts.isIdentifier(base) && base.text === 'exports') || isModuleExports(base)) return [target.name.text];
  }
  return [];
}

/**
 * A Next.js page with `getServerSideProps` (…) or a Remix route with `loader`/`action`. Marks
 * the imports only those functions use (with the top-level helpers only they use) as `server`.
 */
function pageEntry(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  exports: readonly string[],
  imports: ReadonlyMap<string, ImportFact>,
): EntryFact | undefined {
  const fileName = sourceFile.fileName.replace(/\\/g, '/');
  for (const page of PAGE_PATHS) {
    const base = conventionBase(page.pattern, fileName);
    if (base === undefined) continue;
    const serverExports = page.exports.filter((name) => exports.includes(name) || assignsStatic(ts, sourceFile, name));
    if (serverExports.length === 0) continue;
    for (const specifier of serverOnlyImports(ts, sourceFile, serverExports)) {
      const fact = imports.get(specifier);
      if (fact && !fact.typeOnly) fact.server = true;
    }
    const list = serverExports.map((name) => `\`${name}\``).join(', ');
    return { kind: 'page', why: `${page.framework} exporting ${list}`, certain: false, base };
  }
  return undefined;
}

// Page.getInitialProps = async (ctx) => …
function assignsStatic(ts: TypeScript, sourceFile: TS.SourceFile, name: string): boolean {
  return sourceFile.statements.some((s) => staticAssigned(ts, s) === name);
}

function staticAssigned(ts: TypeScript, s: TS.Statement): string | undefined {
  if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression)) return undefined;
  if (s.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const left = skipOuter(ts, s.expression.left);
  return ts.isPropertyAccessExpression(left) ? left.name.text : undefined;
}

/**
 * The specifiers whose imported names are used only inside the server functions, or inside
 * top-level declarations used only there (to a fixed point, as the frameworks' own pruning of
 * server code from the browser bundle does). Type positions are not uses.
 */
function serverOnlyImports(ts: TypeScript, sourceFile: TS.SourceFile, serverNames: readonly string[]): string[] {
  // Each top-level statement is a unit; its uses are the identifiers it mentions.
  interface Unit {
    statement: TS.Statement;
    declares: string[];
    uses: Set<string>;
  }
  const units: Unit[] = sourceFile.statements.map((statement) => ({
    statement,
    declares: declaredNames(ts, statement),
    uses: new Set<string>(),
  }));
  const usersOf = new Map<string, Unit[]>();
  const declarersOf = new Map<string, Unit[]>();
  const importOf = new Map<string, string>(); // local name → specifier
  for (const unit of units) {
    const s = unit.statement;
    if (ts.isImportDeclaration(s)) {
      const specifier = stringValue(ts, s.moduleSpecifier);
      if (specifier !== undefined) for (const name of unit.declares) importOf.set(name, specifier);
      continue;
    }
    collectUses(ts, s, unit.uses);
    for (const name of unit.uses) if (!unit.declares.includes(name)) listFor(usersOf, name).push(unit);
    for (const name of unit.declares) listFor(declarersOf, name).push(unit);
  }
  const server = new Set(
    units.filter(
      (u) =>
        u.declares.some((n) => serverNames.includes(n)) || serverNames.includes(staticAssigned(ts, u.statement) ?? ''),
    ),
  );
  const usedOnlyByServer = (name: string) => {
    const users = usersOf.get(name) ?? [];
    return users.length > 0 && users.every((u) => server.has(u));
  };
  // A declaration joins when every use of it is in server code; then the declarations it uses may join.
  const work = [...server];
  while (work.length > 0) {
    const unit = work.pop()!;
    for (const name of unit.uses) {
      for (const candidate of declarersOf.get(name) ?? []) {
        if (server.has(candidate) || !candidate.declares.every(usedOnlyByServer)) continue;
        server.add(candidate);
        work.push(candidate);
      }
    }
  }
  const result = new Set<string>();
  const notServer = new Set<string>();
  for (const [name, specifier] of importOf) (usedOnlyByServer(name) ? result : notServer).add(specifier);
  return [...result].filter((s) => !notServer.has(s));
}

function listFor<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function declaredNames(ts: TypeScript, s: TS.Statement): string[] {
  if (ts.isImportDeclaration(s)) {
    const clause = s.importClause;
    if (!clause || clause.isTypeOnly) return [];
    const names = clause.name ? [clause.name.text] : [];
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named)) names.push(named.name.text);
    else if (named) for (const e of named.elements) if (!e.isTypeOnly) names.push(e.name.text);
    return names;
  }
  if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) return [s.name.text];
  if (ts.isVariableStatement(s))
    return s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  return [];
}

/** Identifiers a statement mentions as values (not property names, not in types). */
function collectUses(ts: TypeScript, statement: TS.Statement, uses: Set<string>): void {
  const notUses = new Set<TS.Node>();
  walk(ts, statement, (node) => {
    if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return false;
    if (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) return false;
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return false;
    if (ts.isExportDeclaration(node) && !node.moduleSpecifier) return false;
    if (ts.isIdentifier(node)) {
      if (!notUses.has(node)) uses.add(node.text);
      return;
    }
    if (
      ts.isPropertyAccessExpression(node) ||
      ts.isPropertyAssignment(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isPropertyDeclaration(node)
    ) {
      notUses.add(node.name);
    } else if (ts.isJsxAttribute(node)) notUses.add(node.name);
    else if (ts.isBindingElement(node) && node.propertyName) notUses.add(node.propertyName);
    return undefined;
  });
}
