/**
 * The ids and shapes of the output contract that the core defines. No import of TypeScript here:
 * the published types of the report (`statecheck/api`) reach this file.
 */

/** The nine fixed category ids (docs/output-contract.md; the README's "What it finds"). */
export const CATEGORIES = [
  'module-state',
  'file-write',
  'memory-session',
  'process-cache',
  'memory-rate-limit',
  'socket-registry',
  'in-process-scheduler',
  'process-lock',
  'global-mutation',
] as const;

export type Category = (typeof CATEGORIES)[number];

export type Severity = 'error' | 'warn';

/**
 * How sure a finding is (docs/output-contract.md): `certain` when what it rests on is in view (a
 * catalogued library's store or job without a shared store, a write on a request path the
 * program follows); `likely` when the verdict rests on something statecheck cannot see. It
 * decides the default severity: `error` for certain findings, `warn` for likely ones.
 */
export type Confidence = 'certain' | 'likely';

/**
 * What a likely finding rests on: `callers` (whether the code runs per request, or the store is
 * shared, depends on callers not in view: an export no project file calls, a function passed to
 * code statecheck does not follow); `value` (where the stored values come from is not in view,
 * so they may be the same on every instance).
 */
export type Doubt = 'callers' | 'value';

/** What statecheck suggests instead: a sentence and the packages that do it. */
export interface Suggestion {
  summary: string;
  packages: string[];
}
