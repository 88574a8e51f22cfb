import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Binder } from '../../core/binder.js';
import { formatPath, ImportResolver } from '../../core/imports.js';
import { parseSource } from '../../core/index.js';
import { lint } from './util.js';

/** Resolves the expression `probe` declared last in `code`: `const probe = <expr>`. */
function resolveProbe(code: string): string | undefined {
  const sf = parseSource(ts, 'probe.ts', code);
  const binder = new Binder(ts, sf);
  const resolver = new ImportResolver(ts, binder);
  const probe = binder.moduleScope().get('probe');
  const decl = probe?.declaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer) throw new Error('no probe');
  const ref = resolver.resolve(decl.initializer);
  return ref && `${ref.module}#${formatPath(ref.path)}`;
}

describe('ImportResolver', () => {
  it.each([
    ["import session from 'express-session'; const probe = session;", 'express-session#'],
    ["import { LRUCache as Cache } from 'lru-cache'; const probe = Cache;", 'lru-cache#LRUCache'],
    ["import * as cron from 'node-cron'; const probe = cron.schedule;", 'node-cron#schedule'],
    ["import fs from 'node:fs'; const probe = fs.promises.writeFile;", 'fs#promises.writeFile'],
    ["import { promises as fsp } from 'fs'; const probe = fsp.writeFile;", 'fs#promises.writeFile'],
    ["const session = require('express-session'); const probe = session.MemoryStore;", 'express-session#MemoryStore'],
    [
      "const { rateLimit: limit } = require('express-rate-limit'); const probe = limit;",
      'express-rate-limit#rateLimit',
    ],
    ["const { promises: { writeFile } } = require('fs'); const probe = writeFile;", 'fs#promises.writeFile'],
    ["const Mutex = require('async-mutex').Mutex; const probe = Mutex;", 'async-mutex#Mutex'],
    ["const probe = require('express-session')({ secret: 's' });", 'express-session#()'],
    [
      "const MemoryStore = require('memorystore')(require('express-session')); const probe = MemoryStore;",
      'memorystore#()',
    ],
    ["const sqlite3 = require('sqlite3').verbose(); const probe = sqlite3.Database;", 'sqlite3#verbose().Database'],
    ["import express = require('express'); const probe = express.Router;", 'express#Router'],
    ["import LRU from 'lru-cache'; const Alias = LRU; const probe = Alias;", 'lru-cache#'],
    ["const probe = (await import('node-cache')).default;", 'node-cache#'],
  ])('%s → %s', (code, expected) => {
    expect(resolveProbe(code)).toBe(expected);
  });

  it.each([
    ['class MemoryStore {} const probe = MemoryStore;'],
    ["function require(x: string) { return x } const probe = require('express-session');"],
    ["import session from 'express-session'; function f(session: unknown) { return session } const probe = f;"],
  ])('does not resolve a local look-alike: %s', (code) => {
    expect(resolveProbe(code)).toBeUndefined();
  });

  it('a parameter shadowing an import is not the import', () => {
    const code = [
      "import LRU from 'lru-cache';",
      'export function build(LRU: new () => unknown) {',
      '  return new LRU();',
      '}',
    ].join('\n');
    expect(lint(code)).toEqual([]);
  });

  it('a local class named like a library export is not flagged, the imported one is', () => {
    const local = 'class MemoryStore { }\nconst store = new MemoryStore();\nexport default store;\n';
    expect(lint(local)).toEqual([]);
    const imported =
      "import { MemoryStore } from 'express-rate-limit';\nconst store = new MemoryStore();\nexport default store;\n";
    expect(lint(imported)).toEqual(['2:memory-rate-limit']);
  });
});
