import { CATALOGUE } from './knowledge/index.js';
import type { StoreFix } from './knowledge/types.js';
import type { CoreFinding, TS, TypeScript } from './types.js';

/** One text edit of a fix: replace `start`–`end` with `text` (an insertion when they are equal). */
export interface FixEdit {
  start: number;
  end: number;
  text: string;
}

/** A catalogued fix made concrete for one finding: what it does, what to install, the edits. */
export interface StoreFixEdits {
  summary: string;
  install: readonly string[];
  edits: FixEdit[];
}

/**
 * The edits that write the catalogue's fix for a finding (a shared store, an adapter), for an
 * editor suggestion: the option or call, and the imports it needs in the file's module style.
 * Undefined when the row has no fix, or the code is not in a shape the fix can be written into
 * (options that are not an object literal, an instance not held by a variable, a name the file
 * already uses for something else).
 */
export function storeFixEdits(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  finding: CoreFinding,
): StoreFixEdits | undefined {
  const fix = CATALOGUE.find((row) => row.label === finding.subject && row.category === finding.category)?.fix;
  if (!fix) return undefined;
  const node = creationAt(ts, sourceFile, finding.start, finding.end);
  if (!node) return undefined;
  const imports = importEdits(ts, sourceFile, fix);
  if (!imports) return undefined;
  const edit = mainEdit(ts, sourceFile, node, fix);
  if (!edit) return undefined;
  return { summary: fix.summary, install: fix.install, edits: [...imports, edit] };
}

/** The call or `new` expression the finding spans exactly. */
function creationAt(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  start: number,
  end: number,
): TS.CallExpression | TS.NewExpression | undefined {
  let found: TS.CallExpression | TS.NewExpression | undefined;
  const visit = (node: TS.Node): void => {
    if (found || node.end < end || node.pos > start) return;
    if (
      (ts.isCallExpression(node) || ts.isNewExpression(node)) &&
      node.getStart(sourceFile) === start &&
      node.end === end
    )
      found = node;
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

function mainEdit(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  node: TS.CallExpression | TS.NewExpression,
  fix: StoreFix,
): FixEdit | undefined {
  switch (fix.kind) {
    case 'replace':
      return { start: node.getStart(sourceFile), end: node.end, text: fix.value };
    case 'option': {
      const entry = `${fix.name}: ${fix.value}`;
      const options = node.arguments?.[0];
      // session() → session({ store: … })
      if (!options) {
        const close = node.end - 1;
        return sourceFile.text[close] === ')' ? { start: close, end: close, text: `{ ${entry} }` } : undefined;
      }
      if (!ts.isObjectLiteralExpression(options)) return undefined;
      const last = options.properties.at(-1);
      if (!last) return { start: options.getStart(sourceFile), end: options.end, text: `{ ${entry} }` };
      // An object written one property a line gets the option on a line of its own.
      if (!sourceFile.text.slice(last.end, options.end).includes('\n'))
        return { start: last.end, end: last.end, text: `, ${entry}` };
      const indent = lineIndent(sourceFile.text, last.getStart(sourceFile));
      const newline = eol(sourceFile.text);
      if (!options.properties.hasTrailingComma)
        return { start: last.end, end: last.end, text: `,${newline}${indent}${entry}` };
      const comma = sourceFile.text.indexOf(',', last.end) + 1;
      return { start: comma, end: comma, text: `${newline}${indent}${entry},` };
    }
    case 'method': {
      // const io = new Server(server); → then io.adapter(createAdapter(…));
      const declaration = node.parent;
      if (!ts.isVariableDeclaration(declaration) || declaration.initializer !== node) return undefined;
      if (!ts.isIdentifier(declaration.name)) return undefined;
      const statement = declaration.parent.parent;
      if (!ts.isVariableStatement(statement)) return undefined;
      const indent = lineIndent(sourceFile.text, statement.getStart(sourceFile));
      return {
        start: statement.end,
        end: statement.end,
        text: `${eol(sourceFile.text)}${indent}${declaration.name.text}.${fix.name}(${fix.value});`,
      };
    }
  }
}

/**
 * The imports the fix needs, after the file's last top-level import or `require`, in its style.
 * Undefined when a name the fix imports is already taken by something else.
 */
function importEdits(ts: TypeScript, sourceFile: TS.SourceFile, fix: StoreFix): FixEdit[] | undefined {
  const statements = sourceFile.statements;
  const isImport = (s: TS.Statement) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s);
  const requireOf = (s: TS.Statement): string | undefined => {
    if (!ts.isVariableStatement(s)) return undefined;
    const init = s.declarationList.declarations[0]?.initializer;
    return init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require'
      ? init.arguments[0] && ts.isStringLiteral(init.arguments[0])
        ? init.arguments[0].text
        : undefined
      : undefined;
  };
  const moduleOf = (s: TS.Statement): string | undefined =>
    ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : requireOf(s);
  const esm =
    statements.some(isImport) ||
    (!statements.some((s) => requireOf(s) !== undefined) && !/\.c[jt]s$/.test(sourceFile.fileName));
  const imported = new Set(statements.map(moduleOf).filter((m): m is string => m !== undefined));
  const lines: string[] = [];
  for (const spec of fix.imports) {
    if (imported.has(spec.module)) continue;
    // The name is used already, and not for this module: writing the import would clash.
    if (new RegExp(`\\b${spec.local}\\b`).test(sourceFile.text)) return undefined;
    const module = `'${spec.module}'`;
    if (esm)
      lines.push(
        spec.named === undefined ? `import ${spec.local} from ${module};` : `import { ${spec.named} } from ${module};`,
      );
    else
      lines.push(
        spec.named === undefined
          ? `const ${spec.local} = require(${module});`
          : `const { ${spec.named} } = require(${module});`,
      );
  }
  if (lines.length === 0) return [];
  const newline = eol(sourceFile.text);
  const last = [...statements].reverse().find((s) => isImport(s) || requireOf(s) !== undefined);
  if (last) return [{ start: last.end, end: last.end, text: lines.map((l) => `${newline}${l}`).join('') }];
  // No import yet: at the top, after a `#!` line.
  const start = sourceFile.text.startsWith('#!') ? sourceFile.text.indexOf('\n') + 1 : 0;
  return [{ start, end: start, text: lines.map((l) => `${l}${newline}`).join('') }];
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}
