import type { AnalyzeOptions } from '../types.js';
import { findCallers, settleContexts } from './callers.js';
import { Failures } from './failures.js';
import { exportLookup } from './lookup.js';
import { reportExportedState, reportFactoryCalls } from './report.js';
import { settleFindings } from './settle.js';
import type { ModuleResolver, ProgramFile, ProgramResult } from './types.js';

export interface LinkInput {
  files: readonly ProgramFile[];
  resolve: ModuleResolver;
  options: AnalyzeOptions;
  /** How a message names a place in a file (`src/cache.ts:12`): the host knows lines, the program offsets. */
  where: (file: number, offset: number) => string;
}

/**
 * Joins per-file results into the program's, phase by phase: export lookup, callers, contexts
 * (when each export runs), settling (the conditions of each file's findings), reporting
 * (exported state written elsewhere, stores created by wrappers). Returns the findings of the
 * files that are not `context`.
 *
 * Each module's parts run guarded: a part that throws is left out and the module gets a
 * failure; its other parts, and every other module, are still linked.
 */
export function linkProgram({ files, resolve, options, where }: LinkInput): ProgramResult {
  const failures = new Failures();
  const lookup = exportLookup(files, resolve, failures);
  const callers = findCallers(files, lookup, failures);
  const contexts = settleContexts(files, callers, failures);
  const settled = settleFindings(files, callers, contexts, failures);
  const findings = [
    ...settled.findings,
    ...reportExportedState(files, callers, contexts, failures, options),
    ...reportFactoryCalls(files, callers, contexts, settled, failures, options, where),
  ];
  return { findings, failures: failures.list(files) };
}
