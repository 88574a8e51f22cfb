import { createHash } from 'node:crypto';
import {
  analyzeSourceFile,
  type CoreFinding,
  lineOf,
  lineStarts,
  type ModuleSummary,
  parseErrors,
  parseSource,
  ruleIdOf,
  type TS,
} from '../core/index.js';
import { internalError } from './errors.js';
import { isFlow, readSource } from './source.js';
import { typescript } from './typescript.js';
import type {
  AnalysisSettings,
  FileResult,
  FileFinding,
  FileJob,
  FileSummary,
  JobOutcome,
  Located,
  ScanError,
  SkipKind,
} from './types.js';

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
  const { result, overflow } = analyzeText(job.path, job.file, settings, read.text);
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
  return analyzeParsed(file, settings, text, sourceFile);
}

/** Analyses a parsed file (with the program's checker under `--typed`). Never throws. */
export function analyzeParsed(
  file: string,
  settings: AnalysisSettings,
  text: string,
  sourceFile: TS.SourceFile,
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
    const pos = positions(text);
    const analysis: FileResult = { findings: toFindings(file, pos, result.findings), errors };
    if (result.summary) analysis.summary = toFileSummary(pos, result.summary);
    if (result.unusedDirectives)
      analysis.unusedDirectives = result.unusedDirectives.map((d) => {
        const at = pos.at(d.start);
        return { at, end: pos.at(d.end), directive: d.directive, lineText: pos.lineText(at.line) };
      });
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

/** Offsets of one text as 1-based lines and columns, and the text of a line. */
function positions(text: string) {
  let computed: number[] | undefined;
  const starts = () => (computed ??= lineStarts(text));
  return {
    at(offset: number): Located {
      const line = lineOf(starts(), offset);
      return { line, column: offset - starts()[line - 1]! + 1 };
    },
    lineText(line: number): string {
      return text
        .slice(starts()[line - 1], starts()[line] ?? text.length)
        .trim()
        .replace(/\s+/g, ' ');
    },
  };
}

type Positions = ReturnType<typeof positions>;

/** The fingerprint leaves out the path and line: it survives edits above the finding and file moves. */
export function fingerprintBase(category: string, subject: string, lineText: string): string {
  return createHash('sha256').update(`${category}\0${subject}\0${lineText}`).digest('hex').slice(0, 24);
}

/** Converts core findings (offsets) to reported findings (1-based lines and columns). */
function toFindings(file: string, pos: Positions, found: readonly CoreFinding[]): FileFinding[] {
  const occurrences = new Map<string, number>();
  return found.map((f) => {
    const start = pos.at(f.start);
    const end = pos.at(f.end);
    const base = fingerprintBase(f.category, f.subject, pos.lineText(start.line));
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
      related: f.related.map((r) => ({
        file,
        ...pos.at(r.start),
        message: r.message,
        ...(r.condition ? { condition: r.condition } : {}),
      })),
      fingerprint: `${base}:${occurrence}`,
      subject: f.subject,
      ...(f.condition ? { condition: f.condition } : {}),
      ...(f.factory !== undefined ? { factory: f.factory, what: f.what } : {}),
      ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    };
  });
}

/** A module summary with lines and columns for the link step (which never sees the text). */
function toFileSummary(pos: Positions, summary: ModuleSummary): FileSummary {
  return {
    exports: summary.exports,
    starExports: summary.starExports,
    frameworkModule: summary.frameworkModule,
    commonJs: summary.commonJs,
    state: summary.state.map(({ start, end, writes, ...rest }) => {
      const at = pos.at(start);
      return {
        ...rest,
        at,
        end: pos.at(end),
        lineText: pos.lineText(at.line),
        writes: writes.map(({ start: w, end: _, ...write }) => ({ ...write, at: pos.at(w) })),
      };
    }),
    uses: summary.uses.map(({ start, end, ...rest }) => {
      const at = pos.at(start);
      return { ...rest, at, end: pos.at(end), ...(rest.call !== undefined ? { lineText: pos.lineText(at.line) } : {}) };
    }),
  };
}
