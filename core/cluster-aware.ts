import { compactText, isFunctionNode, skipOuter, stringValue, walk } from './ast.js';
import type { FileContext } from './context.js';
import { packageName } from './knowledge/index.js';
import { timerName } from './timers.js';
import type { TS } from './types.js';

// Designs that are already cluster-aware: local state kept consistent, or jobs run once, by a
// shared mechanism the code shows.

const SUBSCRIBE = new Set(['subscribe', 'psubscribe', 'on', 'addListener', 'handle', 'consume']);
const LOCK_PACKAGES = new Set(['redlock', '@sesamecare-oss/redlock', 'node-redlock', 'redis-lock', 'pg-boss']);

/**
 * Invalidation broadcast over pub/sub and applied on every node: the file publishes
 * (`pub.publish('cache:del', key)`) and deletes from or clears the state (`text`, as written in
 * the file) in a callback it subscribes (`sub.on('message', (ch, key) => cache.delete(key))`).
 */
export function invalidatedOverPubSub(ctx: FileContext, text: string): boolean {
  const ts = ctx.ts;
  let publishes = false;
  let appliedLocally = false;
  for (const call of ctx.calls) {
    const callee = skipOuter(ts, call.expression);
    if (!ts.isPropertyAccessExpression(callee)) continue;
    const method = callee.name.text;
    if (method === 'publish' || method === 'emit' || method === 'send') publishes ||= method === 'publish';
    if (
      (method === 'delete' || method === 'clear' || method === 'del') &&
      compactText(ts, skipOuter(ts, callee.expression), ctx.sourceFile) === text &&
      inSubscriber(ctx, call)
    )
      appliedLocally = true;
  }
  return publishes && appliedLocally;
}

/** Inside a function passed to `x.subscribe(…)`, `x.on('message', …)` and the like. */
function inSubscriber(ctx: FileContext, node: TS.Node): boolean {
  const ts = ctx.ts;
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (!isFunctionNode(ts, child) || !ts.isCallExpression(parent)) continue;
    const callee = skipOuter(ts, parent.expression);
    if (!ts.isPropertyAccessExpression(callee) || !SUBSCRIBE.has(callee.name.text)) continue;
    if (callee.name.text !== 'on' && callee.name.text !== 'addListener') return true;
    const event = stringValue(ts, parent.arguments[0]);
    if (event === 'message' || event === 'pmessage' || event === 'messageBuffer') return true;
  }
  return false;
}

/**
 * A timer or job behind a leader or configuration flag, or whose body takes a distributed lock:
 * `if (cluster.isPrimary) setInterval(…)`, `if (!config.runJobs) return;` before it,
 * `redlock.using([key], ttl, job)` or `SET key NX` in its callback.
 */
export function runsOnceForTheCluster(ctx: FileContext, timer: TS.CallExpression): boolean {
  return behindFlag(ctx, timer) || takesDistributedLock(ctx, timer);
}

function behindFlag(ctx: FileContext, timer: TS.CallExpression): boolean {
  const ts = ctx.ts;
  for (let child: TS.Node = timer, parent = timer.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && parent.thenStatement === child && isDeploymentFlag(ctx, parent.expression))
      return true;
    if (ts.isBlock(parent) || ts.isSourceFile(parent)) {
      // if (!config.runJobs) return;  …  setInterval(…)
      for (const statement of parent.statements) {
        if (statement === child) break;
        if (
          ts.isIfStatement(statement) &&
          isExit(ts, statement.thenStatement) &&
          isDeploymentFlag(ctx, statement.expression)
        )
          return true;
      }
    }
    if (isFunctionNode(ts, parent)) break;
  }
  return false;
}

function isExit(ts: FileContext['ts'], statement: TS.Statement): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  return ts.isBlock(statement) && statement.statements.some((s) => ts.isReturnStatement(s) || ts.isThrowStatement(s));
}

/**
 * A condition set per deployment: `cluster.isPrimary` / `isMaster` / `worker.isMainThread`,
 * `process.env.X`, or a member of an imported configuration object (`config.runJobs`).
 */
function isDeploymentFlag(ctx: FileContext, cond: TS.Expression): boolean {
  const ts = ctx.ts;
  let found = false;
  walk(ts, cond, (node) => {
    if (found || isFunctionNode(ts, node)) return false;
    if (!ts.isPropertyAccessExpression(node)) return;
    const owner = skipOuter(ts, node.expression);
    const ref = ctx.imports.resolve(node);
    if (ref && (ref.module === 'cluster' || ref.module === 'worker_threads')) found = true;
    else if (
      ts.isPropertyAccessExpression(owner) &&
      ts.isIdentifier(owner.expression) &&
      ctx.binder.isGlobal(owner.expression, 'process') &&
      owner.name.text === 'env'
    )
      found = true;
    else if (ts.isIdentifier(owner) && ctx.imports.resolve(owner)) found = true;
  });
  return found;
}

