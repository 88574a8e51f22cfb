import { surelyIn } from '../confidence.js';
import { REQUEST, UNKNOWN, unknownCallersContext } from '../reach.js';
import type { ImportUse, SummaryContext } from '../summary.js';
import type { Condition } from '../types.js';
import type { Failures } from './failures.js';
import type { ExportLookup, Target } from './lookup.js';
import type { ProgramFile } from './types.js';

/** A use of another module's export, with the binding it reaches. */
export interface Use {
  file: number;
  use: ImportUse;
  target: Target;
}

/** Who uses and calls what: every use with its target, by the export called and by the module used. */
export interface Callers {
  uses: readonly Use[];
  /** Uses that call (or write, pass on…) export `name` of `file`; `registry.register` for a method of an exported instance. */
  of(file: number, name: string): readonly Use[] | undefined;
  /** Every use that reaches a binding of `file`. */
  usesOf(file: number): readonly Use[];
  /** The calls of each export, by `exportKey`. */
  called: ReadonlyMap<string, readonly Use[]>;
}

/** `file#name`: the key of an export, and of a method of an exported instance (`registry.register`). */
export const exportKey = (file: number, name: string) => `${file}#${name}`;

/** Every use of every module, resolved to the binding it reaches (phase: callers). */
export function findCallers(files: readonly ProgramFile[], lookup: ExportLookup, failures: Failures): Callers {
  const uses: Use[] = [];
  files.forEach((f, i) => {
    const found = failures.guard(i, [], () => {
      const mine: Use[] = [];
      for (const use of f.summary?.uses ?? []) {
        const target = lookup.targetOf(i, use);
        if (target) mine.push({ file: i, use, target });
      }
      return mine;
    });
    uses.push(...found);
  });
  const called = new Map<string, Use[]>();
  const usesOf = new Map<number, Use[]>();
  for (const entry of uses) {
    const into = usesOf.get(entry.target.file);
    if (into) into.push(entry);
    else usesOf.set(entry.target.file, [entry]);
    // `registry.register(…)`: a call of a method of an exported instance; `server.serve()` of an
    // instance of an exported class (`Server.prototype.serve`).
    const { rest } = entry.target;
    const method =
      entry.use.call === undefined
        ? undefined
        : rest.length === 1
          ? `${entry.target.name}.${rest[0]}`
          : rest.length === 2 && rest[0] === 'prototype'
            ? `${entry.target.name}.prototype.${rest[1]}`
            : undefined;
    if (entry.target.rest.length > 0 && method === undefined) continue;
    const k = exportKey(entry.target.file, method ?? entry.target.name);
    const callers = called.get(k);
    if (callers) callers.push(entry);
    else called.set(k, [entry]);
  }
  return {
    uses,
    of: (file, name) => called.get(exportKey(file, name)),
    usesOf: (file) => usesOf.get(file) ?? [],
    called,
  };
}

/** When code runs, across files: read-only answers for the phases after this one. */
export interface Contexts {
  /** The contexts (reach.ts bits) in which export `name` of `file` runs. */
  exportContext(file: number, name: string): number;
  /** The contexts of a summary context of `file` (its own bits, plus its exports'). */
  contextOf(file: number, context: SummaryContext): number;
  /** The context of a use; 0 when it cannot be read (its writes and calls are not reported). */
  useContext(use: Use): number;
  /** Whether a condition of `file`'s findings holds. */
  holds(file: number, condition: Condition): boolean;
  /** Whether it holds through contexts in view, not only through callers statecheck cannot see. */
  sure(file: number, condition: Condition): boolean;
}

/** Rounds of "when an export runs is when its callers do": each round follows calls one module further. */
const MAX_CONTEXT_ROUNDS = 64;

/**
 * When each export runs: the union of its callers' contexts, to a fixed point (phase:
 * contexts). A caller in a file outside the server (a test, a script) adds nothing; an export
 * with no caller in the program has unknown callers.
 */
export function settleContexts(files: readonly ProgramFile[], callers: Callers, failures: Failures): Contexts {
  const ext = new Map<string, number>();
  const exportContext = (file: number, name: string): number => {
    const callersOf = callers.of(file, name);
    const mask = callersOf ? (ext.get(exportKey(file, name)) ?? 0) : unknownCallersContext(name);
    // The framework calls a framework module's exports per request (a route handler, a loader).
    if (files[file]!.summary?.frameworkModule) return mask | REQUEST | UNKNOWN;
    // An instance or class used whole elsewhere (passed on, stored) has methods anyone may call;
    // constructing a class (`new Registry()`) does not pass its statics on, nor does handing it
    // to a dependency-injection container (a singleton registration, a decorator's arguments).
    const dot = name.indexOf('.');
    const passedOn =
      dot > 0 &&
      (callers.of(file, name.slice(0, dot)) ?? []).some(
        (c) => !c.use.construct && !c.use.singleton && !c.use.registered,
      );
    return mask | (passedOn ? UNKNOWN : 0);
  };
  const contextOf = (file: number, context: SummaryContext): number => {
    if (files[file]!.outside) return 0;
    let mask = context.mask;
    for (const name of context.via) mask |= exportContext(file, name);
    return mask;
  };
  const conditionMask = (file: number, condition: Condition): number =>
    condition.exports.reduce((m, n) => m | exportContext(file, n), 0);
  const useContext = (entry: Use): number =>
    failures.guard(entry.file, 0, () => contextOf(entry.file, entry.use.context));

  let changing: number[] = [];
  for (let round = 0, changed = true; changed && round < MAX_CONTEXT_ROUNDS; round++) {
    changed = false;
    changing = [];
    for (const [k, callersOf] of callers.called) {
      let mask = 0;
      // A caller whose context cannot be read: when it calls is unknown.
      for (const caller of callersOf)
        mask |= failures.guard(caller.file, UNKNOWN, () => contextOf(caller.file, caller.use.context));
      if (mask !== (ext.get(k) ?? 0)) {
        ext.set(k, mask);
        changed = true;
        changing.push(callersOf[0]!.target.file); // the export's module
      }
    }
  }
  failures.unsettle(changing);
  return {
    exportContext,
    contextOf,
    useContext,
    holds: (file, condition) => (conditionMask(file, condition) & condition.need) !== 0,
    sure: (file, condition) => surelyIn(conditionMask(file, condition), condition.need),
  };
}
