import type { FileContext } from './context.js';

/**
 * A value computed once per file, on first use, for the detectors that share work: declare it
 * once, `const pieces = perFile((ctx) => …)`, and ask `pieces(ctx)`. The context itself stays
 * read-only.
 */
export function perFile<T>(compute: (ctx: FileContext) => T): (ctx: FileContext) => T {
  const values = new WeakMap<FileContext, { value: T }>();
  return (ctx) => {
    let known = values.get(ctx);
    if (!known) {
      known = { value: compute(ctx) };
      values.set(ctx, known);
    }
    return known.value;
  };
}
