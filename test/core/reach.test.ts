import { describe, expect, it } from 'vitest';
import { lint, messages } from './util.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('request-time analysis', () => {
  it('a write inside a route handler is request time', () => {
    const code = lines(
      "import express from 'express';",
      'const app = express();',
      'const seen = new Set();',
      "app.get('/', (req, res) => { seen.add(req.ip); res.end(); });",
    );
    expect(lint(code)).toEqual(['3:module-state']);
  });

  it('writes at top level, in a top-level loop, IIFE, .then or listen callback are load time', () => {
    const code = lines(
      "import express from 'express';",
      'const app = express();',
      'const routes = new Map();',
      "for (const r of ['a', 'b']) routes.set(r, r.length);",
      "['c'].forEach((r) => routes.set(r, 1));",
      "(() => { routes.set('d', 1); })();",
      "Promise.resolve().then(() => routes.set('e', 1));",
      "app.listen(3000, () => { routes.set('f', 1); });",
      "app.get('/', (req, res) => res.json(routes.get('a')));",
    );
    expect(lint(code)).toEqual([]);
  });

  it('the factory a UMD wrapper calls is load time; a callback of an unknown function is not', () => {
    const umd = lines(
      'var __assign;',
      'var __extends;',
      '(function (factory) {',
      '  var root = typeof global === "object" ? global : {};',
      '  factory(function (id, v) { return (root[id] = v); });',
      '})(function (exporter) {',
      '  __assign = Object.assign;',
      '  __extends = function (d, b) { d.prototype = Object.create(b.prototype); };',
      '  exporter("__assign", __assign);',
      '});',
    );
    expect(lint(umd, 'src/helpers.js')).toEqual([]);
    expect(lint(umd.replace('})(function (exporter)', '}); register(function (exporter)'), 'src/helpers.js')).toEqual([
      '1:module-state',
      '2:module-state',
    ]);
  });

  it('a local helper only called at load time is load time, even through other helpers', () => {
    const code = lines(
      'const registry = new Map();',
      'function register(name, fn) { registry.set(name, fn); }',
      'function registerAll() { register("a", () => 1); register("b", () => 2); }',
      'registerAll();',
      'export function handler(req) { return registry.get(req.name)?.(); }',
    );
    expect(lint(code, 'src/registry.js')).toEqual([]);
  });

  it('a helper named like a start-up function is request time when a request-time caller calls it', () => {
    const code = lines(
      'const installed = new Set();',
      'async function installModule(name) { installed.add(name); }',
      'export async function checkDependencies(flow) { for (const n of flow) await installModule(n); }',
    );
    expect(lint(code, 'src/modules.js')).toEqual(['1:module-state']);
  });

  it('the same helper called from a handler is request time', () => {
    const code = lines(
      "import express from 'express';",
      'const app = express();',
      'const registry = new Map();',
      'function register(name, fn) { registry.set(name, fn); }',
      'register("a", () => 1);',
      "app.post('/register', (req, res) => { register(req.body.name, () => 2); res.end(); });",
    );
    expect(lint(code, 'src/registry.js')).toEqual(['3:module-state']);
  });

  it('an exported function has unknown callers and counts as request time', () => {
    const code = lines('const totals = {};', 'export function record(key) { totals[key] = (totals[key] ?? 0) + 1; }');
    expect(lint(code)).toEqual(['1:module-state']);
  });

  it('CommonJS module.exports makes a function reachable', () => {
    const code = lines('let count = 0;', 'function bump() { count++; }', 'module.exports = { bump };');
    expect(lint(code, 'src/count.js')).toEqual(['1:module-state']);
  });

  it('a dead function writes nothing at request time', () => {
    const code = lines('const list = [];', 'function never() { list.push(1); }');
    expect(lint(code)).toEqual([]);
  });

  it('lazy client singletons are not state; a guarded flag that returns something else is', () => {
    const lazy = lines(
      "import { createClient } from 'redis';",
      'let client;',
      'export async function getClient() {',
      '  if (!client) { client = createClient(); await client.connect(); }',
      '  return client;',
      '}',
      'let cfg;',
      'export function config() { if (cfg) return cfg; cfg = load(); return cfg; }',
      'let db;',
      'export const getDb = () => (db ??= open());',
    );
    expect(lint(lazy)).toEqual([]);
    const flag = lines(
      'let running = false;',
      'export async function sync() {',
      '  if (running) return false;',
      '  running = true;',
      '}',
    );
    expect(lint(flag)).toEqual(['1:process-lock']);
  });

  it('setInterval at start-up is a scheduler; a per-connection heartbeat inside a handler is not', () => {
    const code = lines(
      "import express from 'express';",
      'const app = express();',
      'setInterval(() => console.log("tick"), 1000);',
      "app.get('/events', (req, res) => {",
      '  const beat = setInterval(() => res.write(":\\n\\n"), 15000);',
      "  req.on('close', () => clearInterval(beat));",
      '});',
    );
    expect(lint(code)).toEqual(['3:in-process-scheduler']);
  });

  it('Nest controllers handle requests; lifecycle hooks run at start-up', () => {
    const code = lines(
      "import { Controller, Get, Injectable, OnModuleInit } from '@nestjs/common';",
      '@Injectable()',
      'export class Warmup implements OnModuleInit {',
      '  private readonly seen = new Set<string>();',
      "  onModuleInit() { this.seen.add('boot'); }",
      '}',
      "@Controller('x')",
      'export class XController {',
      '  private hits = 0;',
      '  @Get() get() { this.hits++; return this.hits; }',
      '}',
    );
    expect(lint(code)).toEqual(['9:module-state']);
  });

  it('request-scoped Nest providers are not singletons', () => {
    const code = lines(
      "import { Injectable, Scope } from '@nestjs/common';",
      '@Injectable({ scope: Scope.REQUEST })',
      'export class PerRequest {',
      '  private readonly loaded = new Map<string, unknown>();',
      '  remember(k: string, v: unknown) { this.loaded.set(k, v); }',
      '}',
    );
    expect(lint(code)).toEqual([]);
  });

  it('the finding names the state and lists request-time writes as related locations', () => {
    const code = lines(
      "import express from 'express';",
      'const app = express();',
      'const hits = new Map();',
      "app.get('/', (req, res) => { hits.set(req.ip, (hits.get(req.ip) ?? 0) + 1); res.end(); });",
    );
    const [message] = messages(code);
    expect(message).toContain('`hits`');
    expect(message).toMatch(/Redis/);
  });
});

