import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import type { TSESLint } from '@typescript-eslint/utils';
import {
  analyzeSourceFile,
  CATEGORIES,
  type Category,
  type CoreFinding,
  isAllowed,
  ownDoubt,
  parseSource,
  storeFixEdits,
  type StoreFixEdits,
  type TS,
  type TypeScript,
  withDoubt,
} from '../core/index.js';
import { errorMessage } from '../cli/errors.js';
import { isTypescriptModule, typescript } from '../cli/typescript.js';
import { settingsOf } from './settings.js';
import type { MessageId, ParsedFile, ResolvedSettings, RuleOptions } from './types.js';

type Context = Readonly<TSESLint.RuleContext<MessageId, [RuleOptions]>>;
type SourceCode = Readonly<TSESLint.SourceCode>;
type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

/** The reason a suppression suggestion leaves for the user to replace. */
export const REASON_PLACEHOLDER = 'TODO: say why this state is safe per instance';

/** What the core found in one file for every category: computed once, shared by the nine rules. */
interface SharedAnalysis {
  findings: readonly CoreFinding[];
  /** The catalogue's store or adapter fix, written for the findings that have one. */
  fixes: ReadonlyMap<CoreFinding, StoreFixEdits>;
  /** Categories whose detector failed, with the error's message. */
  failures: ReadonlyMap<Category, string>;
}

interface FileState {
  /** The settings the analysis ran with (the same object for every rule of one file). */
  settings: ResolvedSettings;
  analysis: SharedAnalysis;
}

// One entry per SourceCode: ESLint gives all rules of one lint pass the same object. Only the
// findings are kept, so the TypeScript AST (when parsed here) is garbage as soon as possible.
const files = new WeakMap<SourceCode, FileState>();
// statecheck-disable-next-line module-state -- diagnostic counters of this process, read by the benchmark and tests
const origins: Record<ParsedFile['origin'], number> = { parser: 0, parsed: 0 };

/** How many files got their AST from typescript-eslint's parser, and how many were parsed here. */
export function astOrigins(): Readonly<Record<ParsedFile['origin'], number>> {
  return { ...origins };
}

/**
 * Reports one category's findings in the current file. The first statecheck rule to run on a
 * file obtains the TypeScript AST and runs the core for all categories; the others reuse that.
 */
export function reportFindings(
  context: Context,
  category: Category,
  allow: readonly string[],
  confidence: 'all' | 'certain',
): void {
  const sourceCode = context.sourceCode;
  const analysis = analysisOf(context);
  const failure = analysis.failures.get(category);
  if (failure !== undefined) {
    context.report({ loc: { line: 1, column: 0 }, messageId: 'analysisFailed', data: { category, error: failure } });
  }
  for (const finding of analysis.findings) {
    if (finding.category !== category || isAllowed(finding, allow)) continue;
    const doubt = ownDoubt(finding);
    if (doubt !== undefined && confidence === 'certain') continue;
    context.report({
      loc: { start: sourceCode.getLocFromIndex(finding.start), end: sourceCode.getLocFromIndex(finding.end) },
      messageId: 'found',
      data: { message: withDoubt(finding.message, doubt) },
      suggest: [
        ...storeSuggestion(analysis.fixes.get(finding)),
        ...suppressionSuggestion(sourceCode, category, finding.start),
      ],
    });
  }
}

function analysisOf(context: Context): SharedAnalysis {
  const settings = settingsOf(context.settings);
  const cached = files.get(context.sourceCode);
  if (cached?.settings === settings) return cached.analysis;
  const parsed = typescriptAst(context);
  origins[parsed.origin]++;
  const analysis = analyze(parsed, settings);
  files.set(context.sourceCode, { settings, analysis });
  return analysis;
}

