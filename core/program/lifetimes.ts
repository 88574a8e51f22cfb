import { BACKGROUND, LOAD, UNKNOWN } from '../reach.js';
import type { SummaryClass } from '../summary.js';
import type { Callers, Contexts } from './callers.js';
import type { Failures } from './failures.js';
import type { ProgramFile } from './types.js';

/** How long the instances of a class live. */
export type Lifetime = 'process' | 'transient' | 'unknown';

export interface Lifetimes {
  /** The lifetime of class `cls` (its index in the file's `summary.classes`) of `file`. */
  of(file: number, cls: number): Lifetime;
}

/** Contexts in which a construction makes one object for the whole process. */
const LONG_LIVED = LOAD | BACKGROUND;

/**
 * How long each class's instances live (phase: lifetimes). A class is long-lived when every
 * place that constructs it, in its own file or another, runs while the server starts, in the
 * background, or in the constructor or a start-up method of another long-lived object (the
 * contexts carry that, to their fixed point); it is transient when one runs per request. A
 * class registered with a dependency-injection container as a singleton lives as long as the
 * process; one passed on otherwise (a registration, a subclass) or never constructed in sight is
 * unknown.
 * A class the server never constructs takes the lifetime its constructions outside the server
 * show (a library's playground building it at load time).
 */
export function settleLifetimes(
  files: readonly ProgramFile[],
  callers: Callers,
  contexts: Contexts,
  failures: Failures,
): Lifetimes {
  const found = files.map((f, i) =>
    failures.guard(i, [] as Lifetime[], () => (f.summary?.classes ?? []).map((c) => lifetimeOf(i, c))),
  );
  function lifetimeOf(file: number, cls: SummaryClass): Lifetime {
    if (cls.singleton) return 'process';
    let mask = contexts.contextOf(file, cls.constructed);
    // Where only code outside the server constructs it (a library's examples, its tests), they
    // show how the server is meant to: once at load time in a playground, per case in a test.
    let outside = 0;
    for (const name of cls.exports) {
      for (const use of callers.of(file, name) ?? []) {
        if (use.use.singleton) return 'process';
        const own = files[use.file]!.outside;
        // Its own bits only: the program does not settle when code outside the server runs.
        if (own && use.use.construct) outside |= use.use.context.mask || UNKNOWN;
        else if (!own) mask |= use.use.construct ? contexts.useContext(use) : UNKNOWN;
      }
    }
    if (mask === 0) mask = outside;
    if (mask === 0 || mask & UNKNOWN) return 'unknown';
    return mask & ~LONG_LIVED ? 'transient' : 'process';
  }
  return { of: (file, cls) => found[file]?.[cls] ?? 'unknown' };
}
