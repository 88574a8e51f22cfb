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

/** What statecheck suggests instead: a sentence and the packages that do it. */
export interface Suggestion {
  summary: string;
  packages: string[];
}
