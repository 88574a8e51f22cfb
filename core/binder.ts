import { isFunctionNode, reverseFrom } from './ast.js';
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

// What a node is to the binder, by syntax kind (see `kindTables`).
const DECLARES_NOTHING = 0;
const IDENTIFIER = 1;
const VARIABLE = 2;
const PARAMETER = 3;
const FUNCTION_DECLARATION = 4;
const CLASS_DECLARATION = 5;
const FUNCTION_EXPRESSION = 6;
const CLASS_EXPRESSION = 7;
const IMPORT_CLAUSE = 8;
const IMPORT_NAME = 9; // namespace import, import specifier
const IMPORT_EQUALS = 10;
const ENUM_OR_MODULE = 11;

// Whether an identifier under a parent of this kind is a reference (see `isReference`).
const REFERENCE = 0;
const NOT_REFERENCE = 1;
const IF_EXPRESSION = 2; // `a.b`: `a` is, `b` is not
const IF_NOT_NAME = 3; // `{ a: b }`, `let a = b`: the value is, the declared or property name is not
const EXPORT_SPECIFIER = 4;

// The scope a declaration's name goes to (see `blockScope` and `functionScope`).
const SCOPE_NONE = 0;
const SCOPE_BLOCK = 1; // a block: the function's when it is a function body
const SCOPE_BLOCK_LIKE = 2; // file, module block, case block, for/for-in/for-of
const SCOPE_FUNCTION = 3;
const SCOPE_FILE_OR_MODULE = 4;

interface KindTables {
  /** What a node of this kind declares (or IDENTIFIER). */
  role: Uint8Array;
  /** Whether an identifier whose parent has this kind is a reference. */
  parent: Uint8Array;
  /** Scope boundaries by kind. */
  scope: Uint8Array;
  /** Type-only kinds, left out by `collectNodes`. */
  typeOnly: Uint8Array;
}

const tablesByModule = new WeakMap<TypeScript, KindTables>();

/**
 * Per-kind lookup tables for one TypeScript copy (kind numbers differ between versions): the
 * binder looks at every node of a file, and one array read is much cheaper than a chain of
 * `ts.isX` guards.
 */
function kindTables(ts: TypeScript): KindTables {
  let tables = tablesByModule.get(ts);
  if (tables) return tables;
  let size = 0;
  for (const value of Object.values(ts.SyntaxKind)) if (typeof value === 'number' && value >= size) size = value + 1;
  const k = ts.SyntaxKind;
  const role = new Uint8Array(size);
  const parent = new Uint8Array(size);
  const scope = new Uint8Array(size);
  const typeOnly = new Uint8Array(size);
  role[k.Identifier] = IDENTIFIER;
  role[k.VariableDeclaration] = VARIABLE;
  role[k.Parameter] = PARAMETER;
  role[k.FunctionDeclaration] = FUNCTION_DECLARATION;
  role[k.ClassDeclaration] = CLASS_DECLARATION;
  role[k.FunctionExpression] = FUNCTION_EXPRESSION;
  role[k.ClassExpression] = CLASS_EXPRESSION;
  role[k.ImportClause] = IMPORT_CLAUSE;
  role[k.NamespaceImport] = IMPORT_NAME;
  role[k.ImportSpecifier] = IMPORT_NAME;
  role[k.ImportEqualsDeclaration] = IMPORT_EQUALS;
  role[k.EnumDeclaration] = ENUM_OR_MODULE;
  role[k.ModuleDeclaration] = ENUM_OR_MODULE;

  parent[k.PropertyAccessExpression] = IF_EXPRESSION;
  for (const kind of [
    k.QualifiedName,
    k.BindingElement,
    k.ImportClause,
    k.NamespaceImport,
    k.ImportSpecifier,
    k.LabeledStatement,
    k.BreakStatement,
    k.ContinueStatement,
    k.MetaProperty,
    k.NamespaceExport,
    k.NamespaceExportDeclaration,
  ]) {
    parent[kind] = NOT_REFERENCE;
  }
  for (const kind of [
    k.PropertyAssignment,
    k.PropertyDeclaration,
    k.MethodDeclaration,
    k.GetAccessor,
    k.SetAccessor,
    k.PropertySignature,
    k.MethodSignature,
    k.EnumMember,
    k.JsxAttribute,
    k.VariableDeclaration,
    k.Parameter,
    k.FunctionDeclaration,
    k.FunctionExpression,
    k.ClassDeclaration,
    k.ClassExpression,
    k.EnumDeclaration,
    k.ModuleDeclaration,
    k.ImportEqualsDeclaration,
  ]) {
    parent[kind] = IF_NOT_NAME;
  }
  parent[k.ExportSpecifier] = EXPORT_SPECIFIER;

  scope[k.Block] = SCOPE_BLOCK;
  for (const kind of [k.CaseBlock, k.ForStatement, k.ForInStatement, k.ForOfStatement]) scope[kind] = SCOPE_BLOCK_LIKE;
  for (const kind of [k.SourceFile, k.ModuleBlock]) scope[kind] = SCOPE_FILE_OR_MODULE;
  for (let kind = 0; kind < size; kind++) {
    const node = { kind } as TS.Node;
    if (isFunctionNode(ts, node)) scope[kind] = SCOPE_FUNCTION;
    // `extends Base` is an expression we need; other type positions are not.
    typeOnly[kind] = kind !== k.ExpressionWithTypeArguments && ts.isTypeNode(node) ? 1 : 0;
  }
  typeOnly[k.InterfaceDeclaration] = 1;
  typeOnly[k.TypeAliasDeclaration] = 1;
  tables = { role, parent, scope, typeOnly };
  tablesByModule.set(ts, tables);
  return tables;
}

