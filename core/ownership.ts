import { compactText, isAssignment, isFunctionNode, nameText, skipOuter, walk } from './ast.js';
import type { FileContext } from './context.js';
import { isClientPackage, libraryCreation } from './library.js';
import type { TS } from './types.js';
import { isPackage, valueSource } from './values.js';

// Who owns a timer: one connection or resource, this process's own bookkeeping, or the cluster.

/** Parameter names that stand for one connection: a timer capturing one belongs to it. */
export const CONNECTION_PARAMS: ReadonlySet<string> = new Set([
  'res',
  'response',
  'reply',
  'ws',
  'websocket',
  'socket',
  'conn',
  'connection',
  'client',
  'stream',
  'controller',
  'writer',
  'sse',
  'peer',
]);

/**
 * Whether the timer `call` starts is owned by one connection or resource, or only tends this
 * process's own state, so that it runs once per replica by design.
 */
export function isOwnedTimer(ctx: FileContext, call: TS.CallExpression): boolean {
  return ownedByConnection(ctx, call) || ownedPerKey(ctx, call) || tendsLocalState(ctx, call);
}

/** The handles the file clears: the argument texts of `clearInterval(h)` / `clearTimeout(h)`. */
function clearedHandles(ctx: FileContext): Set<string> {
  const ts = ctx.ts;
  const cleared = new Set<string>();
  for (const node of ctx.calls) {
    const callee = skipOuter(ts, node.expression);
    const name = ts.isIdentifier(callee) && ctx.binder.isGlobal(callee) ? callee.text : undefined;
    if ((name === 'clearInterval' || name === 'clearTimeout') && node.arguments[0])
      cleared.add(compactText(ts, skipOuter(ts, node.arguments[0]), ctx.sourceFile));
  }
  return cleared;
}

/**
 * `const beat = setInterval(() => res.write(…))` in a function given the connection `res`, with
 * `clearInterval(beat)` on its close; `this.ping = setInterval(…)` in an object built for one
 * connection (its constructor takes the socket) and cleared by it: the timer lives and dies with
 * that connection.
 */
function ownedByConnection(ctx: FileContext, call: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const holder = call.parent;
  if (ts.isVariableDeclaration(holder) && holder.initializer === call && ts.isIdentifier(holder.name))
    return capturesConnection(ctx, call) && clearedHandles(ctx).has(holder.name.text);
  if (
    ts.isBinaryExpression(holder) &&
    holder.right === call &&
    holder.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(holder.left) &&
    holder.left.expression.kind === ts.SyntaxKind.ThisKeyword
  ) {
    const cls = classAround(ctx, call);
    const ctor = cls?.members.find(ts.isConstructorDeclaration);
    return (
      ctor !== undefined &&
      ctor.parameters.some((p) => CONNECTION_PARAMS.has(nameText(ts, p.name) ?? '')) &&
      clearedHandles(ctx).has(`this.${holder.left.name.text}`)
    );
  }
  return false;
}

/** The timer's callback uses a connection parameter of a function around it. */
function capturesConnection(ctx: FileContext, call: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const callback = call.arguments[0] && skipOuter(ts, call.arguments[0]);
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return false;
  let captures = false;
  walk(ts, callback, (node) => {
    if (captures) return false;
    if (ts.isIdentifier(node) && CONNECTION_PARAMS.has(node.text)) {
      const decl = ctx.binder.resolve(node)?.declaration;
      captures = decl !== undefined && ts.isParameter(decl) && decl.pos < callback.pos;
    }
  });
  return captures;
}

/**
 * `this.locks[doc] = setInterval(renew)` released by `clearInterval(this.locks[doc])`, or
 * `timers.set(id, setInterval(…))` with `clearInterval(timers.get(id))`: one timer per key,
 * stopped per key, as a lease renewal is stopped when its lease is released.
 */
