import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FileContext, type FileContextOptions } from '../../core/context.js';
import { parseSource, type TS } from '../../core/index.js';
import {
  catalogueModule,
  creations,
  entriesFor,
  entriesForModule,
  holderText,
  isClientPackage,
  judgeOptions,
  libraryCreation,
  namesPackage,
  objectLiteral,
  optionValue,
  typedStore,
  unsafeCreations,
  visible,
} from '../../core/library.js';

// What the catalogue (and the configuration's `packages`) makes of a file, asked of its context.

const lines = (...l: string[]) => `${l.join('\n')}\n`;

function context(code: string, packages: FileContextOptions['packages'] = {}) {
  return new FileContext(ts, parseSource(ts, 'src/app.ts', code), { packages });
}

/** The first node of a kind whose text starts with `text`. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the kind it asked for
function find<T extends TS.Node>(ctx: FileContext, kind: TS.SyntaxKind, text: string): T {
  const node = ctx.ofKinds(kind).find((n) => n.getText(ctx.sourceFile).startsWith(text));
  if (!node) throw new Error(`no node ${text}`);
  return node as T;
}

const call = (ctx: FileContext, text: string) => find<TS.CallExpression>(ctx, ts.SyntaxKind.CallExpression, text);
const created = (ctx: FileContext, text: string) => find<TS.NewExpression>(ctx, ts.SyntaxKind.NewExpression, text);
const labels = (list: readonly { entry: { label: string } }[]) => list.map((c) => c.entry.label);

describe('namesPackage', () => {
  it.each([
    ['lru-cache', true],
    ['node:fs/promises', true],
    ['@fastify/rate-limit', true],
    ['express', false],
    ['./cache', false],
  ])('%s: %s', (specifier, known) => {
    expect(namesPackage(specifier)).toBe(known);
  });

  it('knows the packages the configuration names, through their subpaths', () => {
    expect(namesPackage('@acme/cache/lru', { '@acme/cache': { category: 'process-cache' } })).toBe(true);
    expect(namesPackage('@acme/other', { '@acme/cache': { category: 'process-cache' } })).toBe(false);
  });
});

describe('entriesFor and libraryCreation', () => {
  it('resolve through imports and renames, not names', () => {
    const ctx = context(
      lines(
        "import { LRUCache as Cache } from 'lru-cache';",
        'class MemoryStore {}',
        'const a = new Cache({ max: 10 });',
        'const b = new MemoryStore();',
      ),
    );
    expect(entriesFor(ctx, created(ctx, 'new Cache')).map((e) => e.label)).toEqual(['lru-cache']);
    expect(entriesFor(ctx, created(ctx, 'new MemoryStore'))).toEqual([]);
    const init = find<TS.VariableDeclaration>(ctx, ts.SyntaxKind.VariableDeclaration, 'a =').initializer!;
    expect(libraryCreation(ctx, init)?.entry.label).toBe('lru-cache');
  });

  it('a plugin registration is its plugin', () => {
    const ctx = context(
      lines("import rateLimit from '@fastify/rate-limit';", 'fastify.register(rateLimit, { max: 100 });'),
    );
    expect(entriesFor(ctx, call(ctx, 'fastify.register')).map((e) => `${e.label} ${e.form}`)).toEqual([
      '@fastify/rate-limit register',
    ]);
  });

  it('a configured package is a creation of its category, for the exports named', () => {
    const code = lines("import { createCache, helper } from '@acme/cache';", 'const c = createCache();', 'helper();');
    const ctx = context(code, { '@acme/cache': { category: 'process-cache', exports: ['createCache'] } });
    expect(entriesFor(ctx, call(ctx, 'createCache')).map((e) => `${e.label} ${e.category}`)).toEqual([
      '@acme/cache process-cache',
    ]);
    expect(entriesFor(ctx, call(ctx, 'helper'))).toEqual([]);
  });

  it('a file that names no known package has no creations', () => {
    const ctx = context(lines('const { LRUCache } = globalThis.deps;', 'const c = new LRUCache();'));
    expect(creations(ctx)).toEqual([]);
  });

  it('entriesForModule lists every row of a package', () => {
    expect(entriesForModule(context(''), 'express-session').map((e) => e.label)).toEqual([
      'express-session',
      'express-session MemoryStore',
    ]);
  });
});

describe('creations and option judging', () => {
  const session = (options: string) =>
    context(
      lines(
        "import session, { MemoryStore } from 'express-session';",
        "import RedisStore from 'connect-redis';",
        'const store = new MemoryStore();',
        `app.use(session(${options}));`,
      ),
    );

  it('lists the creations in source order', () => {
    const ctx = session('{ store }');
    expect(labels(creations(ctx))).toEqual(['express-session MemoryStore', 'express-session']);
  });

  it('a shared store makes the options safe', () => {
    const ctx = session("{ store: new RedisStore({ client }), secret: 'x' }");
    expect(judgeOptions(ctx, creations(ctx)[1]!)).toEqual({ unsafe: false, stores: [] });
  });

  it('no store, or options it cannot see, are judged as they are', () => {
    const none = session("{ secret: 'x' }");
    expect(judgeOptions(none, creations(none)[1]!).unsafe).toBe(true);
    const spread = session('{ ...options }');
    expect(judgeOptions(spread, creations(spread)[1]!).unsafe).toBe(false);
  });

  it('a process-local store is unsafe, and is the store of the creation that takes it', () => {
    const ctx = session('{ store }');
    const [memoryStore, sessionCall] = creations(ctx);
    expect(judgeOptions(ctx, sessionCall!)).toEqual({ unsafe: true, stores: [memoryStore!.node] });
    // Reported once, with the session: the MemoryStore is not reported on its own.
    expect(labels(unsafeCreations(ctx))).toEqual(['express-session']);
  });

  it('a later fixing method call makes it safe (io.adapter)', () => {
    const code = (fix: string) =>
      context(lines("import { Server } from 'socket.io';", 'const io = new Server(httpServer);', fix));
    expect(unsafeCreations(code(''))).toHaveLength(1);
    expect(unsafeCreations(code('io.adapter(createAdapter(pub, sub));'))).toEqual([]);
  });
});

describe('objectLiteral and holderText', () => {
  it('objectLiteral follows a const to its object', () => {
    const ctx = context(lines('const options = { max: 1 };', 'use(options);', 'use(other);'));
    const [withConst, withOther] = ctx.calls.map((c) => objectLiteral(ctx, c.arguments[0]!));
    expect(withConst?.getText(ctx.sourceFile)).toBe('{ max: 1 }');
    expect(withOther).toBeUndefined();
  });

  it('holderText names what a created value is stored in', () => {
    const ctx = context(
      lines('const io = new A();', 'this.server = (new B()) as C;', 'class S { cache = new D(); }', 'use(new E());'),
    );
    expect(['new A', 'new B', 'new D', 'new E'].map((text) => holderText(ctx, created(ctx, text)))).toEqual([
      'io',
      'this.server',
      'this.cache',
      undefined,
    ]);
  });
});

describe('isClientPackage and typedStore', () => {
  it.each([
    ['ioredis', true],
    ['mysql2/promise', true],
    ['pg/lib/client', true],
    ['lru-cache', false],
  ])('%s is a client package: %s', (module, client) => {
    expect(isClientPackage(module)).toBe(client);
  });

  it('typedStore needs a type checker', () => {
    const ctx = context(lines("import { LRUCache } from 'lru-cache';", 'const c = new LRUCache({ max: 1 });'));
    expect(typedStore(ctx, created(ctx, 'new LRUCache'))).toBeUndefined();
  });
});

describe('options in sight', () => {
  it('optionValue reads through spreads of objects in sight, the last setting winning', () => {
    const ctx = context(
      lines(
        "const config = { limits: { api: { windowMs: 1, store: 'a' } } };",
        'const base = { ...config.limits.api, windowMs: 2 };',
        'use({ ...base, handler });',
        'use({ ...imported, handler });',
        "use({ store: 'b', ...imported });",
      ),
    );
    const [inSight, outOfSight, explicit] = ctx.calls.map((c) => objectLiteral(ctx, c.arguments[0]!)!);
    const text = (v: ReturnType<typeof optionValue>) =>
      v.presence === 'yes' ? v.value?.getText(ctx.sourceFile) : v.presence;
    expect(['store', 'windowMs', 'handler', 'max'].map((k) => text(optionValue(ctx, inSight!, k)))).toEqual([
      "'a'",
      '2',
      'handler',
      'no',
    ]);
    expect(['store', 'handler'].map((k) => text(optionValue(ctx, outOfSight!, k)))).toEqual(['maybe', 'handler']);
    expect(text(optionValue(ctx, explicit!, 'store'))).toBe("'b'");
  });

  it('visible follows consts and members of objects in sight, and stops where it cannot see', () => {
    const ctx = context(lines("const a = { b: { c: 'x' } };", 'const d = a.b;', 'use(d.c, a.e, other.c);'));
    const args = ctx.calls[0]!.arguments.map((arg) => visible(ctx, arg).getText(ctx.sourceFile));
    expect(args).toEqual(["'x'", 'a.e', 'other.c']);
  });
});

describe('packages aliases', () => {
  it('catalogueModule treats a fork as the package it names, subpaths kept', () => {
    const ctx = context('', { '@acme/lowdb': { alias: 'lowdb' }, '@acme/cache': { category: 'process-cache' } });
    expect(['@acme/lowdb', '@acme/lowdb/node', '@acme/cache', 'lowdb'].map((m) => catalogueModule(ctx, m))).toEqual([
      'lowdb',
      'lowdb/node',
      '@acme/cache',
      'lowdb',
    ]);
  });
});
