import { compactText, isFunctionNode, skipOuter, walk } from '../ast.js';
import type { FileContext } from '../context.js';
import type { StateWrite } from '../state.js';
import type { TS } from '../types.js';

/**
 * What the code around a write does with the state, which decides its category rather than its
 * name:
 * - `exclusion`: a check of the state before the write, an `await` after it and a release (a
 *   check-and-set around a critical section: a lock), or a promise chained on the previous entry
 *   (`locks.set(k, prev.then(fn))`);
 * - `inflight`: a promise stored, returned to the caller, and removed in `finally` (in-flight
 *   de-duplication: each entry lives for one call, not a lock);
 * - `memo`: a value stored after reading the state in the same function, not derived from the
 *   state itself (get-or-compute-and-set: a cache).
 */
export type WriteShape = 'exclusion' | 'inflight' | 'memo';

export function writeShape(ctx: FileContext, write: StateWrite): WriteShape | undefined {
  const ts = ctx.ts;
  const target = containerOf(ctx, write.node);
  const fn = ctx.unitOf(write.node);
  // A removal says nothing by itself; the writes that store decide.
  if (!target || !isFunctionNode(ts, fn) || write.method === 'delete' || write.method === 'clear') return undefined;
  if (ts.isDeleteExpression(write.node)) return undefined;
  const text = compactText(ts, target, ctx.sourceFile);
  const mentions = (node: TS.Node): boolean =>
    (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) && compactText(ts, node, ctx.sourceFile) === text;
  let readBefore = false;
  let checkedBefore = false;
  let awaitAfter = false;
  let releaseInFinally = false;
  let release = false;
  let returnsEntry = false;
  const value = write.values[write.values.length - 1];
  const valueText = value && compactText(ts, skipOuter(ts, value), ctx.sourceFile);
  walk(ts, fn, (node) => {
    if (node === write.node) return false;
    if (node.pos < write.node.pos && mentions(node) && isRead(ts, node)) {
      readBefore = true;
      if (inCondition(ts, node, fn)) checkedBefore = true;
    }
    if (ts.isAwaitExpression(node) && node.pos >= write.node.end) awaitAfter = true;
    if (isRelease(ctx, node, text)) {
      release = true;
      if (inFinally(ts, node, fn)) releaseInFinally = true;
    }
    if (ts.isReturnStatement(node) && node.expression) {
      let returned = skipOuter(ts, node.expression);
      if (ts.isAwaitExpression(returned)) returned = skipOuter(ts, returned.expression);
      const returnedText = compactText(ts, returned, ctx.sourceFile);
      if (returnedText === valueText || returnedText.startsWith(`${text}.get(`) || returnedText.startsWith(`${text}[`))
        returnsEntry = true;
    }
  });
  const literal = value !== undefined && isLiteralValue(ts, value);
  const chained = value !== undefined && derivesFrom(ctx, value, text, 0);
  if (chained && release) return 'exclusion';
  if (value && !literal && !chained && releaseInFinally && returnsEntry && write.method !== 'add') return 'inflight';
  if (checkedBefore && awaitAfter && release) return 'exclusion';
  // Get-or-create of an empty slot (`docs.set(id, new Y.Doc())`, `rooms[id] = []`) fills it later: not a memo.
  if (
    value &&
    !literal &&
    !chained &&
    !isEmptyCreation(ts, value) &&
    readBefore &&
    !releaseInFinally &&
    write.method !== 'add' &&
    write.method !== 'push'
  )
    return 'memo';
  return undefined;
}

/** The state a write writes: `m` of `m.set(…)`, `o` of `o[k] = v`, `x` of `x = v`. */
function containerOf(ctx: FileContext, node: TS.Node): TS.Expression | undefined {
  const ts = ctx.ts;
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression))
    return skipOuter(ts, node.expression.expression);
  let target: TS.Expression | undefined;
  if (ts.isBinaryExpression(node)) target = skipOuter(ts, node.left);
  else if (ts.isDeleteExpression(node)) target = skipOuter(ts, node.expression);
  else return undefined;
  return ts.isElementAccessExpression(target) ? skipOuter(ts, target.expression) : target;
}

