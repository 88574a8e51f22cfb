import { FileContext } from './context.js';
import { DETECTORS } from './detectors/index.js';
import { categoriesFor } from './categories.js';
import { isClientModule, isServerlessModule } from './file-scope.js';
import { FileSketch } from './sketch.js';
import { applySuppressions, type UnusedDirective, unusedDirectives } from './suppressions.js';
import { isProjectSpecifier, type ModuleSummary, summarize } from './summary.js';
import { type AnalyzeOptions, CATEGORIES, type Category, type CoreFinding, type TS, type TypeScript } from './types.js';

export * from './types.js';
export { CATEGORY_INFO, categoriesFor, categoryOfRule, ruleIdOf, type CategoryInfo } from './categories.js';
export {
  CATALOGUE,
  type CatalogueEntry,
  type OptionCheck,
  type CreationForm,
  type Pattern,
} from './knowledge/index.js';
export {
  outOfScopeReason,
  describeOutOfScope,
  type OutOfScope,
  isClientModule,
  isServerlessModule,
  SOURCE_EXTENSIONS,
  EXCLUDED_DIRECTORIES,
  NEVER_READ_DIRECTORIES,
  neverReadReason,
  OUT_OF_SCOPE_GLOBS,
} from './file-scope.js';
export { lineStarts, lineOf, type UnusedDirective } from './suppressions.js';
export { storeFixEdits, type FixEdit, type StoreFixEdits } from './store-fix.js';
export { scopeFacts, type ScopeFacts, type ScopeFactsOptions } from './scope-facts.js';
export {
  type ModuleSummary,
  type ImportUse,
  type SummaryState,
  type SummaryContext,
  type ExportTarget,
  type ModulePath,
} from './summary.js';
export { type WriteFacts } from './detectors/hand-rolled.js';
export { type ContainerKind } from './state.js';
export { composeMessage, code } from './messages.js';
export { confidenceOf, ownDoubt, withDoubt } from './confidence.js';
export {
  closest,
  checkDeployment,
  checkPackages,
  ownValue,
  PACKAGE_NAMES,
  prototypeKey,
  PROTOTYPE_KEY_REFUSED,
  type Checked,
  type PackageSetting,
} from './settings.js';

/** An exception thrown by one detector (or by the cross-file summary), reported instead of crashing the scan. */
export interface DetectorError {
  /** The detector's category; absent for the cross-file summary. */
  category?: Category;
  error: unknown;
}

export interface AnalyzeResult {
  findings: CoreFinding[];
  errors: DetectorError[];
  /** What the analysis could not finish, in words: the file's findings may be incomplete. */
  notices?: string[];
  /** With `crossFile`: what the link step needs from this file (absent when it has nothing to say). */
  summary?: ModuleSummary;
  /** With `reportUnusedDirectives`: the `statecheck-disable` comments that silence nothing. */
  unusedDirectives?: UnusedDirective[];
}

/**
 * Runs the detectors over one parsed file. `ts` is the host's TypeScript module, the one that
 * parsed `sourceFile` (with or without parent pointers: the analysis sets them). Findings are sorted by position.
 */
