import { skipOuter } from '../ast.js';
import { CATEGORY_INFO } from '../categories.js';
import type { FileContext } from '../context.js';
import { SHARED_CONTEXT } from '../reach.js';
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
    const timer = timerName(ctx, node.expression);
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

/** `setInterval`, `global.setInterval`, `timers.setInterval` (also from `timers/promises`). */
function timerName(ctx: FileContext, callee: TS.Expression): 'setInterval' | 'setTimeout' | undefined {
  const ts = ctx.ts;
  const e = skipOuter(ts, callee);
  let name: string | undefined;
  if (ts.isIdentifier(e) && ctx.binder.isGlobal(e)) name = e.text;
  else if (
    ts.isPropertyAccessExpression(e) &&
    (ctx.binder.isGlobal(e.expression, 'globalThis') || ctx.binder.isGlobal(e.expression, 'global'))
  )
    name = e.name.text;
  else {
    const ref = ctx.imports.resolve(e);
    if (ref && (ref.module === 'timers' || ref.module === 'timers/promises') && ref.path.length === 1)
      name = ref.path[0];
  }
  return name === 'setInterval' || name === 'setTimeout' ? name : undefined;
}

// function poll() { …; setTimeout(poll, 5000) }
function reschedulesItself(ctx: FileContext, call: TS.CallExpression): boolean {
  const ts = ctx.ts;
  const callback = call.arguments[0] && skipOuter(ts, call.arguments[0]);
  if (!callback || !ts.isIdentifier(callback)) return false;
  const decl = ctx.binder.resolve(callback)?.declaration;
  if (!decl) return false;
  const target = ts.isVariableDeclaration(decl) && decl.initializer ? skipOuter(ts, decl.initializer) : decl;
  for (let node: TS.Node | undefined = call.parent; node; node = node.parent) {
    if (node === target) return true;
  }
  return false;
}
