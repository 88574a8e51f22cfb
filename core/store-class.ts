import { nameText, skipOuter, walk } from './ast.js';
import type { FileContext } from './context.js';
import type { TS } from './types.js';

const MAX_DEPTH = 4;
/** Methods that write a container: Map, Set, array, and the stores a project class wraps. */
const MUTATORS = new Set(['set', 'add', 'delete', 'clear', 'push', 'unshift', 'splice', 'put', 'del', 'setItem']);

/**
 * The containers of a process-local store that `new X(…)` builds from a project class declared
 * in this file, or undefined when it builds none: X
 * is shaped like a store (it extends a `Store`, such as express-session's `session.Store`, or has
 * `get` and `set` methods) and keeps its entries in a container of its own, a field set to a
 * `Map`, an object or an in-process cache (`isContainer`) and written by one of its methods
 * (`set(sid, sess) { this.sessions[sid] = sess }`). Vendored copies of memorystore look so, as
 * classes or as constructor functions with `X.prototype.set = function …`.
 */
export function localStoreClass(
  ctx: FileContext,
  callee: TS.Expression,
  isContainer: (init: TS.Expression) => boolean,
  depth = 0,
): readonly TS.Expression[] | undefined {
  const ts = ctx.ts;
  const e = skipOuter(ts, callee);
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isClassExpression(e)) return storeClass(ctx, e, isContainer);
  if (ts.isCallExpression(e)) {
    // const MemoryStore = createMemoryStore(session): the class a local factory returns
    const target = skipOuter(ts, e.expression);
    const decl = ts.isIdentifier(target) ? ctx.binder.resolve(target)?.declaration : undefined;
    if (!decl || !ts.isFunctionDeclaration(decl)) return undefined;
    for (const value of returned(ctx, decl)) {
      const containers = localStoreClass(ctx, value, isContainer, depth + 1);
      if (containers) return containers;
    }
    return undefined;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const binding = ctx.binder.resolve(e);
  const decl = binding?.declaration;
  if (!decl) return undefined;
  if (ts.isClassDeclaration(decl)) return storeClass(ctx, decl, isContainer);
  if (ts.isFunctionDeclaration(decl)) return storeFunction(ctx, decl, isContainer);
  if (ts.isVariableDeclaration(decl) && decl.initializer && binding.kind === 'const')
    return localStoreClass(ctx, decl.initializer, isContainer, depth + 1);
  return undefined;
}

// class MemoryStore extends session.Store { sessions = new Map(); set(sid, s) { this.sessions.set(sid, s) } }
function storeClass(
  ctx: FileContext,
  cls: TS.ClassLikeDeclaration,
  isContainer: (init: TS.Expression) => boolean,
): readonly TS.Expression[] | undefined {
  const ts = ctx.ts;
  const methods = new Map<string, TS.Node>();
  const fields = new Map<string, TS.Expression>();
  for (const member of cls.members) {
    const name = nameText(ts, member.name);
    if (ts.isConstructorDeclaration(member)) {
      for (const [name, init] of containerAssignments(ctx, member, isContainer)) fields.set(name, init);
    } else if (ts.isMethodDeclaration(member) && name !== undefined) {
      methods.set(name, member);
    } else if (ts.isPropertyDeclaration(member) && name !== undefined && member.initializer) {
      if (isContainer(member.initializer)) fields.set(name, member.initializer);
      else {
        const init = skipOuter(ts, member.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) methods.set(name, init);
      }
    }
  }
  const extendsStore = (cls.heritageClauses ?? []).some(
    (clause) =>
      clause.token === ts.SyntaxKind.ExtendsKeyword &&
      clause.types.some((type) => {
        const base = skipOuter(ts, type.expression);
        const name = ts.isIdentifier(base) ? base.text : ts.isPropertyAccessExpression(base) ? base.name.text : '';
        return name === 'Store';
      }),
  );
  if (!extendsStore && !(methods.has('get') && methods.has('set'))) return undefined;
  return writtenContainers(ctx, [...methods.values()], fields);
}

