/**
 * The data that travels between the CLI's steps: what one file's analysis gives, what the link
 * step reads and returns, and the scan result the reporters print. Declared here, below both
 * the modules that produce them and those that read them.
 */
import type { Colors } from 'picocolors/types.js';
import type {
  AnalyzeOptions,
  Category,
  Condition,
  ExportTarget,
  ImportUse,
  Severity,
  Suggestion,
  SummaryState,
  WriteFacts,
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
  /** For a symbolic link: its target (see SelectedFile). */
  source?: string;
  knownHash?: string;
}

/** One file's outcome: findings (severity applied later by the run), errors, or why it was skipped. */
export interface FileResult {
  findings: FileFinding[];
  errors: ScanError[];
  /** The file was not analysed on purpose (generated, minified, too large, binary, …). */
  skipped?: SkippedFile;
  /** With cross-file analysis: the file's exports, exported state and uses of other modules. */
  summary?: FileSummary;
  /** With `reportUnusedDirectives`: the `statecheck-disable` comments that silence nothing. */
  unusedDirectives?: { at: Located; end: Located; directive: string; lineText: string }[];
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

/** A module summary (core/summary.ts) with offsets turned into lines and columns. */
export interface FileSummary {
  exports: [name: string, target: ExportTarget][];
  starExports: string[];
  frameworkModule: boolean;
  commonJs: boolean;
  state: (Omit<SummaryState, 'start' | 'end' | 'writes'> & {
    at: Located;
    end: Located;
    lineText: string;
    writes: { at: Located; condition?: Condition; facts: WriteFacts }[];
  })[];
  uses: (Omit<ImportUse, 'start' | 'end'> & { at: Located; end: Located; lineText?: string })[];
}

/** A finding of one file's pass, before the link step settles what depends on other files. */
export interface FileFinding extends Omit<Finding, 'severity' | 'related' | 'category'> {
  category: Category;
  related: (RelatedLocation & { condition?: Condition })[];
  condition?: Condition | 'related';
  /** The export that creates this store for its callers (core/types.ts). */
  factory?: string;
  /** With `factory`: what the store is, for the messages of its call sites. */
  what?: string;
  /** With `factory`: silenced at the creation, which covers the creation only (core/types.ts). */
  suppressed?: true;
}

/** One analysed file as the link step sees it. */
export interface LinkFile {
  /** Absolute path. */
  path: string;
  /** Display path. */
  file: string;
  /** Read for the link only (another shard, an unchanged file, a script): never reported. */
  context: boolean;
  /** Outside the server (a script, a migration): its calls are never request time. */
  outside?: boolean;
  findings: readonly FileFinding[];
  summary?: FileSummary;
}

export interface ReporterOptions {
  cwd: string;
  colors: Colors;
}

/** A reporter turns a scan result into text; it never writes or exits. */
export type Reporter = (result: ScanResult, options: ReporterOptions) => string;