function ownedPerKey(ctx: FileContext, call: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const text = (e: TS.Expression): string => compactText(ts, skipOuter(ts, e), ctx.sourceFile);
  let container: string | undefined;
  const parent = call.parent;
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === call &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isElementAccessExpression(skipOuter(ts, parent.left))
  ) {
    container = text((skipOuter(ts, parent.left) as TS.ElementAccessExpression).expression);
  } else if (
    ts.isCallExpression(parent) &&
    parent.arguments[1] === call &&
    ts.isPropertyAccessExpression(parent.expression) &&
    parent.expression.name.text === 'set'
  ) {
    container = text(parent.expression.expression);
  }
  if (container === undefined) return false;
  for (const cleared of clearedHandles(ctx)) {
    if (cleared.startsWith(`${container}[`) || cleared.startsWith(`${container}.get(`)) return true;
  }
  return false;
}

/** How many functions `tendsLocalState` follows from a timer's callback. */
const MAX_FUNCTIONS = 24;
/** Globals whose calls change nothing outside their arguments. */
const PURE_GLOBALS = new Set(['Date', 'Math', 'JSON', 'Object', 'Array', 'Number', 'String', 'Boolean', 'Symbol']);
const PURE_FUNCTIONS = new Set([
  'clearInterval',
  'clearTimeout',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'Number',
  'String',
  'Boolean',
]);
const LOGGERS = /^(?:log|logger|console|debug)$/i;
const LOGGER_MODULES = new Set(['winston', 'pino', 'debug', 'loglevel', 'bunyan', 'npmlog', 'consola', 'signale']);

/**
 * A timer whose callback, followed through the file's own functions and methods, only changes
 * this process's own state: it prunes or rebuilds local containers (a value read from elsewhere
 * is fine when it is only stored locally), closes or pings this process's own connections, and
 * logs. Every replica does that for itself, by design; a callback that writes a database, calls
 * a service or runs an unknown function is a cluster job.
 */
function tendsLocalState(ctx: FileContext, call: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const callback = call.arguments[0];
  if (!callback) return false;
  const queue = calledFunctions(ctx, callback, call);
  if (queue.length === 0) return false;
  const seen = new Set<TS.Node>();
  const inside = (node: TS.Node): boolean => {
    for (let n: TS.Node | undefined = node; n; n = n.parent) if (seen.has(n)) return true;
    return false;
  };
  let effects = 0;
  let foreign = false;
  while (queue.length > 0 && !foreign) {
    const fn = queue.shift()!;
    if (seen.has(fn)) continue;
    if (seen.size >= MAX_FUNCTIONS) return false;
    seen.add(fn);
    walk(ts, fn, (node) => {
      if (foreign) return false;
      if (ts.isCallExpression(node)) {
        const callee = skipOuter(ts, node.expression);
        const own = calledFunctions(ctx, callee, node);
        if (own.length > 0) queue.push(...own);
        else if (isPureGlobalCall(ctx, callee) || isLogging(ctx, callee)) return;
        // A read of configuration or of a shipped file, a pure transform: nothing changes elsewhere.
        else if (valueSource(ctx, node, []) === 'same') return;
        else if (ts.isPropertyAccessExpression(callee) && isLocal(ctx, callee.expression, inside, 0)) effects++;
        else if (storedLocally(ctx, node, inside)) return;
        else foreign = true;
      } else if (ts.isNewExpression(node)) {
        const callee = skipOuter(ts, node.expression);
        if (!(ts.isIdentifier(callee) && ctx.binder.isGlobal(callee)) && !storedLocally(ctx, node, inside))
          foreign = true;
      } else if (
        ts.isBinaryExpression(node) &&
        isAssignment(ts, node.operatorToken.kind) &&
        !isFunctionLocal(ctx, node.left, inside)
      ) {
        if (isLocal(ctx, node.left, inside, 0) || isModuleVariable(ctx, node.left)) effects++;
        else foreign = true;
      } else if (ts.isDeleteExpression(node)) {
        if (isLocal(ctx, node.expression, inside, 0)) effects++;
        else foreign = true;
      }
    });
  }
  return !foreign && effects > 0;
}

/**
 * The file's functions an expression runs when called or passed as a callback: a function written
 * in place, a local function by name (`poll`), a method of the class around `site` (`this.poll`,
 * also `this.poll.bind(this)`).
 */
