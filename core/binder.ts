import { isFunctionNode, walk } from './ast.js';
import type { TS, TypeScript } from './types.js';

export type BindingKind = 'var' | 'let' | 'const' | 'function' | 'class' | 'param' | 'import' | 'catch' | 'other';

/** A declared name and every identifier that refers to it. */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The identifier that declares it. */
  id: TS.Identifier;
  /** The declaring node: VariableDeclaration, BindingElement, FunctionDeclaration, ImportSpecifier, … */
  declaration: TS.Node;
  /** The node whose scope owns the name (SourceFile for module scope). */
  scope: TS.Node;
  references: TS.Identifier[];
}

/**
 * A small scope analysis: which declaration each identifier refers to. Enough to tell a
 * module-level `cache` from a parameter named `cache`, and an import from a local look-alike,
 * without a type checker.
 */
export class Binder {
  readonly bindings: Binding[] = [];
  private readonly scopes = new Map<TS.Node, Map<string, Binding>>();
  private readonly resolved = new Map<TS.Identifier, Binding>();
  private readonly unresolved = new Set<TS.Identifier>();

  /** `nodes`: the file's nodes outside type positions, as `collectNodes` gives them. */
  constructor(
    private readonly ts: TypeScript,
    readonly sourceFile: TS.SourceFile,
    nodes: readonly TS.Node[] = collectNodes(ts, sourceFile),
  ) {
    const references: TS.Identifier[] = [];
    for (const node of nodes) {
      if (ts.isIdentifier(node)) {
        if (isReference(ts, node)) references.push(node);
      } else {
        this.declare(node);
      }
    }
    for (const id of references) {
      const binding = this.lookup(id);
      if (binding) {
        binding.references.push(id);
        this.resolved.set(id, binding);
      } else {
        this.unresolved.add(id);
      }
    }
  }

  /** The binding an identifier refers to, or undefined for globals and unresolvable names. */
  resolve(id: TS.Identifier): Binding | undefined {
    return this.resolved.get(id) ?? this.declared.get(id);
  }

  /** Whether an identifier names a global (`setInterval`, `globalThis`, `require`, …) not shadowed locally. */
  isGlobal(id: TS.Node, name?: string): id is TS.Identifier {
    return this.ts.isIdentifier(id) && this.unresolved.has(id) && (name === undefined || id.text === name);
  }

  /** Module-scope bindings by name. */
  moduleScope(): ReadonlyMap<string, Binding> {
    return this.scopes.get(this.sourceFile) ?? new Map();
  }

  isModuleScope(binding: Binding): boolean {
    return binding.scope === this.sourceFile;
  }

  private readonly declared = new Map<TS.Identifier, Binding>();

  private add(id: TS.Identifier, kind: BindingKind, declaration: TS.Node, scope: TS.Node): void {
    let table = this.scopes.get(scope);
    if (!table) {
      table = new Map();
      this.scopes.set(scope, table);
    }
    // `var x` twice, or a function and a var of one name: keep the first declaration.
    const existing = table.get(id.text);
    if (existing) {
      this.declared.set(id, existing);
      return;
    }
    const binding: Binding = { name: id.text, kind, id, declaration, scope, references: [] };
    table.set(id.text, binding);
    this.declared.set(id, binding);
    this.bindings.push(binding);
  }

  private declare(node: TS.Node): void {
    const ts = this.ts;
    if (ts.isVariableDeclaration(node)) {
      const list = node.parent;
      let kind: BindingKind = 'var';
      let scope: TS.Node;
      if (ts.isCatchClause(list)) {
        kind = 'catch';
        scope = list;
      } else if (ts.isVariableDeclarationList(list) && list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)) {
        kind = list.flags & ts.NodeFlags.Let ? 'let' : 'const';
        scope = blockScope(ts, list);
      } else {
        scope = functionScope(ts, node);
      }
      this.declarePattern(node.name, kind, node, scope);
    } else if (ts.isParameter(node)) {
      this.declarePattern(node.name, 'param', node, node.parent);
    } else if (ts.isFunctionDeclaration(node) && node.name) {
      this.add(node.name, 'function', node, blockScope(ts, node));
    } else if (ts.isClassDeclaration(node) && node.name) {
      this.add(node.name, 'class', node, blockScope(ts, node));
    } else if ((ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name) {
      this.add(node.name, ts.isClassExpression(node) ? 'class' : 'function', node, node);
    } else if (ts.isImportClause(node) && node.name) {
      this.add(node.name, 'import', node, this.sourceFile);
    } else if (ts.isNamespaceImport(node) || ts.isImportSpecifier(node)) {
      this.add(node.name, 'import', node, this.sourceFile);
    } else if (ts.isImportEqualsDeclaration(node)) {
      this.add(node.name, 'import', node, blockScope(ts, node));
    } else if ((ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node)) && ts.isIdentifier(node.name) && !(node.flags & ts.NodeFlags.GlobalAugmentation)) {
      this.add(node.name, 'other', node, blockScope(ts, node));
    }
  }

  private declarePattern(name: TS.BindingName, kind: BindingKind, declaration: TS.Node, scope: TS.Node): void {
    const ts = this.ts;
    if (ts.isIdentifier(name)) {
      this.add(name, kind, declaration, scope);
      return;
    }
    for (const element of name.elements) {
      if (ts.isOmittedExpression(element)) continue;
      if (ts.isIdentifier(element.name)) this.add(element.name, kind, element, scope);
      else this.declarePattern(element.name, kind, declaration, scope);
    }
  }

  private lookup(id: TS.Identifier): Binding | undefined {
    let node: TS.Node | undefined = id.parent;
    while (node) {
      const table = this.scopes.get(node);
      const found = table?.get(id.text);
      if (found) return found;
      node = node.parent;
    }
    return undefined;
  }
}