describe('start-up entry points and injected dependencies', () => {
  it('an exported init/setup/configure function is start-up code', () => {
    const code = lines(
      'let runtime;',
      'let settings;',
      'module.exports = {',
      '  init: function (_runtime) { runtime = _runtime; settings = _runtime.settings; },',
      '  getFlows: async function (opts) { runtime.settings.set("x", opts.v); delete runtime.settings.safeMode; return settings; },',
      '};',
      'exports.setupRoutes = function (app) { settings = app.settings; };',
      'export function configureCache(opts) { settings = opts; }',
    );
    expect(lint(code, 'src/api.js')).toEqual([]);
  });

  it('a start-up name marked private is start-up code too (how cyclic dependencies are injected)', () => {
    const code = lines(
      'var Type; // cyclic',
      'function Namespace(name) { this.name = name; }',
      'module.exports = Namespace;',
      'Namespace.prototype.define = function (name) { return new Type(name); };',
      'Namespace._configure = function (Type_) { Type = Type_; };',
    );
    expect(lint(code, 'src/namespace.js')).toEqual([]);
    expect(lint(code.replace('_configure', '_register'), 'src/namespace.js')).toEqual(['1:module-state']);
  });

  it('a request-time name is not', () => {
    const code = lines('let lastUser;', 'export function recordLogin(user) { lastUser = user; }');
    expect(lint(code)).toEqual(['1:module-state']);
  });

  it('a Map field declared bare and created in the constructor of a singleton is state', () => {
    const code = lines(
      "import { Injectable } from '@nestjs/common';",
      '@Injectable()',
      'export class Presence {',
      '  private online: Map<string, number>;',
      '  constructor() { this.online = new Map(); }',
      '  seen(id: string) { this.online.set(id, Date.now()); }',
      '}',
    );
    expect(lint(code)).toEqual(['4:module-state']);
  });
});

