/**
 * The data that travels between the CLI's steps: what one file's analysis gives, what the link
 * step reads and returns, and the scan result the reporters print. Declared here, below both
 * the modules that produce them and those that read them.
 */
import type { Colors } from 'picocolors/types.js';
import type { ContextKind } from '../core/program/scope.js';
import type { AnalyzeOptions, CoreFinding, ModuleSummary, ScopeFacts } from '../core/index.js';

export {
  type BaselineSummary,
  type Finding,
  type JsonReport,
  type RelatedLocation,
  type ReportSummary,
  type ScanError,
  type ScopeSummary,
  SKIP_KINDS,
  type SkipKind,
  type SkippedFile,
  UNUSED_DIRECTIVE,
} from './contract.js';
import type { BaselineSummary, Finding, ReportSummary, ScanError, SkippedFile } from './contract.js';

/** A 1-based line and column. */
export interface Located {
  line: number;
  column: number;
}

export interface ScanResult {
  findings: Finding[];
  /** Files that could not be read or parsed (fully). */
  errors: ScanError[];
  /** Files not analysed on purpose. */
  skipped: SkippedFile[];
  /** Files named on the command line but outside the default scope. */
  outOfScope: { file: string; reason: string }[];
  summary: ReportSummary;
  /** Set when a baseline filtered the findings. */
  baseline?: BaselineSummary;
  /** `statecheck-disable` comments that silence nothing, as warnings; the run adds them to `findings` after the baseline. */
  unusedDirectives?: Finding[];
  /**
   * The lines of a scanned file, read again the way the analysis read it (the same file, never
   * through a link, the same decoding and line ends), for code frames; not part of any report.
   */
  sourceLines?: (file: string) => readonly string[] | undefined;
  /** With cross-file analysis: why a file is or is not server code (`--explain-scope`); not part of any report. */
  explainScope?: (path: string) => string[];
  /** With cross-file analysis: the entry points found; not part of any report. */
  entryPoints?: readonly { path: string; why: string }[];
  /** With cross-file analysis: every file the program read, and what it was read as; not part of any report. */
  fileScopes?: readonly { path: string; scope: 'server' | ContextKind }[];
}

/** Which files are skipped (listed in `skipped`) instead of analysed. */
export interface Limits {
  /** Files larger than this many bytes are skipped; 0: no limit. */
  maxFileSize: number;
  /** Skip files that say they are generated, and minified bundles. */
  skipGenerated: boolean;
}

/** What every file of a run is analysed with; plain data, so it can cross to a worker thread. */
export interface AnalysisSettings {
  analyze: AnalyzeOptions;
  debug: boolean;
  limits?: Limits;
}

/** A file to analyse; `knownHash` is the content hash of a cached result, if any. */
export interface FileJob {
  path: string;
  file: string;
  /** With cross-file analysis: the file's path below its package's folder, for conventions anchored there. */
  packagePath?: string;
  /** For a symbolic link: its target (see SelectedFile). */
  source?: string;
  knownHash?: string;
}

/**
 * One file's outcome: the core's findings (offsets; severity, lines and fingerprints are
 * applied at the end of the run), errors, or why it was skipped.
 */
export interface FileResult {
  findings: CoreFinding[];
  errors: ScanError[];
  /** The file was not analysed on purpose (generated, minified, too large, binary, …). */
  skipped?: SkippedFile;
  /** With cross-file analysis: the file's exports, exported state and uses of other modules. */
  summary?: ModuleSummary;
  /** With `reportUnusedDirectives`: the `statecheck-disable` comments that silence nothing. */
  unusedDirectives?: { at: Located; end: Located; directive: string; lineText: string }[];
  /** With cross-file analysis: what the file says about where it runs (core/scope-facts.ts). */
  scopeFacts?: ScopeFacts;
  /** For turning the offsets of findings into lines at the end of the run (cli/positions.ts). */
  lines?: FileLines;
  /** The job's `packagePath` the result was computed with (scope facts depend on it). */
  packagePath?: string;
}

/** The line and column of each offset a finding can use, and the texts of the lines findings can start on. */
export interface FileLines {
  at: [offset: number, line: number, column: number][];
  texts: [line: number, text: string][];
}

/**
 * What analysing a job gives: the content hash, and the result unless the content matched
 * `knownHash`. `overflow`: the parser or a detector ran out of stack, which depends on the
 * thread's stack size (see pool.ts).
 */
export interface JobOutcome {
  hash?: string;
  result?: FileResult;
  overflow?: boolean;
}

export interface ReporterOptions {
  cwd: string;
  colors: Colors;
  /** Columns to wrap messages at (pretty): the terminal's width, 100 when unknown or not a terminal. */
  width?: number;
}

/** A reporter turns a scan result into text; it never writes or exits. */
export type Reporter = (result: ScanResult, options: ReporterOptions) => string;