export function calledFunctions(ctx: FileContext, expr: TS.Expression, site: TS.Node): TS.Node[] {
  const ts = ctx.ts;
  let e = skipOuter(ts, expr);
  // `this.invoke.bind(this)`
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'bind')
    e = skipOuter(ts, e.expression.expression);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return [e];
  if (ts.isIdentifier(e)) {
    const decl = ctx.binder.resolve(e)?.declaration;
    if (!decl) return [];
    if (ts.isFunctionDeclaration(decl)) return [decl];
    const init = ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(ts, decl.initializer) : undefined;
    return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? [init] : [];
  }
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const cls = classAround(ctx, site);
    const member = cls && classMember(ctx, cls, e.name.text);
    if (member && ts.isMethodDeclaration(member)) return [member];
    const init = member && ts.isPropertyDeclaration(member) && member.initializer && skipOuter(ts, member.initializer);
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return [init];
  }
  return [];
}

function classAround(ctx: FileContext, node: TS.Node): TS.ClassLikeDeclaration | undefined {
  let cls: TS.Node | undefined = node.parent;
  while (cls && !ctx.ts.isClassLike(cls)) cls = cls.parent;
  return cls && ctx.ts.isClassLike(cls) ? cls : undefined;
}

function classMember(ctx: FileContext, cls: TS.ClassLikeDeclaration, name: string): TS.ClassElement | undefined {
  return cls.members.find((m) => nameText(ctx.ts, m.name) === name);
}

/** `Date.now()`, `Object.keys(x)`, `clearInterval(t)`. */
function isPureGlobalCall(ctx: FileContext, callee: TS.Expression): boolean {
  const ts = ctx.ts;
  if (ts.isIdentifier(callee)) return ctx.binder.isGlobal(callee) && PURE_FUNCTIONS.has(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const owner = skipOuter(ts, callee.expression);
  return ts.isIdentifier(owner) && ctx.binder.isGlobal(owner) && PURE_GLOBALS.has(owner.text);
}

/** `log.debug(…)`, `this.logger.info(…)`, `console.warn(…)`, a logging package's function. */
function isLogging(ctx: FileContext, callee: TS.Expression): boolean {
  const ts = ctx.ts;
  const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(ts, callee.expression) : callee;
  const name = ts.isIdentifier(receiver)
    ? receiver.text
    : ts.isPropertyAccessExpression(receiver)
      ? receiver.name.text
      : undefined;
  if (name !== undefined && LOGGERS.test(name)) return true;
  const ref = ctx.imports.resolve(receiver);
  return ref !== undefined && LOGGER_MODULES.has(ref.module);
}

/** A variable or parameter declared inside the functions being read. */
function isFunctionLocal(ctx: FileContext, expr: TS.Expression, inside: (node: TS.Node) => boolean): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (!ts.isIdentifier(e)) return false;
  const decl = ctx.binder.resolve(e)?.declaration;
  return decl !== undefined && inside(decl);
}

/** A module-level variable of this file (reassigning it changes this process only). */
function isModuleVariable(ctx: FileContext, expr: TS.Expression): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (!ts.isIdentifier(e)) return false;
  const binding = ctx.binder.resolve(e);
  return binding !== undefined && ts.isSourceFile(binding.scope) && ts.isVariableDeclaration(binding.declaration);
}

/**
 * Whether an expression is this process's own: a local container (module-level or a field),
 * something read from one, a value computed in the callback, or a handle the object made for
 * itself (a child process, not a client of a shared service).
 */