// function MemoryStore() { this.sessions = Object.create(null) }  MemoryStore.prototype.set = function (sid, s) {…}
function storeFunction(
  ctx: FileContext,
  fn: TS.FunctionDeclaration,
  isContainer: (init: TS.Expression) => boolean,
): readonly TS.Expression[] | undefined {
  const ts = ctx.ts;
  if (!fn.name) return undefined;
  const fields = new Map(containerAssignments(ctx, fn, isContainer));
  const methods = new Map<string, TS.Node>();
  for (const ref of ctx.binder.resolve(fn.name)?.references ?? []) {
    // X.prototype.set = function (…) {…}
    const proto = ref.parent;
    const member = proto?.parent;
    const assignment = member?.parent;
    if (
      ts.isPropertyAccessExpression(proto) &&
      proto.name.text === 'prototype' &&
      member &&
      ts.isPropertyAccessExpression(member) &&
      assignment &&
      ts.isBinaryExpression(assignment) &&
      assignment.left === member &&
      assignment.operatorToken.kind === ts.SyntaxKind.EqualsToken
    ) {
      methods.set(member.name.text, assignment.right);
    }
  }
  if (!methods.has('get') || !methods.has('set')) return undefined;
  return writtenContainers(ctx, [...methods.values()], fields);
}

/** Fields a constructor sets to a container, with the container: `this.sessions = new Map()`. */
function containerAssignments(
  ctx: FileContext,
  body: TS.Node,
  isContainer: (init: TS.Expression) => boolean,
): [string, TS.Expression][] {
  const ts = ctx.ts;
  const names: [string, TS.Expression][] = [];
  walk(ts, body, (node) => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      isContainer(node.right)
    ) {
      names.push([node.left.name.text, node.right]);
    }
  });
  return names;
}

/**
 * The containers of the fields a method writes, directly or through a local alias (`const store
 * = this.store`); undefined when no method writes one.
 */
function writtenContainers(
  ctx: FileContext,
  methods: readonly TS.Node[],
  fields: ReadonlyMap<string, TS.Expression>,
): readonly TS.Expression[] | undefined {
  const ts = ctx.ts;
  const written = new Set<TS.Expression>();
  if (fields.size === 0) return undefined;
  for (const method of methods) {
    walk(ts, method, (node) => {
      if (!ts.isPropertyAccessExpression(node) || node.expression.kind !== ts.SyntaxKind.ThisKeyword) return;
      const container = fields.get(node.name.text);
      if (!container) return;
      const holder = node.parent;
      const alias =
        ts.isVariableDeclaration(holder) && holder.initializer === node && ts.isIdentifier(holder.name)
          ? ctx.binder.resolve(holder.name)
          : undefined;
      if (isWrittenThrough(ctx, node) || alias?.references.some((ref) => isWrittenThrough(ctx, ref)))
        written.add(container);
    });
  }
  return written.size > 0 ? [...written] : undefined;
}

/** `c[k] = v`, `c.k = v`, `delete c[k]`, `c.set(k, v)` for the container `c`. */
function isWrittenThrough(ctx: FileContext, container: TS.Expression): boolean {
  const ts = ctx.ts;
  const member = container.parent;
  if (!member || !(ts.isPropertyAccessExpression(member) || ts.isElementAccessExpression(member))) return false;
  if (member.expression !== container) return false;
  const use = member.parent;
  if (ts.isBinaryExpression(use) && use.left === member) {
    const op = use.operatorToken.kind;
    return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
  }
  if (ts.isDeleteExpression(use)) return true;
  return (
    ts.isPropertyAccessExpression(member) &&
    ts.isCallExpression(use) &&
    use.expression === member &&
    MUTATORS.has(member.name.text)
  );
}

/** What a function returns, as written: `return MemoryStore`. */
function returned(ctx: FileContext, fn: TS.FunctionDeclaration): TS.Expression[] {
  const ts = ctx.ts;
  const found: TS.Expression[] = [];
  walk(ts, fn, (node) => {
    if (node !== fn && (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node)))
      return false;
    if (ts.isReturnStatement(node) && node.expression) found.push(node.expression);
  });
  return found;
}
