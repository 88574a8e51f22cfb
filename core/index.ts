import { FileContext } from './context.js';
import { DETECTORS } from './detectors/index.js';
import { CATEGORY_INFO } from './categories.js';
import { isClientModule, isServerlessModule } from './file-scope.js';
import { applySuppressions } from './suppressions.js';
import { type AnalyzeOptions, CATEGORIES, type Category, type CoreFinding, type TS, type TypeScript } from './types.js';

export * from './types.js';
export { CATEGORY_INFO, categoryOfRule, ruleIdOf, type CategoryInfo } from './categories.js';
export { CATALOGUE, type CatalogueEntry } from './catalogue.js';
export { outOfScopeReason, isClientModule, isServerlessModule, SOURCE_EXTENSIONS, EXCLUDED_DIRECTORIES, OUT_OF_SCOPE_GLOBS } from './file-scope.js';
export { lineStarts, lineOf } from './suppressions.js';

/** An exception thrown by one detector, reported instead of crashing the scan. */
export interface DetectorError {
  category: Category;
  error: unknown;
}

export interface AnalyzeResult {
  findings: CoreFinding[];
  errors: DetectorError[];
}

/**
 * Runs the detectors over one parsed file. `ts` is the host's TypeScript module, the one that
 * parsed `sourceFile` (parent pointers set). Findings are sorted by position.
 */
export function analyzeSourceFile(ts: TypeScript, sourceFile: TS.SourceFile, options: AnalyzeOptions = {}): AnalyzeResult {
  if (isClientModule(ts, sourceFile)) return { findings: [], errors: [] };
  const ctx = new FileContext(ts, sourceFile, options.packages);
  const findings: CoreFinding[] = [];
  const errors: DetectorError[] = [];
  for (const category of activeCategories(ts, sourceFile, options)) {
    try {
      findings.push(...DETECTORS[category](ctx));
    } catch (error) {
      errors.push({ category, error });
    }
  }
  const allowed = findings.filter((f) => !isAllowed(f, options.allow?.[f.category]));
  const kept = applySuppressions(sourceFile.text, dedupe(allowed), options.honourEslintComments ?? false);
  kept.sort((a, b) => a.start - b.start || a.end - b.end || a.category.localeCompare(b.category));
  return { findings: kept, errors };
}

/** The categories to run on this file, after the single-instance switch. */
export function activeCategories(ts: TypeScript, sourceFile: TS.SourceFile, options: AnalyzeOptions): readonly Category[] {
  const requested = options.categories ?? CATEGORIES;
  if (!options.singleInstance) return requested;
  const serverless = isServerlessModule(ts, sourceFile);
  return requested.filter((c) => !CATEGORY_INFO[c].scalingOnly && (c !== 'module-state' || serverless));
}

/** Whether a finding's state is on an `allow` list (matched against `finding.subject`). */
export function isAllowed(finding: CoreFinding, allow: readonly string[] | undefined): boolean {
  return allow !== undefined && allow.includes(finding.subject);
}

/** One finding per piece of state: the same node reported twice in one category is one finding. */
function dedupe(findings: CoreFinding[]): CoreFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.category}:${f.start}:${f.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Parses text with the host's TypeScript, as the core expects it (parents set, script kind by extension). */
export function parseSource(ts: TypeScript, fileName: string, text: string): TS.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(ts, fileName));
}

export function scriptKind(ts: TypeScript, fileName: string): TS.ScriptKind {
  if (/\.tsx$/i.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/i.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/i.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/** Syntax errors TypeScript recorded while parsing (the file is still analysed). */
export function parseErrors(ts: TypeScript, sourceFile: TS.SourceFile): { start: number; message: string }[] {
  const diagnostics = (sourceFile as { parseDiagnostics?: readonly TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return diagnostics.map((d) => ({ start: d.start, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') }));
}
