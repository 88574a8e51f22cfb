import { memberName, skipOuter, walk } from '../ast.js';
import { CATEGORY_INFO } from '../categories.js';
import type { FileContext } from '../context.js';
import { code, SETTING_WRITE } from '../messages.js';
import { REQUEST_TIME } from '../reach.js';
import { isLazyInit } from '../state.js';
import { assignedValues, isPackageHandle } from '../values.js';
import type { CoreFinding, TS } from '../types.js';
import { detector } from './detector.js';
import { makeFinding, relatedSpans, type Site } from './finding.js';

// globalThis.currentUser = req.user; process.env.TENANT = id; delete process.env.X  (at request time)
export const globalMutation = detector('global-mutation', {
  // Every global write goes through one of these names (an alias of `globalThis` too).
  mayMatch: (file) => file.mentions(/\b(?:globalThis|global|process)\b/),
  find: globalWrites,
});

function globalWrites(ctx: FileContext): CoreFinding[] {
  const groups = new Map<string, Site[]>();
  const k = ctx.ts.SyntaxKind;
  for (const node of ctx.ofKinds(
    k.BinaryExpression,
    k.PrefixUnaryExpression,
    k.PostfixUnaryExpression,
    k.DeleteExpression,
    k.CallExpression,
  )) {
    const write = globalWrite(ctx, node);
    if (!write) continue;
    // `globalThis[KEY] = client`: a handle a package made, kept where hot reloads find it again;
    // anything written only outside production (`if (process.env.NODE_ENV !== 'production')`).
    const values = writtenValues(ctx, node);
    if (values.length > 0 && values.every((v) => isHandle(ctx, v))) continue;
    if (outsideProductionOnly(ctx, node)) continue;
    const when = ctx.when(node, REQUEST_TIME);
    if (!when.holds) continue;
    const list = groups.get(write) ?? [];
    list.push({ node, condition: when.condition, ...(when.unsure ? { unsure: when.unsure } : {}) });
    groups.set(write, list);
  }
  const info = CATEGORY_INFO['global-mutation'];
  return [...groups].map(([key, writes]) => {
    const [first, ...rest] = writes;
    const what = `${code(key)} is ${key.startsWith('process.env') ? 'process-wide environment' : 'a global'} written at request time`;
    // Request data leaks into other users' requests; a constant or configuration goes stale on other replicas.
    const perRequest = writes.some(({ node }) => writtenValues(ctx, node).some((v) => fromRequestData(ctx, v, 0)));
    return makeFinding(ctx, {
      category: 'global-mutation',
      node: first!.node,
      what,
      ...(perRequest ? { suggestion: info.suggestion } : SETTING_WRITE),
      subject: key,
      related: relatedSpans(ctx, rest),
      condition: first!.condition,
      unsure: first!.unsure,
      evidence: 'any',
    });
  });
}

/** The global written by `node` (`globalThis.user`, `process.env.TENANT`), if it writes one. */
function globalWrite(ctx: FileContext, node: TS.Node): string | undefined {
  const ts = ctx.ts;
  let target: TS.Expression | undefined;
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  ) {
    target = node.left;
    const key = globalKey(ctx, target);
    if (key && isLazyInit(ctx, node, skipOuter(ts, target))) return undefined;
    return key;
  }
  if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
  ) {
    return globalKey(ctx, node.operand);
  }
  if (ts.isDeleteExpression(node)) return globalKey(ctx, node.expression);
  // Object.assign(process.env, values), Object.defineProperty(globalThis, 'x', …)
  if (ts.isCallExpression(node) && node.arguments[0]) {
    const callee = skipOuter(ts, node.expression);
    if (
      ts.isPropertyAccessExpression(callee) &&
      ctx.binder.isGlobal(callee.expression, 'Object') &&
      ['assign', 'defineProperty', 'defineProperties'].includes(callee.name.text)
    ) {
      const arg = skipOuter(ts, node.arguments[0]);
      if (isProcessEnv(ctx, arg)) return 'process.env';
      if (isGlobalObject(ctx, arg)) {
        const name =
          callee.name.text === 'defineProperty' ? node.arguments[1] && skipOuter(ts, node.arguments[1]) : undefined;
        return name && ts.isStringLiteral(name) ? `globalThis.${name.text}` : 'globalThis';
      }
    }
  }
  return undefined;
}

/** The values a global write stores: `v` in `x = v`, the sources of `Object.assign(process.env, v)`; none for `x++` or `delete x`. */
function writtenValues(ctx: FileContext, node: TS.Node): TS.Expression[] {
  const ts = ctx.ts;
  if (ts.isBinaryExpression(node)) return [node.right];
  if (ts.isCallExpression(node)) return node.arguments.slice(1);
  return [];
}

