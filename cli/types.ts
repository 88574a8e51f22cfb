/**
 * The data that travels between the CLI's steps: what one file's analysis gives, what the link
 * step reads and returns, and the scan result the reporters print. Declared here, below both
 * the modules that produce them and those that read them.
 */
import type { Colors } from 'picocolors/types.js';
import type {
  AnalyzeOptions,
  Category,
  CoreFinding,
  ModuleSummary,
  ScopeFacts,
  Severity,
  Suggestion,
} from '../core/index.js';

/** A 1-based line and column. */
export interface Located {
  line: number;
  column: number;
}

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * The rule id and category of a `statecheck-disable` comment that silences nothing
 * (`--report-unused-disable-directives`); not a detector's category.
 */
export const UNUSED_DIRECTIVE = 'unused-disable-directive';

/** A finding as reported by the CLI (docs/output-contract.md). */
export interface Finding {
  ruleId: string;
  category: Category | typeof UNUSED_DIRECTIVE;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  suggestion: Suggestion;
  related: RelatedLocation[];
  fingerprint: string;
  /**
   * The short, stable name of the piece of state: the variable, field or global of hand-rolled
   * state (`sessions`, `process.env.TENANT`), the library of a store (`express-session`). What
   * `allow` lists match.
   */
  subject: string;
}

/** A file that could not be read or parsed (fully), or whose analysis failed in part. */
export interface ScanError {
  file: string;
  message: string;
}

/** Why a file was not analysed on purpose (the JSON report's `skipped` list and `summary.skipped`). */
export const SKIP_KINDS = ['generated', 'minified', 'too-large', 'binary', 'not-regular', 'flow'] as const;

export type SkipKind = (typeof SKIP_KINDS)[number];

/** A file not analysed on purpose: generated, minified, too large, binary, not a regular file, Flow. */
export interface SkippedFile {
  file: string;
  kind: SkipKind;
  reason: string;
}

export interface ScanResult {
  findings: Finding[];
  /** Files that could not be read or parsed (fully). */
  errors: ScanError[];
  /** Files not analysed on purpose. */
  skipped: SkippedFile[];
  /** Files named on the command line but outside the default scope. */
  outOfScope: { file: string; reason: string }[];
  summary: {
    files: number;
    findings: number;
    errors: number;
    skipped: Partial<Record<SkipKind, number>>;
    /** With cross-file analysis: how the run decided what is server code, and how many files it read as what. */
    scope?: ScopeSummary;
    durationMs: number;
  };
  /** Set when a baseline filtered the findings. */
  baseline?: { file: string; suppressed: number; stale: number };
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
}

/**
 * What the JSON report's `summary.scope` says: whether the program's entry points or the path
 * scope decided what is server code, and how many files the program read as what.
 */
export interface ScopeSummary {
  mode: 'entry-points' | 'path-scope';
  entryPoints: number;
  /** Files read as server code (reported when selected). */
  server: number;
  /** Files read as context only, by why they are not server code. */
  context: { browser: number; cli: number; test: number; tooling: number; 'not-reached': number };
  /** Files not analysed on purpose (generated, minified, too large) or that could not be read. */
  skipped: number;
}

/** `statecheck --format json`, parsed: the output contract, version 1 (docs/output-contract.md). */
export interface JsonReport {
  version: 1;
  findings: Finding[];
  errors: ScanError[];
  skipped: SkippedFile[];
  summary: ScanResult['summary'] & { baseline?: NonNullable<ScanResult['baseline']> };
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
}

/** A reporter turns a scan result into text; it never writes or exits. */
export type Reporter = (result: ScanResult, options: ReporterOptions) => string;