function analyze({ ts, sourceFile }: ParsedFile, { singleInstance, packages }: ResolvedSettings): SharedAnalysis {
  try {
    // ESLint applies its own eslint-disable comments; the core applies statecheck-disable ones.
    const result = analyzeSourceFile(ts, sourceFile, { singleInstance, packages, honourEslintComments: false });
    const fixes = new Map<CoreFinding, StoreFixEdits>();
    for (const finding of result.findings) {
      const fix = storeFixEdits(ts, sourceFile, finding);
      if (fix) fixes.set(finding, fix);
    }
    return {
      findings: result.findings,
      fixes,
      failures: new Map(
        result.errors.flatMap((e) => (e.category ? [[e.category, errorMessage(e.error)] as const] : [])),
      ),
    };
  } catch (error) {
    return {
      findings: [],
      fixes: new Map(),
      failures: new Map(CATEGORIES.map((category) => [category, errorMessage(error)])),
    };
  }
}

/**
 * The TypeScript AST of the file being linted: typescript-eslint's own when its parser made
 * one and we can get the `typescript` module it used (SyntaxKind numbers differ between
 * TypeScript versions, so a node must never meet another copy's `ts`); otherwise a parse of
 * the text ESLint has (BOM already stripped, so offsets match) with the TypeScript bundled in
 * ts-morph.
 */
export function typescriptAst(context: AnyContext): ParsedFile {
  const fromParser = parserAst(context);
  if (fromParser) return fromParser;
  // ts-morph's TypeScript, the one the CLI uses; loaded on first need (it is large).
  const ts = typescript();
  // Absolute, as the CLI and typescript-eslint name files: the core reads path conventions from it.
  const fileName =
    isAbsolute(context.filename) || !isAbsolute(context.cwd) ? context.filename : join(context.cwd, context.filename);
  return { ts, sourceFile: parseSource(ts, fileName, context.sourceCode.text), origin: 'parsed' };
}

function parserAst(context: AnyContext): ParsedFile | undefined {
  const sourceCode = context.sourceCode;
  const nodeMap = sourceCode.parserServices?.esTreeNodeToTSNodeMap;
  if (!nodeMap) return undefined;
  const ts = parserTypescript(context);
  if (!ts) return undefined;
  const sourceFile: TS.Node | undefined = nodeMap.get(sourceCode.ast);
  return sourceFile && isCompleteSourceFile(ts, sourceFile, sourceCode.text)
    ? { ts, sourceFile, origin: 'parser' }
    : undefined;
}

/** The parser's SourceFile, checked against the `ts` we will hand the core along with it. */
function isCompleteSourceFile(ts: TypeScript, node: TS.Node, text: string): node is TS.SourceFile {
  if (node.kind !== ts.SyntaxKind.SourceFile || !ts.isSourceFile(node)) return false;
  if (node.endOfFileToken.kind !== ts.SyntaxKind.EndOfFileToken) return false;
  // The core walks up through parent pointers; offsets must refer to ESLint's text.
  const first = node.statements[0];
  return (
    sameText(node.text, text) && node.endOfFileToken.parent === node && (first === undefined || first.parent === node)
  );
}

/** ESLint hands parsers a `#!` line rewritten as `//`: same length, same offsets. */
function sameText(parsed: string, text: string): boolean {
  return parsed === text || (text.startsWith('#!') && parsed.startsWith('//') && parsed.slice(2) === text.slice(2));
}

const parserTypescripts = new WeakMap<object, TypeScript | null>();

/**
 * The `typescript` module the typescript-eslint parser in use loaded. Found by resolving
 * `@typescript-eslint/parser` the way the config could have (from the linted file, the working
 * directory, or this package), accepting it only if it is the very parser object ESLint runs,
 * and taking `typescript` from that parser's own typescript-estree, out of Node's module cache.
 */
function parserTypescript(context: AnyContext): TypeScript | undefined {
  const parser: unknown = context.languageOptions.parser;
  if (typeof parser !== 'object' || parser === null) return undefined;
  let ts = parserTypescripts.get(parser);
  if (ts === undefined) {
    ts = findParserTypescript(parser, resolutionBases(context)) ?? null;
    parserTypescripts.set(parser, ts);
  }
  return ts ?? undefined;
}

