/**
 * The program model's input and output: per-file results joined by the phases of this folder.
 * Positions are text offsets into each file's source, as the per-file analysis gives them; the
 * host turns them into lines (and fingerprints) once, at the end.
 */
import type { ModuleSummary } from '../summary.js';
import type { Category, CoreFinding, Suggestion } from '../types.js';

/** One analysed file as the program sees it. */
export interface ProgramFile {
  /** Absolute path, what the resolver takes and gives. */
  path: string;
  /** Read for the program only (another shard, an unchanged file, a script, browser code): never reported. */
  context: boolean;
  /** Outside the server (a test, a script, a CLI, browser code): its calls never make anything request time. */
  outside?: boolean;
  /** The findings of the file's own pass, in its order. */
  findings: readonly CoreFinding[];
  summary?: ModuleSummary;
}

/** The project file a specifier names from a file, if it names one. */
export type ModuleResolver = (fromPath: string, specifier: string) => string | undefined;

/** A location in a file of the program: the file's index, an offset in its text. */
export interface ProgramLocation {
  file: number;
  start: number;
  message: string;
}

/** A finding of the program: offsets into `file`'s text. */
export interface ProgramFinding {
  file: number;
  category: Category;
  subject: string;
  start: number;
  end: number;
  message: string;
  suggestion: Suggestion;
  related: ProgramLocation[];
  /** A finding of the file's own pass, settled: its index in `ProgramFile.findings`. */
  own?: number;
}

/** A module whose part of the program could not be computed. */
export interface ProgramFailure {
  file: number;
  /** What was thrown; absent when a fixed point stopped at its bound before settling. */
  error?: unknown;
}

export interface ProgramResult {
  findings: ProgramFinding[];
  /** One entry per module, for modules that are not context. */
  failures: ProgramFailure[];
}