/** The timer's callback takes a lock shared by every instance before it works. */
function takesDistributedLock(ctx: FileContext, timer: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const callback = timer.arguments.find((a) => isFunctionNode(ts, skipOuter(ts, a)));
  if (!callback) return false;
  let locked = false;
  walk(ts, callback, (node) => {
    if (locked) return false;
    if (ts.isCallExpression(node)) {
      const callee = skipOuter(ts, node.expression);
      const receiver = ts.isPropertyAccessExpression(callee) ? skipOuter(ts, callee.expression) : callee;
      const decl = ts.isIdentifier(receiver) ? ctx.binder.resolve(receiver)?.declaration : undefined;
      // redlock.using(…) with `const redlock = new Redlock(…)`
      const made =
        decl && ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(ts, decl.initializer) : undefined;
      const ref =
        ctx.imports.resolve(callee) ??
        (made && ts.isNewExpression(made) ? ctx.imports.resolve(made.expression) : undefined);
      if (ref && LOCK_PACKAGES.has(packageName(ref.module))) locked = true;
      // redis.set(key, id, 'NX', 'PX', ttl), SELECT pg_try_advisory_lock(…)
      if (node.arguments.some((a) => /^NX$/i.test(stringValue(ts, a) ?? ''))) locked = true;
    }
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      /advisory_(?:xact_)?lock/i.test(node.text)
    )
      locked = true;
  });
  return locked;
}

/**
 * A write-behind buffer: written per request, and swapped or cleared by a timer that hands its
 * contents to another call (`const batch = buffer; buffer = []; await db.insert(batch)`,
 * `queue.add(buffer.splice(0))`). The data ends up in the shared store; the buffer only batches
 * the writes of this instance.
 */
export function flushedBehind(ctx: FileContext, text: string): boolean {
  return ctx.calls.some((call) => flushedBy(ctx, call).has(text));
}

/** The containers (as written) a `setInterval` call's callback resets after handing their contents on. */
export function flushedBy(ctx: FileContext, call: TS.CallExpression): ReadonlySet<string> {
  const ts = ctx.ts;
  const flushed = new Set<string>();
  if (timerName(ts, ctx.binder, ctx.imports, call.expression) !== 'setInterval') return flushed;
  const callback = call.arguments[0] && skipOuter(ts, call.arguments[0]);
  if (!callback || !isFunctionNode(ts, callback)) return flushed;
  const reset = new Set<string>();
  // The texts that hold a container's contents: `batch` of `const batch = buffer.splice(0)`.
  const holders = new Map<string, string>();
  const handedOff: TS.Expression[] = [];
  walk(ts, callback, (node) => {
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isIdentifier(node.name)) {
      const source = containerIn(ctx, node.initializer);
      if (source) holders.set(node.name.text, source);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = compactText(ts, skipOuter(ts, node.left), ctx.sourceFile);
      reset.add(left.endsWith('.length') ? left.slice(0, -'.length'.length) : left);
    }
    if (ts.isCallExpression(node)) {
      const callee = skipOuter(ts, node.expression);
      if (ts.isPropertyAccessExpression(callee) && (callee.name.text === 'clear' || callee.name.text === 'splice'))
        reset.add(compactText(ts, skipOuter(ts, callee.expression), ctx.sourceFile));
      handedOff.push(...node.arguments);
    }
  });
  for (const arg of handedOff) {
    walk(ts, arg, (node) => {
      if (!ts.isIdentifier(node) && !ts.isPropertyAccessExpression(node)) return;
      const text = compactText(ts, node, ctx.sourceFile);
      const container = holders.get(text) ?? text;
      if (reset.has(container)) flushed.add(container);
    });
  }
  return flushed;
}

/** The container an initializer takes its contents from: `buffer`, `buffer.splice(0)`, `[...buffer]`, `this.buffer`. */
function containerIn(ctx: FileContext, init: TS.Expression): string | undefined {
  const ts = ctx.ts;
  let e = skipOuter(ts, init);
  if (ts.isArrayLiteralExpression(e) && e.elements.length === 1 && ts.isSpreadElement(e.elements[0]!))
    e = skipOuter(ts, e.elements[0].expression);
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) e = skipOuter(ts, e.expression.expression);
  return ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) ? compactText(ts, e, ctx.sourceFile) : undefined;
}
