import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ts as morphTs } from 'ts-morph';
import {
  analyzeSourceFile,
  type AnalyzeOptions,
  type Category,
  CATEGORY_INFO,
  type CoreFinding,
  lineOf,
  lineStarts,
  parseErrors,
  parseSource,
  ruleIdOf,
  type Severity,
  type Suggestion,
  type TypeScript,
} from '../core/index.js';
import { describe, discover, type Selection, toPosix } from './files.js';

/** The core receives ts-morph's own TypeScript: nodes of one copy only. */
const ts = morphTs as unknown as TypeScript;

export interface RelatedLocation {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** A finding as reported by the CLI (DESIGN.md output contract). */
export interface Finding {
  ruleId: string;
  category: Category;
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
}

export interface ScanError {
  file: string;
  message: string;
}

export interface ScanResult {
  findings: Finding[];
  errors: ScanError[];
  /** Files named on the command line but outside the default scope. */
  skipped: { file: string; reason: string }[];
  summary: { files: number; findings: number; errors: number; durationMs: number };
  /** Set when a baseline filtered the findings. */
  baseline?: { file: string; suppressed: number; stale: number };
}

export interface ScanOptions {
  cwd: string;
  paths: readonly string[];
  analyze?: AnalyzeOptions;
  /** Severity per category; default `error`. `off` drops the category. */
  severity?: Partial<Record<Category, Severity | 'off'>>;
  /** Include stacks of internal errors. */
  debug?: boolean;
  /** Configuration globs and scope, and a changed-file list. */
  selection?: Selection;
  /** Called as files are analysed (for a progress line on a terminal). */
  onProgress?: (done: number, total: number) => void;
}

/** A usage problem (bad path, bad option): exit code 2 with a hint. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Scans files and returns findings in the output contract's shape, sorted by file, line, column. */
export function scan(options: ScanOptions): ScanResult {
  const started = performance.now();
  const discovery = discover(options.cwd, options.paths.length > 0 ? options.paths : ['.'], options.selection);
  if (discovery.missing.length > 0) {
    throw new UsageError(`no such file or directory: ${discovery.missing.join(', ')}`, 'check the paths passed to statecheck');
  }
  const categories = (Object.keys(CATEGORY_INFO) as Category[]).filter((c) => options.severity?.[c] !== 'off');
  const findings: Finding[] = [];
  const errors: ScanError[] = discovery.unreadable.map((u) => ({ file: display(options.cwd, u.path), message: u.reason }));
  let done = 0;
  for (const { path } of discovery.files) {
    options.onProgress?.(done++, discovery.files.length);
    const file = display(options.cwd, path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      errors.push({ file, message: `cannot read: ${describe(error)}` });
      continue;
    }
    try {
      const sourceFile = parseSource(ts, path, text);
      for (const problem of parseErrors(ts, sourceFile).slice(0, 1)) {
        const starts = lineStarts(text);
        const line = lineOf(starts, problem.start);
        errors.push({ file, message: `syntax error at ${line}:${problem.start - starts[line - 1]! + 1}: ${problem.message} (the rest of the file was still analysed)` });
      }
      const result = analyzeSourceFile(ts, sourceFile, { ...options.analyze, categories, honourEslintComments: true });
      for (const failure of result.errors) {
        errors.push({ file, message: internalError(`detector ${failure.category} failed`, failure.error, options.debug) });
      }
      findings.push(...toFindings(file, text, result.findings, options.severity));
    } catch (error) {
      errors.push({ file, message: internalError('analysis failed', error, options.debug) });
    }
  }
  options.onProgress?.(done, discovery.files.length);
  findings.sort(compareFindings);
  errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    findings,
    errors,
    skipped: discovery.skipped.map((s) => ({ file: display(options.cwd, s.path), reason: s.reason })),
    summary: {
      files: discovery.files.length,
      findings: findings.length,
      errors: errors.length,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

function internalError(what: string, error: unknown, debug: boolean | undefined): string {
  const detail = error instanceof Error ? error.message : String(error);
  return debug && error instanceof Error && error.stack ? `${what}: ${error.stack}` : `${what}: ${detail} (run with --debug for the stack)`;
}

/** Path relative to the working directory with forward slashes (absolute when outside it). */
export function display(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith('..') ? toPosix(path) : toPosix(rel);
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

/** Converts core findings (offsets) to reported findings (1-based lines and columns). */
function toFindings(
  file: string,
  text: string,
  found: readonly CoreFinding[],
  severity: ScanOptions['severity'],
): Finding[] {
  const starts = lineStarts(text);
  const position = (offset: number) => {
    const line = lineOf(starts, offset);
    return { line, column: offset - starts[line - 1]! + 1 };
  };
  const occurrences = new Map<string, number>();
  return found.map((f) => {
    const start = position(f.start);
    const end = position(f.end);
    const lineText = text.slice(starts[start.line - 1], starts[start.line] ?? text.length).trim().replace(/\s+/g, ' ');
    const base = createHash('sha256').update(`${f.category}\0${f.subject}\0${lineText}`).digest('hex').slice(0, 24);
    const occurrence = occurrences.get(base) ?? 0;
    occurrences.set(base, occurrence + 1);
    return {
      ruleId: ruleIdOf(f.category),
      category: f.category,
      severity: (severity?.[f.category] as Severity | undefined) ?? 'error',
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: f.message,
      suggestion: f.suggestion,
      related: f.related.map((r) => ({ file, ...position(r.start), message: r.message })),
      fingerprint: `${base}:${occurrence}`,
    };
  });
}