/** `m.delete(k)`, `m.clear()`, `s.delete(k)`, `delete o[k]`, `flag = false`. */
function isRelease(ctx: FileContext, node: TS.Node, text: string): boolean {
  const ts = ctx.ts;
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
    const { name, expression } = node.expression;
    return (name.text === 'delete' || name.text === 'clear') && compactText(ts, expression, ctx.sourceFile) === text;
  }
  if (ts.isDeleteExpression(node)) {
    const e = skipOuter(ts, node.expression);
    return ts.isElementAccessExpression(e) && compactText(ts, e.expression, ctx.sourceFile) === text;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const right = skipOuter(ts, node.right);
    return (
      compactText(ts, skipOuter(ts, node.left), ctx.sourceFile) === text &&
      (right.kind === ts.SyntaxKind.FalseKeyword ||
        right.kind === ts.SyntaxKind.NullKeyword ||
        (ts.isIdentifier(right) && right.text === 'undefined'))
    );
  }
  return false;
}

/** Inside an `if`, a `?:`, or the left of `&&`/`||`/`??`, within `fn`. */
function inCondition(ts: FileContext['ts'], node: TS.Node, fn: TS.Node): boolean {
  for (let child = node, parent = node.parent; parent && parent !== fn; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && parent.expression === child) return true;
    if (ts.isConditionalExpression(parent) && parent.condition === child) return true;
    if (ts.isWhileStatement(parent) && parent.expression === child) return true;
    if (
      ts.isBinaryExpression(parent) &&
      parent.left === child &&
      [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(
        parent.operatorToken.kind,
      )
    )
      return true;
    if (ts.isStatement(parent)) return false;
  }
  return false;
}

/** In the `finally` of a `try` in `fn`, or in a callback given to `.finally(…)`. */
function inFinally(ts: FileContext['ts'], node: TS.Node, fn: TS.Node): boolean {
  for (let child = node, parent = node.parent; parent && child !== fn; child = parent, parent = parent.parent) {
    if (ts.isTryStatement(parent) && parent.finallyBlock === child) return true;
    if (
      ts.isCallExpression(parent) &&
      parent.arguments.includes(child as TS.Expression) &&
      ts.isPropertyAccessExpression(parent.expression) &&
      parent.expression.name.text === 'finally'
    )
      return true;
  }
  return false;
}

function isLiteralValue(ts: FileContext['ts'], value: TS.Expression): boolean {
  const e = skipOuter(ts, value);
  return (
    ts.isLiteralExpression(e) ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    e.kind === ts.SyntaxKind.NullKeyword
  );
}

/** Whether a value reads the state it is written to (`(m.get(k) ?? 0) + 1`, `prev.then(fn)` with `prev = m.get(k)`). */
function derivesFrom(ctx: FileContext, value: TS.Expression, text: string, depth: number): boolean {
  const ts = ctx.ts;
  if (depth > 3) return false;
  let found = false;
  walk(ts, value, (node) => {
    if (found) return false;
    if (
      (ts.isIdentifier(node) || ts.isPropertyAccessExpression(node)) &&
      compactText(ts, node, ctx.sourceFile) === text
    ) {
      found = true;
      return false;
    }
    if (ts.isIdentifier(node)) {
      const decl = ctx.binder.resolve(node)?.declaration;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && !isFunctionNode(ts, decl.initializer))
        found = derivesFrom(ctx, decl.initializer, text, depth + 1);
    }
  });
  return found;
}

/** `new Doc()`, `new Map()`, `[]`, `{}`: a slot to fill, not a computed value. */
function isEmptyCreation(ts: FileContext['ts'], value: TS.Expression): boolean {
  const e = skipOuter(ts, value);
  if (ts.isNewExpression(e)) return (e.arguments ?? []).length === 0;
  if (ts.isArrayLiteralExpression(e)) return e.elements.length === 0;
  return ts.isObjectLiteralExpression(e) && e.properties.length === 0;
}

/** A use that reads the state: `m.get(k)`, `m.has(k)`, `o[k]`, `m.size`, `x` in a test; not a write. */
function isRead(ts: FileContext['ts'], node: TS.Node): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
    if (!ts.isCallExpression(parent.parent) || parent.parent.expression !== parent) return true;
    return ['get', 'has', 'includes', 'indexOf', 'find', 'some', 'keys', 'values', 'entries'].includes(
      parent.name.text,
    );
  }
  if (ts.isElementAccessExpression(parent) && parent.expression === node) {
    const outer = parent.parent;
    return !(
      ts.isBinaryExpression(outer) &&
      outer.left === parent &&
      outer.operatorToken.kind === ts.SyntaxKind.EqualsToken
    );
  }
  return !(ts.isBinaryExpression(parent) && parent.left === node);
}
