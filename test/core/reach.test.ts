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
