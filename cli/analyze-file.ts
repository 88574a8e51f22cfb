import { createHash } from 'node:crypto';
import {
  analyzeSourceFile,
  lineOf,
  lineStarts,
  parseErrors,
  parseSource,
  scopeFacts,
  type ScopeFactsOptions,
  type TS,
} from '../core/index.js';
import { internalError } from './errors.js';
import { isFlow, readSource } from './source.js';
import { typescript } from './typescript.js';
import { fileLines, lineTextOf } from './positions.js';
import type { AnalysisSettings, FileResult, FileJob, JobOutcome, Located, ScanError, SkipKind } from './types.js';

/** The result of a file that was not read: an `errors` entry, or a `skipped` one. */
export function notAnalysed(file: string, read: { error: string } | { skip: SkipKind; reason: string }): FileResult {
  return 'error' in read
    ? { findings: [], errors: [{ file, message: read.error }] }
    : { findings: [], errors: [], skipped: { file, kind: read.skip, reason: read.reason } };
}

/** Reads a job's file, skips the analysis when its content hash is the cached one, else analyses it. */
export function runJob(job: FileJob, settings: AnalysisSettings): JobOutcome {
  const read = readSource(job.source ?? job.path, settings.limits);
  if (!('text' in read)) return { result: notAnalysed(job.file, read) };
  const hash = contentHash(read.text);
  if (hash === job.knownHash) return { hash };
  const scope = job.packagePath !== undefined ? { packagePath: job.packagePath } : {};
  const { result, overflow } = analyzeText(job.path, job.file, settings, read.text, scope);
  if (read.notice) result.errors.unshift({ file: job.file, message: read.notice });
  return { hash, result, ...(overflow ? { overflow } : {}) };
}

function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Parses and analyses one file's text. Never throws: problems become `errors` entries. */
function analyzeText(
  path: string,
  file: string,
  settings: AnalysisSettings,
  text: string,
  scope: ScopeFactsOptions,
): { result: FileResult; overflow: boolean } {
  let sourceFile: TS.SourceFile;
  try {
    sourceFile = parseSource(typescript(), path, text);
  } catch (error) {
    // TypeScript's parser recurses: `((((…))))` thousands deep exhausts the stack.
    const message = isStackOverflow(error)
      ? 'not analysed: nested too deeply for the parser (Maximum call stack size exceeded)'
      : internalError('parsing failed', error, settings.debug);
    return { result: { findings: [], errors: [{ file, message }] }, overflow: isStackOverflow(error) };
  }
  return analyzeParsed(file, settings, text, sourceFile, scope);
}

/** Analyses a parsed file (with the program's checker under `--typed`). Never throws. */
export function analyzeParsed(
  file: string,
  settings: AnalysisSettings,
  text: string,
  sourceFile: TS.SourceFile,
  scope: ScopeFactsOptions,
  checker?: TS.TypeChecker,
): { result: FileResult; overflow: boolean } {
  const errors: ScanError[] = [];
  try {
    const problems = parseErrors(typescript(), sourceFile);
    // TypeScript reads Flow's annotations as syntax errors: what it recovers is not the file.
    if (problems.length > 0 && isFlow(text))
      return { result: { findings: [], errors: [], skipped: { file, kind: 'flow', reason: FLOW } }, overflow: false };
    for (const problem of problems.slice(0, 1)) {
      const starts = lineStarts(text);
      const line = lineOf(starts, problem.start);
      errors.push({
        file,
        message: `syntax error at ${line}:${problem.start - starts[line - 1]! + 1}: ${problem.message} (the rest of the file was still analysed)`,
      });
    }
    const result = analyzeSourceFile(
      typescript(),
      sourceFile,
      { ...settings.analyze, honourEslintComments: true },
      checker,
    );
    for (const notice of result.notices ?? []) errors.push({ file, message: notice });
    for (const failure of result.errors) {
      errors.push({
        file,
        message: internalError(
          failure.category ? `detector ${failure.category} failed` : 'cross-file summary failed',
          failure.error,
          settings.debug,
        ),
      });
    }
    const analysis: FileResult = { findings: result.findings, errors };
    if (result.summary) analysis.summary = result.summary;
    if (settings.analyze.crossFile) analysis.scopeFacts = scopeFacts(typescript(), sourceFile, scope);
    const lines = fileLines(text, result.findings, result.summary);
    if (lines) analysis.lines = lines;
    if (result.unusedDirectives) {
      const starts = lineStarts(text);
      const at = (offset: number): Located => {
        const line = lineOf(starts, offset);
        return { line, column: offset - starts[line - 1]! + 1 };
      };
      analysis.unusedDirectives = result.unusedDirectives.map((d) => {
        const start = at(d.start);
        return { at: start, end: at(d.end), directive: d.directive, lineText: lineTextOf(text, starts, start.line) };
      });
    }
    return { result: analysis, overflow: result.errors.some((e) => isStackOverflow(e.error)) };
  } catch (error) {
    return {
      result: {
        findings: [],
        errors: [...errors, { file, message: internalError('analysis failed', error, settings.debug) }],
      },
      overflow: isStackOverflow(error),
    };
  }
}

const FLOW = 'Flow syntax is not supported (`@flow` file with Flow annotations)';

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
