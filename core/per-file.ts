import type { FileContext } from './context.js';

/**
 * A value computed once per file, on first use, for the detectors that share work: declare it
 * once, `const pieces = perFile((ctx) => …)`, and ask `pieces(ctx)`. The value is kept by the
 * file's context, keyed by `compute`, and goes with it.
 */
export function perFile<T>(compute: (ctx: FileContext) => T): (ctx: FileContext) => T {
  return (ctx) => ctx.once(compute);
}