describe('handles and resettable singletons', () => {
  it('`x || (x = create())` is a lazy initialisation, as `x ||= create()` is', () => {
    const code = lines(
      'let elementType;',
      'export function element(props) {',
      '  elementType || (elementType = Symbol.for("react.element"));',
      '  return { $$typeof: elementType, props };',
      '}',
    );
    expect(lint(code, 'src/jsx.js')).toEqual([]);
    expect(lint(code.replace('elementType || (', 'props.ready || ('), 'src/jsx.js')).toEqual(['1:module-state']);
  });

  it('a write guarded by `ready && !x` is a lazy initialisation', () => {
    const code = lines(
      'let themeLoaded = false;',
      'export function render(theme) {',
      '  if (theme && !themeLoaded) {',
      '    themeLoaded = true;',
      '  }',
      '}',
    );
    expect(lint(code, 'src/theme.js')).toEqual([]);
    expect(lint(code.replace('theme && !themeLoaded', 'theme'), 'src/theme.js')).toEqual(['1:module-state']);
  });

  it('a function variable that replaces itself with code on its first call holds code, not data', () => {
    const code = lines(
      'var extendStatics = function (d, b) {',
      '  extendStatics = Object.setPrototypeOf || ({ __proto__: [] } instanceof Array && function (d, b) { d.__proto__ = b; }) || function (d, b) { Object.assign(d, b); };',
      '  return extendStatics(d, b);',
      '};',
      'export function inherit(d, b) { extendStatics(d, b); }',
    );
    expect(lint(code, 'src/extend.js')).toEqual([]);
    // TypeScript's emitted helper falls back to such a function.
    const emitted = lines(
      'var __assign = (this && this.__assign) || function () {',
      '  __assign = Object.assign || function (t) { for (var i = 1; i < arguments.length; i++) Object.keys(arguments[i]).forEach(function (k) { t[k] = arguments[i][k]; }); return t; };',
      '  return __assign.apply(this, arguments);',
      '};',
      'exports.merge = function (a, b) { return __assign({}, a, b); };',
    );
    expect(lint(emitted, 'src/merge.js')).toEqual([]);
    // Data written by the function, or code chosen elsewhere per call, is state.
    expect(
      lint(code.replace('extendStatics = Object.setPrototypeOf ||', 'extendStatics = b.handler ||'), 'src/extend.js'),
    ).toEqual(['1:module-state']);
    expect(
      lint(
        code.replace('{ extendStatics(d, b); }', '{ extendStatics = d.fast ? function () {} : b; }'),
        'src/extend.js',
      ),
    ).toEqual(['1:module-state']);
  });

  it('a timer handle is not state (the timer itself is reported by the scheduler rule)', () => {
    const code = lines(
      'let poller;',
      'export function startPolling() { poller = setInterval(() => {}, 1000); }',
      'export function stopPolling() { clearInterval(poller); }',
    );
    expect(lint(code)).toEqual(['2:in-process-scheduler']);
  });

  it('a timer or client handle that is also reset to null is still a handle', () => {
    const timer = lines(
      'let runningTimer = null;',
      'export function schedule(ms) { runningTimer = setInterval(() => {}, ms); }',
      'export function stop() { clearInterval(runningTimer); runningTimer = null; }',
    );
    expect(lint(timer)).toEqual(['2:in-process-scheduler']);
    const client = lines(
      "import Redis from 'ioredis';",
      'let client;',
      'export function connect(url) { client = new Redis(url); }',
      'export async function disconnect() { await client.quit(); client = null; }',
    );
    expect(lint(client)).toEqual([]);
    const user = lines(
      'let current;',
      'export function signIn(user) { current = user; }',
      'export function signOut() { current = null; }',
    );
    expect(lint(user)).toEqual(['1:module-state']);
  });

  it('a lazily created resource that is reset to null on close is a lazy singleton', () => {
    const code = lines(
      'let browser = null;',
      'export async function getBrowser() { if (!browser) { browser = await launch(); } return browser; }',
      'export async function reset() { if (browser) { await browser.close(); browser = null; } }',
    );
    expect(lint(code)).toEqual([]);
  });

  it('a value swapped at request time is state even if it is also reset', () => {
    const code = lines(
      'let current = null;',
      'export function use(user) { current = user; }',
      'export function clear() { current = null; }',
    );
    expect(lint(code)).toEqual(['1:module-state']);
  });
});