function resolutionBases(context: AnyContext): string[] {
  const bases: string[] = [];
  if (isAbsolute(context.physicalFilename)) bases.push(context.physicalFilename);
  if (isAbsolute(context.cwd)) bases.push(join(context.cwd, 'eslint.config.js'));
  bases.push(import.meta.url);
  return bases;
}

function findParserTypescript(parser: object, bases: readonly string[]): TypeScript | undefined {
  const parse = property(parser, 'parseForESLint');
  if (typeof parse !== 'function') return undefined;
  for (const base of bases) {
    const fromBase = createRequire(base);
    const candidates = [
      resolve(fromBase, '@typescript-eslint/parser'),
      // `import tseslint from 'typescript-eslint'`: the parser is a dependency of that package.
      mapDefined(resolve(fromBase, 'typescript-eslint'), (meta) =>
        resolve(createRequire(meta), '@typescript-eslint/parser'),
      ),
    ];
    for (const parserPath of candidates) {
      if (parserPath === undefined || property(fromBase.cache[parserPath]?.exports, 'parseForESLint') !== parse)
        continue;
      const estreePath = resolve(createRequire(parserPath), '@typescript-eslint/typescript-estree');
      const tsPath = mapDefined(estreePath, (estree) => resolve(createRequire(estree), 'typescript'));
      const ts: unknown = tsPath === undefined ? undefined : fromBase.cache[tsPath]?.exports;
      if (isTypescriptModule(ts)) return ts;
    }
  }
  return undefined;
}

function property(value: unknown, key: string): unknown {
  return (typeof value === 'object' || typeof value === 'function') && value !== null
    ? Reflect.get(value, key)
    : undefined;
}

function resolve(from: NodeJS.Require, id: string): string | undefined {
  try {
    return from.resolve(id);
  } catch {
    return undefined;
  }
}

function mapDefined<T, U>(value: T | undefined, map: (value: T) => U | undefined): U | undefined {
  return value === undefined ? undefined : map(value);
}

/**
 * A suggestion (never an autofix) that inserts
 * `// statecheck-disable-next-line <category> -- TODO: …` above the finding's line, with the
 * line's indentation. None when that line starts inside a token (a multi-line template or
 * string, JSX text), where a line comment would change the code.
 */
/** The catalogue's fix as a suggestion (never an autofix: it needs a Redis client or a bucket the user creates). */
function storeSuggestion(fix: StoreFixEdits | undefined): TSESLint.ReportSuggestionArray<MessageId> {
  if (!fix) return [];
  return [
    {
      messageId: 'storeFix',
      data: { summary: fix.summary, packages: fix.install.join(' ') },
      fix: (fixer) => fix.edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.text)),
    },
  ];
}

function suppressionSuggestion(
  sourceCode: SourceCode,
  category: Category,
  start: number,
): TSESLint.ReportSuggestionArray<MessageId> {
  const line = sourceCode.getLocFromIndex(start).line;
  const lineStart = sourceCode.getIndexFromLoc({ line, column: 0 });
  const indent = /^[ \t]*/.exec(sourceCode.lines[line - 1] ?? '')?.[0] ?? '';
  const first = sourceCode.getTokenByRangeStart(lineStart + indent.length, { includeComments: true });
  if (!first) return [];
  const previous = sourceCode.getTokenBefore(first, { includeComments: true });
  if (previous && previous.range[1] > lineStart) return [];
  const eol = sourceCode.text.includes('\r\n') ? '\r\n' : '\n';
  const comment = `${indent}// statecheck-disable-next-line ${category} -- ${REASON_PLACEHOLDER}${eol}`;
  return [
    {
      messageId: 'suppress',
      data: { category },
      fix: (fixer) => fixer.insertTextBeforeRange([lineStart, lineStart], comment),
    },
  ];
}
