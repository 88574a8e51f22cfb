/**
 * The JSON report (docs/output-contract.md) as types: what `statecheck --format json` prints and
 * `scan()` of `statecheck/api` returns. Published with the package, so this file and what it
 * imports need no TypeScript compiler types.
 */
import type { Category, Confidence, Severity, Suggestion } from '../core/ids.js';

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
  /**
   * `certain` when what the finding rests on is in view; `likely` when it rests on callers,
   * names or values statecheck cannot see (the message ends by saying which). It decides the
   * default severity: `error` for certain, `warn` for likely.
   */
  confidence: Confidence;
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

/** The report's `summary`. */
export interface ReportSummary {
  files: number;
  findings: number;
  errors: number;
  skipped: Partial<Record<SkipKind, number>>;
  /** With cross-file analysis: how the run decided what is server code, and how many files it read as what. */
  scope?: ScopeSummary;
  durationMs: number;
}

/** `summary.baseline`: set when a baseline filtered the findings. */
export interface BaselineSummary {
  file: string;
  suppressed: number;
  stale: number;
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
  summary: ReportSummary & { baseline?: BaselineSummary };
}