describe('completion callbacks run in their caller’s context', () => {
  it('an error-first callback at start-up is start-up code; a request handler is not one', () => {
    const code = lines(
      "const fs = require('fs');",
      "const express = require('express');",
      'const app = express();',
      'const templates = new Map();',
      "fs.readdir('views', (err, files) => { for (const f of files) templates.set(f, 1); });",
      'const hashes = {};',
      "hash('admin', 10, function (error, h) { hashes.admin = h; });",
      'const collections = [];',
      "connect('mongodb://db', (e, client) => { collections.push(client.db().collection('a')); });",
      'const seen = new Set();',
      "app.get('/', (req, res) => { seen.add(req.query.page); res.end(); });",
      // Error middleware and error handlers take the error first, and the request after it.
      'const lastErrors = [];',
      'app.use((err, req, res, next) => { lastErrors.push(err.message); next(err); });',
      'const failures = [];',
      'server.setErrorHandler((error, request, reply) => { failures.push(error); reply.send(); });',
      'app.listen(3000);',
    );
    expect(lint(code, 'src/app.js')).toEqual(['10:module-state', '12:module-state', '14:module-state']);
  });

  it('a named error-first callback too; inside a handler it runs per request', () => {
    const code = lines(
      "import fs from 'node:fs';",
      "import express from 'express';",
      'const app = express();',
      'const loaded = new Map();',
      'function onRead(err, text) { loaded.set("x", text); }',
      "fs.readFile('x.json', 'utf8', onRead);",
      'const uploads = new Map();',
      "app.post('/', (req, res) => { fs.stat(req.body.path, (err, st) => { uploads.set(req.body.path, st); res.end(); }); });",
    );
    expect(lint(code)).toEqual(['7:module-state']);
  });

  it('the callback of a node-style API is a completion callback whatever its parameters are named', () => {
    const code = lines(
      "import crypto from 'node:crypto';",
      "import bcrypt from 'bcrypt';",
      'const keys = {};',
      "crypto.randomBytes(32, (ex, buf) => { keys.session = buf.toString('hex'); });",
      'bcrypt.genSalt(10, (problem, salt) => { keys.salt = salt; });',
      'const other = {};',
      "register('x', (ex, buf) => { other.x = buf; });",
    );
    expect(lint(code)).toEqual(['6:module-state']);
  });

  it("one-shot events ('end', 'finish', `once`) run in the listening code's context; repeating ones per event", () => {
    const code = lines(
      "import fs from 'node:fs';",
      'const chunks = [];',
      "const input = fs.createReadStream('seed.csv');",
      "input.on('end', () => { chunks.push('done'); });",
      "input.once('data', (c) => { chunks.push(c); });",
      "process.stdout.on('finish', () => { chunks.length = 0; });",
      'const lines = [];',
      "input.on('data', (c) => { lines.push(c); });",
    );
    expect(lint(code)).toEqual(['7:module-state']);
  });
});

