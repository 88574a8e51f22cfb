import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ts as morphTs } from 'ts-morph';
import {
  analyzeSourceFile,
  type AnalyzeOptions,
  type CoreFinding,
  lineOf,
  lineStarts,
  parseErrors,
  parseSource,
  ruleIdOf,
  type TypeScript,
} from '../core/index.js';
import { describe } from './files.js';
import type { Finding, ScanError } from './scan.js';

/** The core receives ts-morph's own TypeScript: nodes of one copy only. */
const ts = morphTs as unknown as TypeScript;

/** What every file of a run is analysed with; plain data, so it can cross to a worker thread. */
export interface AnalysisSettings {
  analyze: AnalyzeOptions;
  debug: boolean;
}

/** One file's outcome: findings (severity applied later by the run) and errors. */
export interface FileAnalysis {
  findings: Omit<Finding, 'severity'>[];
  errors: ScanError[];
}

/** Reads a source file as text, or says why it cannot be read. */
export function readSource(path: string): { text: string } | { error: string } {
  try {
    return { text: readFileSync(path, 'utf8') };
  } catch (error) {
    return { error: `cannot read: ${describe(error)}` };
  }
}

/** A file to analyse; `knownHash` is the content hash of a cached result, if any. */
export interface FileJob {
  path: string;
  file: string;
  knownHash?: string;
}

/** What analysing a job gives: the content hash, and the result unless the content matched `knownHash`. */
export interface JobOutcome {
  hash?: string;
  result?: FileAnalysis;
}

/** Reads a job's file, skips the analysis when its content hash is the cached one, else analyses it. */
export function runJob(job: FileJob, settings: AnalysisSettings): JobOutcome {
  const read = readSource(job.path);
  if ('error' in read) return { result: { findings: [], errors: [{ file: job.file, message: read.error }] } };
  const hash = contentHash(read.text);
  if (hash === job.knownHash) return { hash };
  return { hash, result: analyzeFile(job.path, job.file, settings, read.text) };
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Reads, parses and analyses one file. Never throws: problems become `errors` entries. */
export function analyzeFile(path: string, file: string, settings: AnalysisSettings, text?: string): FileAnalysis {
  const errors: ScanError[] = [];
  if (text === undefined) {
    const read = readSource(path);
    if ('error' in read) return { findings: [], errors: [{ file, message: read.error }] };
    text = read.text;
  }
  try {
    const sourceFile = parseSource(ts, path, text);
    for (const problem of parseErrors(ts, sourceFile).slice(0, 1)) {
      const starts = lineStarts(text);
      const line = lineOf(starts, problem.start);
      errors.push({ file, message: `syntax error at ${line}:${problem.start - starts[line - 1]! + 1}: ${problem.message} (the rest of the file was still analysed)` });
    }
    const result = analyzeSourceFile(ts, sourceFile, { ...settings.analyze, honourEslintComments: true });
    for (const failure of result.errors) {
      errors.push({ file, message: internalError(`detector ${failure.category} failed`, failure.error, settings.debug) });
    }
    return { findings: toFindings(file, text, result.findings), errors };
  } catch (error) {
    return { findings: [], errors: [...errors, { file, message: internalError('analysis failed', error, settings.debug) }] };
  }
}

export function internalError(what: string, error: unknown, debug: boolean | undefined): string {
  const detail = error instanceof Error ? error.message : String(error);
  return debug && error instanceof Error && error.stack ? `${what}: ${error.stack}` : `${what}: ${detail} (run with --debug for the stack)`;
}

/** Converts core findings (offsets) to reported findings (1-based lines and columns). */
function toFindings(file: string, text: string, found: readonly CoreFinding[]): Omit<Finding, 'severity'>[] {
  const starts = lineStarts(text);
  const position = (offset: number) => {
    const line = lineOf(starts, offset);
    return { line, column: offset - starts[line - 1]! + 1 };
  };
  const occurrences = new Map<string, number>();
  return found.map((f) => {
    const start = position(f.start);
    const end = position(f.end);
    // The fingerprint leaves out the path and line: it survives edits above the finding and file moves.
    const lineText = text.slice(starts[start.line - 1], starts[start.line] ?? text.length).trim().replace(/\s+/g, ' ');
    const base = createHash('sha256').update(`${f.category}\0${f.subject}\0${lineText}`).digest('hex').slice(0, 24);
    const occurrence = occurrences.get(base) ?? 0;
    occurrences.set(base, occurrence + 1);
    return {
      ruleId: ruleIdOf(f.category),
      category: f.category,
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