function isLocal(ctx: FileContext, expr: TS.Expression, inside: (node: TS.Node) => boolean, depth: number): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (depth > 8) return false;
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword)
    return isOwnField(ctx, e, inside, depth);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))
    return isLocal(ctx, e.expression, inside, depth + 1);
  if (ts.isCallExpression(e)) {
    const callee = skipOuter(ts, e.expression);
    if (ts.isPropertyAccessExpression(callee)) return isLocal(ctx, callee.expression, inside, depth + 1);
    return isPureGlobalCall(ctx, callee) && e.arguments.every((a) => isLocal(ctx, a, inside, depth + 1));
  }
  if (!ts.isIdentifier(e)) return false;
  const binding = ctx.binder.resolve(e);
  if (!binding) return false;
  if (inside(binding.declaration)) return true;
  const decl = binding.declaration;
  return (
    ts.isSourceFile(binding.scope) &&
    ts.isVariableDeclaration(decl) &&
    decl.initializer !== undefined &&
    isContainerValue(ctx, decl.initializer)
  );
}

/**
 * `this.sockets` where the class declares it a container, or fills it only with handles it
 * creates itself; a getter returning one of those.
 */
function isOwnField(
  ctx: FileContext,
  access: TS.PropertyAccessExpression,
  inside: (node: TS.Node) => boolean,
  depth: number,
): boolean {
  const ts = ctx.ts;
  const cls = classAround(ctx, access);
  const member = cls && classMember(ctx, cls, access.name.text);
  if (!cls) return false;
  if (member && ts.isGetAccessorDeclaration(member)) {
    const returns: TS.Expression[] = [];
    walk(ts, member, (node) => {
      if (node !== member && isFunctionNode(ts, node)) return false;
      if (ts.isReturnStatement(node) && node.expression) returns.push(node.expression);
    });
    return returns.length > 0 && returns.every((r) => isLocal(ctx, r, inside, depth + 1));
  }
  if (member && !ts.isPropertyDeclaration(member)) return false;
  if (member?.initializer) return isContainerValue(ctx, member.initializer);
  // Declared bare, or not declared (JavaScript): what the class assigns to it says what it holds.
  const assigned: TS.Expression[] = [];
  walk(ts, cls, (node) => {
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(node.left) &&
      node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      node.left.name.text === access.name.text
    )
      assigned.push(node.right);
  });
  return assigned.length > 0 && assigned.every((v) => isContainerValue(ctx, v) || isOwnHandle(ctx, v));
}

/** `new Map()`, `new Set()`, `[]`, `{}`. */
function isContainerValue(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, value);
  if (ts.isArrayLiteralExpression(e) || ts.isObjectLiteralExpression(e)) return true;
  return (
    ts.isNewExpression(e) &&
    ts.isIdentifier(e.expression) &&
    ctx.binder.isGlobal(e.expression) &&
    ['Map', 'Set', 'Array', 'Object'].includes(e.expression.text)
  );
}

/** A handle made by a package that is not a client of a shared service nor a store: `pty.spawn(…)`. */
function isOwnHandle(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  let e = skipOuter(ts, value);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return false;
  const ref = ctx.imports.resolve(e.expression);
  return ref !== undefined && isPackage(ref.module) && !isClientPackage(ref.module) && !libraryCreation(ctx, e);
}

/**
 * A value read from elsewhere that is only kept locally: `this.flags = await loadFlags()`,
 * `cache.set(k, await fetchRates())`.
 */
function storedLocally(ctx: FileContext, node: TS.Expression, inside: (node: TS.Node) => boolean): boolean {
  const ts = ctx.ts;
  let outer: TS.Node = node;
  while (
    ts.isAwaitExpression(outer.parent) ||
    ts.isParenthesizedExpression(outer.parent) ||
    ts.isAsExpression(outer.parent) ||
    ts.isNonNullExpression(outer.parent)
  )
    outer = outer.parent;
  const parent = outer.parent;
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === outer &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    !isFunctionLocal(ctx, parent.left, inside)
  )
    return isLocal(ctx, parent.left, inside, 0) || isModuleVariable(ctx, parent.left);
  if (ts.isCallExpression(parent) && parent.arguments.some((a) => a === outer)) {
    const callee = skipOuter(ts, parent.expression);
    return (
      ts.isPropertyAccessExpression(callee) &&
      ['set', 'add', 'push'].includes(callee.name.text) &&
      isLocal(ctx, callee.expression, inside, 0)
    );
  }
  return false;
}