/** The scope that owns a `let`/`const`/class/function declaration: nearest block, loop, function or file. */
function blockScope(ts: TypeScript, node: TS.Node): TS.Node {
  let current = node.parent;
  while (current) {
    if (ts.isBlock(current)) return isFunctionNode(ts, current.parent) ? current.parent : current;
    if (
      ts.isSourceFile(current) ||
      ts.isModuleBlock(current) ||
      ts.isCaseBlock(current) ||
      ts.isForStatement(current) ||
      ts.isForInStatement(current) ||
      ts.isForOfStatement(current) ||
      isFunctionNode(ts, current)
    ) {
      return current;
    }
    current = current.parent;
  }
  return node.getSourceFile();
}

/** The scope that owns a `var`: nearest function or file. */
function functionScope(ts: TypeScript, node: TS.Node): TS.Node {
  let current = node.parent;
  while (current) {
    if (isFunctionNode(ts, current) || ts.isSourceFile(current) || ts.isModuleBlock(current)) return current;
    current = current.parent;
  }
  return node.getSourceFile();
}

/** Every node of a file in source order, leaving out type annotations, interfaces and type aliases. */
export function collectNodes(ts: TypeScript, sourceFile: TS.SourceFile): TS.Node[] {
  const nodes: TS.Node[] = [];
  walk(ts, sourceFile, (node) => {
    if (isTypeOnly(ts, node)) return false;
    nodes.push(node);
  });
  return nodes;
}

function isTypeOnly(ts: TypeScript, node: TS.Node): boolean {
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return true;
  // `extends Base` is an expression we need; other type positions are not.
  if (ts.isExpressionWithTypeArguments(node)) return false;
  return ts.isTypeNode(node);
}

/** Whether an identifier refers to a binding (as opposed to naming a property, label or declaration). */
function isReference(ts: TypeScript, id: TS.Identifier): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === id;
  if (ts.isQualifiedName(parent)) return false;
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isGetAccessorDeclaration(parent) ||
    ts.isSetAccessorDeclaration(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isMethodSignature(parent) ||
    ts.isEnumMember(parent) ||
    ts.isJsxAttribute(parent)
  ) {
    return parent.name !== id;
  }
  if (ts.isBindingElement(parent)) return false;
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isParameter(parent) ||
    ts.isFunctionDeclaration(parent) ||
    ts.isFunctionExpression(parent) ||
    ts.isClassDeclaration(parent) ||
    ts.isClassExpression(parent) ||
    ts.isEnumDeclaration(parent) ||
    ts.isModuleDeclaration(parent) ||
    ts.isImportEqualsDeclaration(parent)
  ) {
    return parent.name !== id;
  }
  if (ts.isImportClause(parent) || ts.isNamespaceImport(parent) || ts.isImportSpecifier(parent)) return false;
  if (ts.isExportSpecifier(parent)) {
    // `export { a as b }` refers to local `a`; `export { a } from 'm'` refers to nothing local.
    if (parent.parent.parent.moduleSpecifier) return false;
    return (parent.propertyName ?? parent.name) === id;
  }
  if (ts.isLabeledStatement(parent) || ts.isBreakStatement(parent) || ts.isContinueStatement(parent)) return false;
  if (ts.isMetaProperty(parent)) return false;
  if (ts.isNamespaceExport(parent) || ts.isNamespaceExportDeclaration(parent)) return false;
  return true;
}