export function analyzeSourceFile(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  options: AnalyzeOptions = {},
  checker?: TS.TypeChecker,
): AnalyzeResult {
  if (isClientModule(ts, sourceFile)) return { findings: [], errors: [] };
  const crossFile = options.crossFile === true;
  // The prefilter: a file no detector may match has no findings. Most library and utility files
  // declare no state, name no catalogued package and write no global, and skip the analysis.
  const sketch = new FileSketch(ts, sourceFile, options.packages);
  const holdsState = CATEGORIES.some((category) => DETECTORS[category].mayMatch(sketch));
  // With cross-file analysis, a file that cannot hold state still matters when it uses project
  // modules (writes their state, calls their functions).
  const projectSpecifiers = options.projectSpecifiers ?? [];
  if (!holdsState && !(crossFile && sketch.specifiers.some((s) => isProjectSpecifier(s, projectSpecifiers))))
    return { findings: [], errors: [], ...unused(ts, sourceFile, options, [], []) };
  const ctx = new FileContext(ts, sourceFile, { packages: options.packages, crossFile, checker, sketch });
  const findings: CoreFinding[] = [];
  const errors: DetectorError[] = [];
  for (const category of holdsState ? activeCategories(ts, sourceFile, options) : []) {
    try {
      findings.push(...DETECTORS[category].find(ctx));
    } catch (error) {
      errors.push({ category, error });
    }
  }
  let summary: ModuleSummary | undefined;
  if (crossFile) {
    try {
      summary = summarize(ctx, projectSpecifiers, options.honourEslintComments ?? false, holdsState);
    } catch (error) {
      errors.push({ error });
    }
  }
  const allowed = findings.filter((f) => !isAllowed(f, options.allow?.[f.category]));
  const unique = dedupe(allowed);
  const kept = applySuppressions(ts, sourceFile, unique, options.honourEslintComments ?? false);
  // A wrapper's store is reported at its call sites by the link step: a suppression at the
  // creation is kept as a mark, so that the call sites are still found (and reported).
  if (crossFile && kept.length < unique.length) {
    const left = new Set(kept.map(findingKey));
    for (const f of unique)
      if (f.factory !== undefined && !left.has(findingKey(f))) kept.push({ ...f, suppressed: true });
  }
  kept.sort(
    (a, b) => a.start - b.start || a.end - b.end || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
  );
  const notices = ctx.settled ? [] : [UNSETTLED];
  // Declarations and calls the link step may report: a directive there is not known to be unused.
  const linked = summary
    ? [...summary.state, ...summary.uses.filter((u) => u.call !== undefined)].map((i) => i.start)
    : [];
  return {
    findings: kept,
    errors,
    ...(summary ? { summary } : {}),
    ...(notices.length > 0 ? { notices } : {}),
    ...unused(ts, sourceFile, options, unique, linked),
  };
}

function unused(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  options: AnalyzeOptions,
  findings: readonly CoreFinding[],
  linked: readonly number[],
): { unusedDirectives?: UnusedDirective[] } {
  if (!options.reportUnusedDirectives) return {};
  const found = unusedDirectives(ts, sourceFile, findings, linked);
  return found.length > 0 ? { unusedDirectives: found } : {};
}

const UNSETTLED =
  "the analysis of when this file's functions run stopped at its bound before settling (a very long chain of calls): findings in this file may be missing";

/** The categories to run on this file, after the single-instance switch. */
function activeCategories(ts: TypeScript, sourceFile: TS.SourceFile, options: AnalyzeOptions): readonly Category[] {
  return categoriesFor(options, options.singleInstance ? isServerlessModule(ts, sourceFile) : false);
}

/** Whether a finding's state is on an `allow` list (matched against `finding.subject`). */
export function isAllowed(finding: CoreFinding, allow: readonly string[] | undefined): boolean {
  return allow !== undefined && allow.includes(finding.subject);
}

/** One finding per piece of state: the same node reported twice in one category is one finding. */
function dedupe(findings: CoreFinding[]): CoreFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = findingKey(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function findingKey(f: CoreFinding): string {
  return `${f.category}:${f.start}:${f.end}`;
}

/**
 * Parses text with the host's TypeScript, as the core expects it (script kind by extension).
 * Parent pointers are left to the core's own walk over the tree (`collectNodes`), which sets
 * them as it goes instead of TypeScript walking every tree once more. JSDoc comments are not
 * parsed (no detector reads them; typescript-eslint skips them for the same reason): in
 * JavaScript files TypeScript otherwise parses every one, about a tenth of the parse.
 */
export function parseSource(ts: TypeScript, fileName: string, text: string): TS.SourceFile {
  // `jsDocParsingMode` arrived in TypeScript 5.3; older versions ignore it and parse JSDoc.
  const options = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode?.ParseNone };
  return ts.createSourceFile(fileName, text, options, false, scriptKind(ts, fileName));
}

export function scriptKind(ts: TypeScript, fileName: string): TS.ScriptKind {
  if (/\.tsx$/i.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.[cm]?ts$/i.test(fileName)) return ts.ScriptKind.TS;
  if (/\.jsx$/i.test(fileName)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/** Syntax errors TypeScript recorded while parsing (the file is still analysed). */
export function parseErrors(ts: TypeScript, sourceFile: TS.SourceFile): { start: number; message: string }[] {
  const diagnostics =
    (sourceFile as { parseDiagnostics?: readonly TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return diagnostics.map((d) => ({ start: d.start, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') }));
}