describe('private methods take their context from their own class', () => {
  it('a private method called from the constructor of a singleton provider is start-up code', () => {
    const code = lines(
      "import { Injectable } from '@nestjs/common';",
      '@Injectable()',
      'export class Catalog {',
      '  private readonly items = new Map<string, number>();',
      '  private readonly tags = new Map<string, number>();',
      '  private readonly seen = new Set<string>();',
      '  constructor() { this.load(); this.#warm(); }',
      "  private load() { this.items.set('a', 1); }",
      "  #warm() { this.tags.set('b', 2); }",
      '  find(id: string) { this.track(id); return this.items.get(id); }',
      '  private track(id: string) { this.seen.add(id); }',
      '}',
    );
    expect(lint(code)).toEqual(['6:module-state']);
  });

  it('a private method called from a decorated handler runs when the handler does', () => {
    const code = lines(
      "import { Controller, Get, Injectable } from '@nestjs/common';",
      "import { Cron } from '@nestjs/schedule';",
      "@Controller('x')",
      'export class StatsController {',
      '  private hits = 0;',
      '  private lastSweep = 0;',
      '  @Get() get() { this.count(); return this.hits; }',
      '  @Cron("* * * * *") sweep() { this.mark(); }',
      '  private count() { this.hits++; }',
      '  private mark() { this.lastSweep = Date.now(); }',
      '}',
    );
    // (The `@Cron` decorator is a scheduler of its own.)
    expect(lint(code)).toEqual(['5:module-state', '8:in-process-scheduler']);
  });

  it('a private static method called from a static start-up method is start-up code', () => {
    const code = lines(
      'export class Registry {',
      '  static readonly plugins = new Map<string, unknown>();',
      '  static readonly jobs: string[] = [];',
      "  static boot() { Registry.register('core'); this.#queue('warm'); }",
      '  private static register(name: string) { this.plugins.set(name, {}); }',
      '  static #queue(job: string) { Registry.jobs.push(job); }',
      '}',
      'Registry.boot();',
    );
    expect(lint(code)).toEqual([]);
    // Not private: anyone may call it, at request time.
    expect(lint(code.replace('private static register', 'static register'))).toEqual(['2:module-state']);
  });

  it('a `_helper` called only through `this` is private by convention; a stream’s `_transform` is not', () => {
    const code = lines(
      'const cache = {};',
      'class Settings {',
      '  constructor() { this._fill(); }',
      '  _fill() { cache.theme = "dark"; }',
      '}',
      'export default new Settings();',
      "import { Transform } from 'node:stream';",
      'const counts = {};',
      'export class Counter extends Transform {',
      '  constructor() { super(); this._count(); }',
      '  _count() { counts.n = (counts.n ?? 0) + 1; }',
      '}',
    );
    expect(lint(code)).toEqual(['8:module-state']);
  });

  it('a private getter runs where it is read', () => {
    const code = lines(
      "import { Injectable } from '@nestjs/common';",
      '@Injectable()',
      'export class Menu {',
      '  private readonly opened = new Set<number>();',
      '  constructor() { console.log(this.stamp.size); }',
      '  private get stamp() { this.opened.add(Date.now()); return this.opened; }',
      '}',
    );
    expect(lint(code)).toEqual([]);
    expect(lint(code.replace('}\n}', '}\n  visit() { return this.stamp.size; }\n}'))).toEqual(['4:module-state']);
  });

  it('a method passed as a listener runs when the event fires, not when it is passed', () => {
    const code = lines(
      "import { EventEmitter } from 'node:events';",
      'const bus = new EventEmitter();',
      'const online = new Set();',
      'class Presence {',
      "  constructor() { this.onJoin = this.onJoin.bind(this); bus.on('join', this.onJoin); }",
      '  private onJoin(id) { online.add(id); }',
      '}',
      'const presence = new Presence();',
    );
    expect(lint(code)).toEqual(['3:module-state']);
  });
});

describe('exported class expressions are live code', () => {
  it('`module.exports = class X {…}`: its methods run', () => {
    const code = lines(
      'const drafts = new Map();',
      'module.exports = class Drafts {',
      '  set(id, data) { drafts.set(id, data); }',
      '};',
    );
    expect(lint(code, 'src/store.js')).toEqual(['1:module-state']);
  });

  it('`export const X = class {…}` and a class passed on', () => {
    const code = lines(
      'const a = new Map();',
      'export const First = class First { set(k, v) { a.set(k, v); } };',
      'const b = new Map();',
      'registerStore(class Second { set(k, v) { b.set(k, v); } });',
    );
    expect(lint(code, 'src/stores.js')).toEqual(['1:module-state', '3:module-state']);
  });
});