/**
 * A small scope analysis: which declaration each identifier refers to. Enough to tell a
 * module-level `cache` from a parameter named `cache`, and an import from a local look-alike,
 * without a type checker.
 */
export class Binder {
  readonly bindings: Binding[] = [];
  private readonly scopes = new Map<TS.Node, Map<string, Binding>>();
  /**
   * Every identifier looked at: a reference to its binding, or `null` when it resolves to none
   * (a global); a declaring identifier to the binding it declares (or joins, for `var x` twice).
   */
  private readonly resolved = new Map<TS.Identifier, Binding | null>();
  private readonly tables: KindTables;
  /** Kinds of the nodes that own a scope table in this file: the others are passed over quickly in `lookup`. */
  private readonly scopeKinds: Uint8Array;

  /** `nodes`: the file's nodes outside type positions, as `collectNodes` gives them. */
  constructor(
    private readonly ts: TypeScript,
    readonly sourceFile: TS.SourceFile,
    nodes: readonly TS.Node[] = collectNodes(ts, sourceFile),
  ) {
    const tables = (this.tables = kindTables(ts));
    this.scopeKinds = new Uint8Array(tables.role.length);
    const role = tables.role;
    const references: TS.Identifier[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const r = role[node.kind]!;
      if (r === DECLARES_NOTHING) continue;
      if (r === IDENTIFIER) {
        if (this.isReference(node as TS.Identifier)) references.push(node as TS.Identifier);
      } else {
        this.declare(node, r);
      }
    }
    for (let i = 0; i < references.length; i++) {
      const id = references[i]!;
      const binding = this.lookup(id);
      if (binding) {
        binding.references.push(id);
        this.resolved.set(id, binding);
      } else {
        this.resolved.set(id, null);
      }
    }
  }

  /** The binding an identifier refers to, or undefined for globals and unresolvable names. */
  resolve(id: TS.Identifier): Binding | undefined {
    return this.resolved.get(id) ?? undefined;
  }

  /** Whether an identifier names a global (`setInterval`, `globalThis`, `require`, …) not shadowed locally. */
  isGlobal(id: TS.Node, name?: string): id is TS.Identifier {
    return this.ts.isIdentifier(id) && this.resolved.get(id) === null && (name === undefined || id.text === name);
  }

  /** Module-scope bindings by name. */
  moduleScope(): ReadonlyMap<string, Binding> {
    return this.scopes.get(this.sourceFile) ?? new Map();
  }

  isModuleScope(binding: Binding): boolean {
    return binding.scope === this.sourceFile;
  }

  private add(id: TS.Identifier, kind: BindingKind, declaration: TS.Node, scope: TS.Node): void {
    let table = this.scopes.get(scope);
    if (!table) {
      table = new Map();
      this.scopes.set(scope, table);
      this.scopeKinds[scope.kind] = 1;
    }
    const name = id.text;
    // `var x` twice, or a function and a var of one name: keep the first declaration.
    const existing = table.get(name);
    if (existing) {
      this.resolved.set(id, existing);
      return;
    }
    const binding: Binding = { name, kind, id, declaration, scope, references: [] };
    table.set(name, binding);
    this.resolved.set(id, binding);
    this.bindings.push(binding);
  }

