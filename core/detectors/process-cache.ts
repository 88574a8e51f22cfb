import { hasProperty, isFunctionNode, memberName, objectProperty, skipOuter, walk } from '../ast.js';
import type { CatalogueEntry } from '../knowledge/index.js';
import type { FileContext } from '../context.js';
import { creations, entriesForModule, isClientPackage, objectLiteral } from '../library.js';
import { REQUEST_TIME, SHARED_CONTEXT } from '../reach.js';
import type { CoreFinding, TS } from '../types.js';
import { type ValueSource, valueSource } from '../values.js';
import { detector } from './detector.js';
import { makeFinding, relatedSpans, type Site, snippet } from './finding.js';
import { handRolledFinder } from './hand-rolled.js';
import { libraryFinders } from './library-findings.js';

// new LRUCache({ max })  at module scope; memoize(async (id) => db.find(id)); cache.put(k, v)
export const processCache = detector(
  'process-cache',
  ...libraryFinders('process-cache'),
  { mayMatch: (file) => file.namesPackages, find: memoizerFindings },
  { mayMatch: (file) => file.namesPackages, find: moduleStoreFindings },
  handRolledFinder('process-cache'),
);

/** A memoizer created once for the process, wrapped around a function that does I/O. */
function memoizerFindings(ctx: FileContext): CoreFinding[] {
  const ts = ctx.ts;
  const findings: CoreFinding[] = [];
  for (const { entry, node } of creations(ctx)) {
    if (entry.pattern !== 'memoize' || !ts.isCallExpression(node)) continue;
    const when = ctx.when(node, SHARED_CONTEXT);
    if (!when.holds) continue;
    const target = node.arguments[0] && functionOf(ctx, node.arguments[0]);
    if (!target) continue;
    const promiseOption = node.arguments.slice(1).some((arg) => {
      const obj = objectLiteral(ctx, arg);
      const value = obj && objectProperty(ts, obj, 'promise');
      return (
        obj !== undefined && hasProperty(ts, obj, 'promise') === 'yes' && value?.kind !== ts.SyntaxKind.FalseKeyword
      );
    });
    if (!(entry.label === 'p-memoize' || promiseOption || doesIo(ctx, target))) continue;
    findings.push(
      makeFinding(ctx, {
        category: 'process-cache',
        node,
        what: `${snippet(ctx, node)} (${entry.label}) ${entry.what}`,
        suggestion: entry.suggestion,
        subject: entry.label,
        condition: when.condition,
        unsure: when.unsure,
      }),
    );
  }
  return findings;
}

/** The function an argument is: written inline, or a local function declaration or `const`. */
function functionOf(ctx: FileContext, arg: TS.Expression): TS.Node | undefined {
  const ts = ctx.ts;
  const e = skipOuter(ts, arg);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  if (ts.isIdentifier(e)) {
    const decl = ctx.binder.resolve(e)?.declaration;
    if (decl && ts.isFunctionDeclaration(decl)) return decl;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer) {
      const init = skipOuter(ts, decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
  }
  return undefined;
}

/** Async, awaits, returns a promise chain, or calls `fetch` or a database/HTTP client. */
function doesIo(ctx: FileContext, fn: TS.Node): boolean {
  const ts = ctx.ts;
  if (
    isFunctionNode(ts, fn) &&
    (ts.getModifiers(fn as TS.FunctionDeclaration) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)
  ) {
    return true;
  }
  let io = false;
  walk(ts, fn, (node) => {
    if (io) return false;
    if (node !== fn && isFunctionNode(ts, node)) return false;
    if (ts.isAwaitExpression(node)) io = true;
    if (ts.isCallExpression(node)) {
      const callee = skipOuter(ts, node.expression);
      if (ctx.binder.isGlobal(callee, 'fetch') || memberName(ts, callee) === 'then') io = true;
      const root = rootIdentifier(ts, callee);
      const ref = root && ctx.imports.resolve(root);
      if (ref && isClientPackage(ref.module)) io = true;
    }
  });
  return io;
}

function rootIdentifier(ts: FileContext['ts'], expr: TS.Expression): TS.Identifier | undefined {
  let e = skipOuter(ts, expr);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isCallExpression(e))
    e = skipOuter(ts, e.expression);
  return ts.isIdentifier(e) ? e : undefined;
}

/** `const cache = require('memory-cache')`: the module is the store; `cache.put(…)` at request time writes it. */
function moduleStoreFindings(ctx: FileContext): CoreFinding[] {
  const ts = ctx.ts;
  const byDeclaration = new Map<TS.Node, { entry: CatalogueEntry; writes: Site[] }>();
  for (const node of ctx.calls) {
    const callee = skipOuter(ts, node.expression);
    if (!ts.isPropertyAccessExpression(callee)) continue;
    const ref = ctx.imports.resolve(callee.expression);
    if (!ref || ref.path.length > 0) continue;
    const entry = entriesForModule(ctx, ref.module).find(
      (e) => e.form === 'module' && e.writeMethods.includes(callee.name.text),
    );
    if (!entry) continue;
    const when = ctx.when(node, REQUEST_TIME);
    if (!when.holds) continue;
    const declaration = moduleDeclaration(ctx, callee.expression);
    if (!declaration) continue;
    const group = byDeclaration.get(declaration) ?? { entry, writes: [] };
    group.writes.push({ node, condition: when.condition, ...(when.unsure ? { unsure: when.unsure } : {}) });
    byDeclaration.set(declaration, group);
  }
  return [...byDeclaration].flatMap(([declaration, { entry, writes }]) => {
    const source = storedSource(ctx, writes);
    if (source === 'same') return [];
    return [
      makeFinding(ctx, {
        category: entry.category,
        node: declaration,
        what: `${snippet(ctx, declaration)} (${entry.label}) ${entry.what}`,
        suggestion: entry.suggestion,
        subject: entry.label,
        related: relatedSpans(ctx, writes),
        evidence: 'library',
        ...(source === 'unseen' ? { doubt: 'value' as const } : {}),
      }),
    ];
  });
}

/**
 * Where the values a module store is given come from (values.ts): `same` for
 * `cache.put(key, Object.entries(process.env)…)`, where each replica memoises the same thing for
 * itself. Undefined when it is given none, or a literal.
 */
function storedSource(ctx: FileContext, writes: readonly Site[]): ValueSource | undefined {
  const ts = ctx.ts;
  let source: ValueSource | undefined;
  for (const { node } of writes) {
    if (!ts.isCallExpression(node) || node.arguments.length < 2) continue;
    const value = skipOuter(ts, node.arguments[1]!);
    if (ts.isLiteralExpression(value)) return undefined;
    const next = valueSource(ctx, value, [node.arguments[0]!]);
    if (next === 'varying') return next;
    source = source === 'unseen' ? source : next;
  }
  return source;
}

/** Where a module binding comes from: the `require(…)` call, or the import declaration. */
function moduleDeclaration(ctx: FileContext, expr: TS.Expression): TS.Node | undefined {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (ts.isCallExpression(e)) return e;
  if (!ts.isIdentifier(e)) return undefined;
  const decl = ctx.binder.resolve(e)?.declaration;
  if (!decl) return undefined;
  if (ts.isVariableDeclaration(decl) && decl.initializer) return skipOuter(ts, decl.initializer);
  for (let node: TS.Node | undefined = decl; node; node = node.parent) {
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node)) return node;
  }
  return undefined;
}