/**
 * Whether a value comes from the request: it uses a parameter of the function it is written in
 * (`req`, `ctx`, an exported function's argument), directly or through local variables.
 * Constants, configuration and what the server fetches for itself do not.
 */
function fromRequestData(ctx: FileContext, value: TS.Expression, depth: number): boolean {
  const ts = ctx.ts;
  if (depth > 4) return false;
  let found = false;
  walk(ts, value, (node) => {
    if (found) return false;
    if (!ts.isIdentifier(node)) return;
    const binding = ctx.binder.resolve(node);
    if (!binding || ctx.binder.isModuleScope(binding)) return;
    if (binding.kind === 'param') found = true;
    else if (ts.isVariableDeclaration(binding.declaration) && binding.declaration.initializer)
      found = fromRequestData(ctx, binding.declaration.initializer, depth + 1);
    else if (ts.isBindingElement(binding.declaration)) {
      let decl: TS.Node = binding.declaration;
      while (ts.isBindingElement(decl) || ts.isObjectBindingPattern(decl) || ts.isArrayBindingPattern(decl))
        decl = decl.parent;
      if (ts.isParameter(decl)) found = true;
      else if (ts.isVariableDeclaration(decl) && decl.initializer)
        found = fromRequestData(ctx, decl.initializer, depth + 1);
    }
  });
  return found;
}

/** `globalThis.x…` → `globalThis.x`; `process.env.X` → `process.env.X`. */
function globalKey(ctx: FileContext, expr: TS.Expression): string | undefined {
  const ts = ctx.ts;
  let e = skipOuter(ts, expr);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    if (isProcessEnv(ctx, e.expression)) {
      return `process.env.${memberName(ts, e) ?? '[…]'}`;
    }
    if (isGlobalObject(ctx, e.expression)) return `globalThis.${memberName(ts, e) ?? '[…]'}`;
    e = skipOuter(ts, e.expression);
  }
  return undefined;
}

// globalThis, global, or an alias: const g = globalThis as unknown as { prisma?: PrismaClient }
function isGlobalObject(ctx: FileContext, expr: TS.Expression, depth = 0): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (ctx.binder.isGlobal(e, 'globalThis') || ctx.binder.isGlobal(e, 'global')) return true;
  if (!ts.isIdentifier(e) || depth > 3) return false;
  const binding = ctx.binder.resolve(e);
  const decl = binding?.declaration;
  return (
    binding?.kind === 'const' &&
    decl !== undefined &&
    ts.isVariableDeclaration(decl) &&
    decl.initializer !== undefined &&
    isGlobalObject(ctx, decl.initializer, depth + 1)
  );
}

function isProcessEnv(ctx: FileContext, expr: TS.Expression): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  return (
    ts.isPropertyAccessExpression(e) &&
    e.name.text === 'env' &&
    ctx.binder.isGlobal(skipOuter(ts, e.expression), 'process')
  );
}

/** A value that is a handle a package made (`new Kafka(…)`), directly or through a local variable. */
function isHandle(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  const v = skipOuter(ts, value);
  if (ts.isNewExpression(v) || ts.isCallExpression(v)) return isPackageHandle(ctx, v);
  if (!ts.isIdentifier(v)) return false;
  const given = assignedValues(ctx, v);
  return (
    given !== undefined &&
    given.length > 0 &&
    given.every((g) => {
      const e = skipOuter(ts, g);
      return (ts.isNewExpression(e) || ts.isCallExpression(e)) && isPackageHandle(ctx, e);
    })
  );
}

/**
 * Whether `node` runs only outside production: in the branch of an `if` on `process.env.NODE_ENV`
 * that excludes `'production'` (`!== 'production'`, `=== 'development'`, `=== 'test'`), in its
 * function. A deployment that scales out runs in production.
 */
function outsideProductionOnly(ctx: FileContext, node: TS.Node): boolean {
  const ts = ctx.ts;
  for (let child = node, up = node.parent; up && !ts.isFunctionLike(up); child = up, up = up.parent) {
    if (!ts.isIfStatement(up) || up.thenStatement !== child) continue;
    const test = skipOuter(ts, up.expression);
    if (!ts.isBinaryExpression(test)) continue;
    const op = test.operatorToken.kind;
    const [a, b] = [skipOuter(ts, test.left), skipOuter(ts, test.right)];
    const env = ts.isStringLiteral(a) ? b : a;
    const value = ts.isStringLiteral(a) ? a : ts.isStringLiteral(b) ? b : undefined;
    if (!value || memberName(ts, env) !== 'NODE_ENV') continue;
    const differs = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    const equals = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    if ((differs && value.text === 'production') || (equals && value.text !== 'production')) return true;
  }
  return false;
}