describe('functions stored where the file calls them', () => {
  it('functions kept in a local array run where the array is iterated', () => {
    const code = lines(
      "import express from 'express';",
      'const app = express();',
      'const loaded = new Map();',
      "function loadA() { loaded.set('a', 1); }",
      "const loaders = [loadA, () => loaded.set('b', 2)];",
      'for (const load of loaders) load();',
      'const pages = new Set();',
      'function notePage(req) { pages.add(req.query.page); }',
      'const notes = [notePage];',
      "app.get('/', (req, res) => { notes.forEach((note) => note(req)); res.end(); });",
      'app.listen(3000);',
    );
    expect(lint(code)).toEqual(['7:module-state']);
  });

  it('a function assigned to a member runs where the file calls the member; an `onX` member the file never calls is a listener', () => {
    const code = lines(
      'const boot = new Set();',
      'const hooks = {};',
      "hooks.onReady = () => boot.add('x');",
      'hooks.onReady();',
      'class Runner {',
      "  constructor() { this.handler = () => boot.add('y'); this.handler(); }",
      '}',
      'new Runner();',
      'const messages = [];',
      "const ws = new WebSocket('wss://feed');",
      'ws.onmessage = (m) => messages.push(m.data);',
      'const closed = [];',
      'ws.onclose = () => closed.push(Date.now());',
    );
    expect(lint(code)).toEqual(['9:module-state']);
  });

  it('a member assigned from itself or through a cycle of members ends, and keeps the context of its calls', () => {
    const code = lines(
      "import express from 'express';",
      'const app = express();',
      'const seen = new Set();',
      'const api = {};',
      'const other = {};',
      'api.default = (u) => seen.add(u);',
      'api.default = api.default;',
      'other.fn = api.fn;',
      'api.fn = other.fn;',
      "app.get('/', (req, res) => { api.default(req.query.u); res.end(); });",
      'app.listen(3000);',
    );
    expect(lint(code)).toEqual(['3:module-state']);
  });
});

describe('timers that re-arm themselves are schedulers', () => {
  it('a method that sets a timeout calling itself, directly, through another method or bound', () => {
    const code = lines(
      'class Poller {',
      '  constructor() { this.poll(); }',
      '  poll() { setTimeout(() => this.poll(), 1000); }',
      '}',
      'new Poller();',
      'class Heart {',
      '  start() { this.beat(); }',
      '  beat() { setTimeout(() => this.safeBeat(), 1000); }',
      '  async safeBeat() { try { await this.beat(); } catch {} }',
      '}',
      'new Heart().start();',
      'class Invoker {',
      '  constructor() { this.invoke(); }',
      '  invoke() { setTimeout(this.invoke.bind(this), 1000); }',
      '}',
      'new Invoker();',
      'function once() { setTimeout(() => console.log("x"), 10); }',
      'once();',
      // No delay: the next turn of the event loop, a queue drained step by step, not a schedule.
      'class Queue {',
      '  constructor() { this.drain(); }',
      '  drain() { setTimeout(() => this.drain()); }',
      '}',
      'new Queue();',
    );
    expect(lint(code)).toEqual(['3:in-process-scheduler', '8:in-process-scheduler', '14:in-process-scheduler']);
  });

  it('timers of packages that re-export them (long-timeout, safe-timers, unlimited-timeout)', () => {
    const code = lines(
      "import lt from 'long-timeout';",
      "import { setTimeout as later } from 'unlimited-timeout';",
      "import * as safe from 'safe-timers';",
      'lt.setInterval(() => {}, 1000);',
      'function tick() { later(tick, 1000); }',
      'tick();',
      'safe.setInterval(() => {}, 5000);',
      'later(() => {}, 10);',
    );
    expect(lint(code)).toEqual(['4:in-process-scheduler', '5:in-process-scheduler', '7:in-process-scheduler']);
  });
});

describe('names from the scanned code', () => {
  it('a package named `constructor` or `__proto__` is no node-style API and no timer package', () => {
    const code = lines(
      "const lib = require('constructor');",
      "const proto = require('__proto__');",
      'const seen = new Set();',
      "lib.valueOf('x', (err, v) => { seen.add(v); });",
      "proto.toString(() => { seen.add('t'); }, 1000);",
      'export function handle(req) { lib.toString(req.id, (value) => seen.add(value)); }',
    );
    expect(lint(code)).toEqual(['3:module-state']);
  });
});
