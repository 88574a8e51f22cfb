import { isFunctionNode, nameText, skipOuter, walk } from '../ast.js';
import { CATEGORY_INFO } from '../categories.js';
import type { FileContext } from '../context.js';
import { SHARED_CONTEXT } from '../reach.js';
import { type TimerName, timerName } from '../timers.js';
import type { CoreFinding, TS } from '../types.js';
import { detector } from './detector.js';
import { makeFinding, snippet } from './finding.js';
import { libraryFinders } from './library-findings.js';

const TIMERS = {
  summary: CATEGORY_INFO['in-process-scheduler'].suggestion.summary,
  packages: CATEGORY_INFO['in-process-scheduler'].suggestion.packages,
};

// setInterval(flush, 60_000) at start-up; cron.schedule('0 * * * *', job); @Cron('…')
export const inProcessScheduler = detector('in-process-scheduler', ...libraryFinders('in-process-scheduler'), {
  // Every way to reach the timer functions names them (`const { setInterval: every } = …` too).
  mayMatch: (file) => file.mentions(/set(?:Interval|Timeout)/),
  find: timers,
});

/**
 * `setInterval` started outside a request (a per-connection heartbeat inside a handler is fine),
 * and a `setTimeout` that reschedules the function it runs in.
 */
function timers(ctx: FileContext): CoreFinding[] {
  const findings: CoreFinding[] = [];
  for (const node of ctx.calls) {
    const timer = timerOf(ctx, node.expression);
    if (!timer) continue;
    const when = ctx.when(node, SHARED_CONTEXT);
    if (!when.holds) continue;
    const found = { category: 'in-process-scheduler', node, suggestion: TIMERS, condition: when.condition } as const;
    if (timer === 'setInterval') {
      findings.push(
        makeFinding(ctx, {
          ...found,
          what: `${snippet(ctx, node)} runs on a timer in the web process`,
          subject: 'setInterval',
        }),
      );
    } else if (reschedulesItself(ctx, node)) {
      findings.push(
        makeFinding(ctx, {
          ...found,
          what: `${snippet(ctx, node)} reschedules its own function, a timer loop in the web process`,
          subject: 'setTimeout loop',
        }),
      );
    }
  }
  return findings;
}

/** The timer a callee starts (see timers.ts: globals, `timers`, and packages that re-export them). */
function timerOf(ctx: FileContext, callee: TS.Expression): TimerName | undefined {
  return timerName(ctx.ts, ctx.binder, ctx.imports, callee);
}

/** How many functions `reschedulesItself` follows from a timer's callback: polling loops are short chains. */
const MAX_LOOP_FUNCTIONS = 32;

/**
 * Whether a `setTimeout` re-arms the loop it is part of: its callback runs, directly or through
 * the file's own functions and methods, the function that set it, after a delay. `function poll() { …;
 * setTimeout(poll, t) }`, `setTimeout(() => this.poll(), t)` inside `poll`,
 * `setTimeout(this.invoke.bind(this), t)` inside `invoke`, and mutual recursion (`beat` sets a
 * timer for `safeBeat`, which calls `beat`).
 */
function reschedulesItself(ctx: FileContext, call: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const callback = call.arguments[0] && skipOuter(ts, call.arguments[0]);
  if (!callback || defers(ctx, call)) return false;
  const enclosing = new Set<TS.Node>();
  for (let node: TS.Node | undefined = call.parent; node; node = node.parent)
    if (isFunctionNode(ts, node)) enclosing.add(node);
  if (enclosing.size === 0) return false;
  const seen = new Set<TS.Node>();
  const queue = calledFunctions(ctx, callback, call);
  while (queue.length > 0 && seen.size < MAX_LOOP_FUNCTIONS) {
    const fn = queue.shift()!;
    if (seen.has(fn)) continue;
    if (enclosing.has(fn)) return true;
    seen.add(fn);
    walk(ts, fn, (node) => {
      if (ts.isCallExpression(node)) queue.push(...calledFunctions(ctx, node.expression, call));
    });
  }
  return false;
}

/**
 * `setTimeout(fn)`, `setTimeout(fn, 0)`: the callback is deferred to a later turn of the event
 * loop (draining a queue, recursing asynchronously), not scheduled after a delay.
 */
function defers(ctx: FileContext, call: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const delay = call.arguments[1] && skipOuter(ts, call.arguments[1]);
  return !delay || (ts.isNumericLiteral(delay) && Number(delay.text) === 0);
}

/**
 * The file's functions an expression runs when called or passed as a callback: a function written
 * in place, a local function by name (`poll`), a method of the class around `site` (`this.poll`,
 * also `this.poll.bind(this)`).
 */
function calledFunctions(ctx: FileContext, expr: TS.Expression, site: TS.Node): TS.Node[] {
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
    let cls: TS.Node | undefined = site.parent;
    while (cls && !ts.isClassLike(cls)) cls = cls.parent;
    if (!cls || !ts.isClassLike(cls)) return [];
    const name = e.name.text;
    for (const member of cls.members) {
      if (nameText(ts, member.name) !== name) continue;
      if (ts.isMethodDeclaration(member)) return [member];
      const init = ts.isPropertyDeclaration(member) && member.initializer && skipOuter(ts, member.initializer);
      if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return [init];
    }
  }
  return [];
}
