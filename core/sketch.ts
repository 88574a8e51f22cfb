import { namesPackage } from './library.js';
import type { AnalyzeOptions, TS, TypeScript } from './types.js';

/** A module specifier where the import resolver can bind it: `from '…'`, `require('…')`, `import('…')`. */
const SPECIFIER = /(?:\bfrom|\brequire\s*\(|\bimport\s*\()\s*['"`]([^'"`\n]+)['"`]/g;
const CLASS = /\bclass\b/;

/**
 * What the prefilter sees of a parsed file before it is analysed: its text, what it imports,
 * and whether it declares anything that can hold state. The detectors' `mayMatch` tests read
 * it; each fact is found once, on first use.
 */
export class FileSketch {
  private specifiersFound: readonly string[] | undefined;
  private namesPackagesFound: boolean | undefined;
  private declaresStateFound: boolean | undefined;
  private readonly mentioned = new Map<RegExp, boolean>();

  constructor(
    private readonly ts: TypeScript,
    readonly sourceFile: TS.SourceFile,
    private readonly packages: AnalyzeOptions['packages'] = {},
  ) {}

  get text(): string {
    return this.sourceFile.text;
  }

  /** The specifiers the file imports or requires, as written. */
  get specifiers(): readonly string[] {
    if (this.specifiersFound === undefined) {
      const found: string[] = [];
      for (const match of this.text.matchAll(SPECIFIER)) found.push(match[1]!);
      this.specifiersFound = found;
    }
    return this.specifiersFound;
  }

  /**
   * Whether the file imports or requires a package the catalogue or the configuration
   * (`packages`) knows: a file that names none has no library creations.
   */
  get namesPackages(): boolean {
    this.namesPackagesFound ??= this.specifiers.some((specifier) => namesPackage(specifier, this.packages));
    return this.namesPackagesFound;
  }

  /**
   * Whether the file declares module-level variables that may hold state (in its top-level
   * statements; not a constant, a function or a `require`), or a class (whose fields and statics
   * may): where hand-rolled state lives.
   */
  get declaresState(): boolean {
    const ts = this.ts;
    this.declaresStateFound ??=
      this.sourceFile.statements.some(
        (s) =>
          ts.isVariableStatement(s) && s.declarationList.declarations.some((d) => mayBeState(ts, s.declarationList, d)),
      ) || this.mentions(CLASS);
    return this.declaresStateFound;
  }

  /** Whether the text matches `pattern` (not global), tested once per pattern. */
  mentions(pattern: RegExp): boolean {
    let found = this.mentioned.get(pattern);
    if (found === undefined) {
      found = pattern.test(this.text);
      this.mentioned.set(pattern, found);
    }
    return found;
  }
}

// let x; var y = 1; const cache = new Map(); const registry = new Registry()  — but not
// const fs = require('fs'), const PORT = 3000, const handler = () => {…}
function mayBeState(ts: TypeScript, list: TS.VariableDeclarationList, declaration: TS.VariableDeclaration): boolean {
  if (!(list.flags & ts.NodeFlags.Const)) return true;
  let init = declaration.initializer;
  while (init && (ts.isParenthesizedExpression(init) || ts.isAsExpression(init) || ts.isSatisfiesExpression(init)))
    init = init.expression;
  if (!init) return false;
  if (
    ts.isStringLiteralLike(init) ||
    ts.isNumericLiteral(init) ||
    ts.isTemplateExpression(init) ||
    ts.isRegularExpressionLiteral(init)
  )
    return false;
  if (
    ts.isArrowFunction(init) ||
    ts.isFunctionExpression(init) ||
    init.kind === ts.SyntaxKind.TrueKeyword ||
    init.kind === ts.SyntaxKind.FalseKeyword
  )
    return false;
  // require('x'), require('x').y, require('x')(…) are module references, judged through the catalogue test.
  let callee: TS.Expression = init;
  while (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) {
    if (ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require')
      return false;
    callee = callee.expression;
  }
  return true;
}
