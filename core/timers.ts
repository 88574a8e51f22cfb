import { skipOuter } from './ast.js';
import type { Binder } from './binder.js';
import type { ImportResolver } from './imports.js';
import type { TS, TypeScript } from './types.js';

export type TimerName = 'setInterval' | 'setTimeout';

/**
 * Modules whose functions are Node's timers, by member: `timers` itself and packages that
 * re-export them for delays longer than 24.8 days. A timer from these is a timer like the global
 * one. (Data, kept here rather than in the catalogue: these are not stores, and both the
 * scheduler rule and the reachability analysis read it. Maps: the names looked up come from the
 * scanned code, `constructor` and `__proto__` included.)
 */
const TIMER_MODULES: ReadonlyMap<string, ReadonlyMap<string, TimerName>> = new Map([
  ['timers', timers()],
  ['timers/promises', timers()],
  ['long-timeout', timers()],
  ['safe-timers', timers(['setTimeoutAt', 'setTimeout'])],
  ['unlimited-timeout', timers()],
]);

/** `setInterval` and `setTimeout` under their own names, and `more` (member, timer). */
function timers(...more: [string, TimerName][]): ReadonlyMap<string, TimerName> {
  return new Map<string, TimerName>([['setInterval', 'setInterval'], ['setTimeout', 'setTimeout'], ...more]);
}

/**
 * The timer a callee is: `setInterval`, `global.setTimeout`, `globalThis.setInterval`,
 * `timers.setInterval`, or a timer of a package in TIMER_MODULES (`lt.setInterval`, `import {
 * setTimeout } from 'unlimited-timeout'`).
 */
export function timerName(
  ts: TypeScript,
  binder: Binder,
  imports: ImportResolver,
  callee: TS.Expression,
): TimerName | undefined {
  const e = skipOuter(ts, callee);
  let name: string | undefined;
  if (ts.isIdentifier(e) && binder.isGlobal(e)) name = e.text;
  else if (
    ts.isPropertyAccessExpression(e) &&
    (binder.isGlobal(e.expression, 'globalThis') || binder.isGlobal(e.expression, 'global'))
  )
    name = e.name.text;
  else {
    const ref = imports.resolve(e);
    return ref && ref.path.length === 1 ? TIMER_MODULES.get(ref.module)?.get(ref.path[0]!) : undefined;
  }
  return name === 'setInterval' || name === 'setTimeout' ? name : undefined;
}
