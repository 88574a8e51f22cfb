import ts from 'typescript';
import { analyzeSourceFile, type AnalyzeOptions, lineOf, lineStarts, parseSource } from '../../core/index.js';

/** Analyses a snippet; returns `line:category` of each finding. */
export function lint(code: string, fileName = 'src/app.ts', options: AnalyzeOptions = {}): string[] {
  const { findings, errors } = analyzeSourceFile(ts, parseSource(ts, fileName, code), options);
  if (errors.length > 0) throw errors[0]!.error;
  const starts = lineStarts(code);
  return findings.map((f) => `${lineOf(starts, f.start)}:${f.category}`);
}

export function messages(code: string, fileName = 'src/app.ts'): string[] {
  return analyzeSourceFile(ts, parseSource(ts, fileName, code)).findings.map((f) => f.message);
}