  private declare(node: TS.Node, role: number): void {
    const ts = this.ts;
    switch (role) {
      case VARIABLE: {
        const declaration = node as TS.VariableDeclaration;
        const list = declaration.parent;
        let kind: BindingKind = 'var';
        let scope: TS.Node;
        if (list.kind === ts.SyntaxKind.CatchClause) {
          kind = 'catch';
          scope = list;
        } else if (
          list.kind === ts.SyntaxKind.VariableDeclarationList &&
          list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)
        ) {
          kind = list.flags & ts.NodeFlags.Let ? 'let' : 'const';
          scope = this.scopeOf(list, false);
        } else {
          scope = this.scopeOf(declaration, true);
        }
        this.declarePattern(declaration.name, kind, declaration, scope);
        return;
      }
      case PARAMETER: {
        const parameter = node as TS.ParameterDeclaration;
        this.declarePattern(parameter.name, 'param', parameter, parameter.parent);
        return;
      }
      case FUNCTION_DECLARATION:
      case CLASS_DECLARATION: {
        const name = (node as TS.FunctionDeclaration | TS.ClassDeclaration).name;
        if (name) this.add(name, role === CLASS_DECLARATION ? 'class' : 'function', node, this.scopeOf(node, false));
        return;
      }
      case FUNCTION_EXPRESSION:
      case CLASS_EXPRESSION: {
        const name = (node as TS.FunctionExpression | TS.ClassExpression).name;
        if (name) this.add(name, role === CLASS_EXPRESSION ? 'class' : 'function', node, node);
        return;
      }
      case IMPORT_CLAUSE: {
        const name = (node as TS.ImportClause).name;
        if (name) this.add(name, 'import', node, this.sourceFile);
        return;
      }
      case IMPORT_NAME:
        this.add((node as TS.NamespaceImport | TS.ImportSpecifier).name, 'import', node, this.sourceFile);
        return;
      case IMPORT_EQUALS:
        this.add((node as TS.ImportEqualsDeclaration).name, 'import', node, this.scopeOf(node, false));
        return;
      case ENUM_OR_MODULE: {
        const name = (node as TS.EnumDeclaration | TS.ModuleDeclaration).name;
        if (name.kind === ts.SyntaxKind.Identifier && !(node.flags & ts.NodeFlags.GlobalAugmentation))
          this.add(name, 'other', node, this.scopeOf(node, false));
        return;
      }
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

  /**
   * The scope that owns a declaration: for `let`, `const`, classes and functions the nearest
   * block, loop, function or file (a function's body block is the function's scope); for a
   * `var` (`functionLevel`) the nearest function, module block or file.
   */
  private scopeOf(node: TS.Node, functionLevel: boolean): TS.Node {
    const scope = this.tables.scope;
    for (let current = node.parent; current; current = current.parent) {
      const boundary = scope[current.kind]!;
      if (boundary === SCOPE_NONE) continue;
      if (functionLevel) {
        if (boundary === SCOPE_FUNCTION || boundary === SCOPE_FILE_OR_MODULE) return current;
      } else if (boundary === SCOPE_BLOCK) {
        return scope[current.parent.kind] === SCOPE_FUNCTION ? current.parent : current;
      } else {
        return current;
      }
    }
    return node.getSourceFile();
  }

  private lookup(id: TS.Identifier): Binding | undefined {
    const name = id.text;
    for (let owner = this.ownerFrom(id.parent); owner; owner = this.ownerFrom(owner.parent)) {
      const found = this.scopes.get(owner)!.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * For a node passed on a long way up from a reference: the nearest node at or above it that
   * owns a scope table (null: none). A long flat expression (`a + a + …`, a tree as deep as it
   * is long) would otherwise be climbed once per operand.
   */
  private readonly owners = new Map<TS.Node, TS.Node | null>();

  /** The nearest node at or above `node` that owns a scope table. */
  private ownerFrom(node: TS.Node | undefined): TS.Node | undefined {
    const { scopeKinds, scopes } = this;
    // Most ways up are short: climbed as they are, without the memo's cost.
    let steps = 0;
    for (let current = node; current; current = current.parent) {
      if (scopeKinds[current.kind] === 1 && scopes.has(current)) return current;
      if (++steps === SHORT_CLIMB) return this.longOwnerFrom(node!);
    }
    return undefined;
  }

  /** `ownerFrom` for a long way up, memoised for every node passed. */
  private longOwnerFrom(node: TS.Node): TS.Node | undefined {
    const { scopeKinds, scopes, owners } = this;
    const passed: TS.Node[] = [];
    let found: TS.Node | null = null;
    for (let current: TS.Node | undefined = node; current; current = current.parent) {
      if (scopeKinds[current.kind] === 1 && scopes.has(current)) {
        found = current;
        break;
      }
      const known = owners.get(current);
      if (known !== undefined) {
        found = known;
        break;
      }
      passed.push(current);
    }
    for (const n of passed) owners.set(n, found);
    return found ?? undefined;
  }

  /** Whether an identifier refers to a binding (as opposed to naming a property, label or declaration). */
  private isReference(id: TS.Identifier): boolean {
    const parent = id.parent;
    if (!parent) return false;
    switch (this.tables.parent[parent.kind]) {
      case REFERENCE:
        return true;
      case IF_EXPRESSION:
        return (parent as TS.PropertyAccessExpression).expression === id;
      case IF_NOT_NAME:
        return (parent as TS.NamedDeclaration).name !== id;
      case EXPORT_SPECIFIER: {
        // `export { a as b }` refers to local `a`; `export { a } from 'm'` refers to nothing local.
        const specifier = parent as TS.ExportSpecifier;
        if (specifier.parent.parent.moduleSpecifier) return false;
        return (specifier.propertyName ?? specifier.name) === id;
      }
      default:
        return false;
    }
  }
}

/** Steps up from a reference after which its way up is memoised (see `Binder.ownerFrom`). */
const SHORT_CLIMB = 64;

/** What `collectNodes`' callback works on: one callback for all calls, not one closure per call. */
interface Collecting {
  ts: TypeScript;
  stack: TS.Node[];
  typeOnly: Uint8Array;
  /** The node whose children are being pushed, and whether to make it their parent. */
  parent: TS.Node;
  setParents: boolean;
}

const IDLE: Collecting = {
  ts: undefined as unknown as TypeScript,
  stack: [],
  typeOnly: new Uint8Array(0),
  parent: undefined as unknown as TS.Node,
  setParents: false,
};
// statecheck-disable-next-line module-state -- the synchronous collection in progress, back to IDLE after each
let collecting = IDLE;

const pushKept = (child: TS.Node): undefined => {
  const state = collecting;
  if (state.setParents) {
    (child as { parent: TS.Node }).parent = state.parent;
    if (state.typeOnly[child.kind] === 1) setParentsBelow(state.ts, child);
  }
  if (state.typeOnly[child.kind] === 0) state.stack.push(child);
  return undefined;
};

/** A file's nodes outside type positions: all in source order, and by syntax kind. */
export interface NodeIndex {
  nodes: TS.Node[];
  /** Nodes of each kind, in source order (undefined for a kind the file lacks). */
  byKind: (TS.Node[] | undefined)[];
}

/**
 * Every node of a file in source order, leaving out type annotations, interfaces and type aliases.
 *
 * A file parsed without `setParentNodes` gets its parent pointers here, on the way (JSDoc
 * comments excepted): one walk over the tree instead of the parser's own and this one. The
 * same walk sorts the nodes by kind, for detectors that look at a few kinds only.
 */
export function indexNodes(ts: TypeScript, sourceFile: TS.SourceFile): NodeIndex {
  const typeOnly = kindTables(ts).typeOnly;
  const nodes: TS.Node[] = [];
  const byKind: (TS.Node[] | undefined)[] = new Array<TS.Node[] | undefined>(typeOnly.length).fill(undefined);
  if (typeOnly[sourceFile.kind] === 1) return { nodes, byKind };
  // Without recursion, so that deeply nested input cannot overflow the stack.
  const stack: TS.Node[] = [sourceFile];
  const state: Collecting = {
    ts,
    stack,
    typeOnly,
    parent: sourceFile,
    setParents: sourceFile.endOfFileToken.parent !== sourceFile,
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    nodes.push(node);
    const bucket = byKind[node.kind];
    if (bucket === undefined) byKind[node.kind] = [node];
    else bucket.push(node);
    // Push the kept children, then reverse them in place so they pop in source order.
    const low = stack.length;
    state.parent = node;
    collecting = state;
    ts.forEachChild(node, pushKept);
    reverseFrom(stack, low);
  }
  collecting = IDLE;
  return { nodes, byKind };
}

/** Every node of a file in source order (see `indexNodes`). */
export function collectNodes(ts: TypeScript, sourceFile: TS.SourceFile): TS.Node[] {
  return indexNodes(ts, sourceFile).nodes;
}

/** Sets the parent pointers in a subtree `collectNodes` leaves out (a type annotation). */
function setParentsBelow(ts: TypeScript, root: TS.Node): void {
  const pending: TS.Node[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    ts.forEachChild(node, (child) => {
      (child as { parent: TS.Node }).parent = node;
      pending.push(child);
    });
  }
}
