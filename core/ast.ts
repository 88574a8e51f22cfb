import type { TS, TypeScript } from './types.js';

/** The stack `walk`'s child callback pushes to: one callback for all walks, not a closure per call. */
// statecheck-disable-next-line module-state -- a pointer set before each synchronous use; nothing outlives a walk
let walkStack: TS.Node[] = [];
const pushChild = (child: TS.Node): undefined => {
  walkStack.push(child);
  return undefined;
};

/**
 * Visits `root` and its descendants in source order without recursion, so that deeply nested
 * input cannot overflow the stack. Return `false` from `visit` to skip a node's children.
 */
export function walk(ts: TypeScript, root: TS.Node, visit: (node: TS.Node) => boolean | undefined): void {
  const stack: TS.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    // Push the children, then reverse them in place so they pop in source order. (`visit` may
    // walk another tree meanwhile: the callback's stack is set again for each node.)
    const low = stack.length;
    walkStack = stack;
    ts.forEachChild(node, pushChild);
    reverseFrom(stack, low);
  }
}

/** Reverses `stack[low…]` in place: children pushed in source order then pop in source order. */
export function reverseFrom(stack: unknown[], low: number): void {
  for (let high = stack.length - 1; low < high; low++, high--) {
    const swap = stack[low]!;
    stack[low] = stack[high]!;
    stack[high] = swap;
  }
}

/** Nodes that start a new function body: code in them runs when the function is called. */
export type FunctionNode =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration
  | TS.ConstructorDeclaration
  | TS.GetAccessorDeclaration
  | TS.SetAccessorDeclaration
  | TS.ClassStaticBlockDeclaration;

/** Kind tables for the guards below, per TypeScript copy (kind numbers differ between versions). */
interface AstKinds {
  /** FunctionNode kinds. */
  functions: Uint8Array;
  /** The wrappers `skipOuter` sees through. */
  wrappers: Uint8Array;
}

const kindsByModule = new WeakMap<TypeScript, AstKinds>();
// The last TypeScript copy asked about and its tables: a host uses one copy.
// statecheck-disable-next-line module-state -- a memo of tables derived from the immutable TypeScript module
let lastTs: TypeScript | undefined;
// statecheck-disable-next-line module-state -- the same memo's value
let lastKinds: AstKinds = { functions: new Uint8Array(0), wrappers: new Uint8Array(0) };

/** The kinds of node `isFunctionNode` accepts. */
export function functionKinds(ts: TypeScript): TS.SyntaxKind[] {
  const k = ts.SyntaxKind;
  return [
    k.FunctionDeclaration,
    k.FunctionExpression,
    k.ArrowFunction,
    k.MethodDeclaration,
    k.Constructor,
    k.GetAccessor,
    k.SetAccessor,
    k.ClassStaticBlockDeclaration,
  ];
}

/** These guards run for every node of every file: one array read instead of a chain of `ts.isX`. */
function astKinds(ts: TypeScript): AstKinds {
  if (ts === lastTs) return lastKinds;
  let kinds = kindsByModule.get(ts);
  if (!kinds) {
    const k = ts.SyntaxKind;
    let size = 0;
    for (const value of Object.values(k)) if (typeof value === 'number' && value >= size) size = value + 1;
    const table = (list: TS.SyntaxKind[]) => {
      const result = new Uint8Array(size);
      for (const kind of list) result[kind] = 1;
      return result;
    };
    kinds = {
      functions: table(functionKinds(ts)),
      wrappers: table([
        k.ParenthesizedExpression,
        k.AsExpression,
        k.NonNullExpression,
        k.TypeAssertionExpression,
        k.SatisfiesExpression,
      ]),
    };
    kindsByModule.set(ts, kinds);
  }
  lastTs = ts;
  lastKinds = kinds;
  return kinds;
}

export function isFunctionNode(ts: TypeScript, node: TS.Node): node is FunctionNode {
  return astKinds(ts).functions[node.kind] === 1;
}

/**
 * The unit of code a node runs in: the nearest enclosing function, a class property (its
 * initializer runs at construction, or at load for statics), or the source file (load time).
 */
export type CodeUnit = FunctionNode | TS.PropertyDeclaration | TS.SourceFile;

/**
 * `parent` when it is the unit its child `child` runs in; else undefined, and `child` runs in
 * `parent`'s unit. A node's unit is the first one found going up.
 */
export function unitAt(ts: TypeScript, parent: TS.Node, child: TS.Node): CodeUnit | undefined {
  if (isFunctionNode(ts, parent)) {
    // A function's name and decorators belong to the outer unit; its parameters and body to it.
    if (!(ts.isDecorator(child) || ('name' in parent && parent.name === child))) return parent;
  }
  if (ts.isPropertyDeclaration(parent) && parent.initializer === child) return parent;
  if (ts.isSourceFile(parent)) return parent;
  return undefined;
}

/** Skips parentheses and type-only wrappers: `(x as Foo)!` → `x`. */
export function skipOuter(ts: TypeScript, expr: TS.Expression): TS.Expression {
  const wrappers = astKinds(ts).wrappers;
  let e = expr;
  while (wrappers[e.kind] === 1) e = (e as TS.ParenthesizedExpression).expression;
  return e;
}

/** The outermost of the wrappers `skipOuter` sees through: `(fn as Handler)!` for `fn`. */
export function outerWrapper(ts: TypeScript, node: TS.Node): TS.Node {
  const wrappers = astKinds(ts).wrappers;
  let current = node;
  while (current.parent && wrappers[current.parent.kind] === 1) current = current.parent;
  return current;
}

/** Whether a value is returned as it is: `return x`, `return await x`, or an arrow's expression body. */
export function isReturnedValue(ts: TypeScript, node: TS.Node): boolean {
  let outer = outerWrapper(ts, node);
  if (ts.isAwaitExpression(outer.parent)) outer = outerWrapper(ts, outer.parent);
  const parent = outer.parent;
  return ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === outer);
}

/** Whether an operator assigns: `=`, `+=`, `??=`, … */
export function isAssignment(ts: TypeScript, kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** The text of a property name (`a`, `'a'`, `1`, `#a`), or undefined for computed names. */
export function nameText(ts: TypeScript, name: TS.Node | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name))
    return name.text;
  if (ts.isComputedPropertyName(name)) return stringValue(ts, name.expression);
  return undefined;
}

/** The value of a string literal or substitution-free template, else undefined. */
export function stringValue(ts: TypeScript, expr: TS.Node | undefined): string | undefined {
  if (!expr) return undefined;
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return expr.text;
  return undefined;
}

/** The initializer of property `key` in an object literal (shorthand properties give their name). */
export function objectProperty(
  ts: TypeScript,
  obj: TS.ObjectLiteralExpression,
  key: string,
): TS.Expression | undefined {
  for (let i = obj.properties.length - 1; i >= 0; i--) {
    const prop = obj.properties[i]!;
    if (ts.isPropertyAssignment(prop) && nameText(ts, prop.name) === key) return prop.initializer;
    if (ts.isShorthandPropertyAssignment(prop) && prop.name.text === key) return prop.name;
    if (ts.isMethodDeclaration(prop) && nameText(ts, prop.name) === key) return undefined;
  }
  return undefined;
}

/** Whether an object literal has property `key` (or a spread, which may carry it). */
export function hasProperty(ts: TypeScript, obj: TS.ObjectLiteralExpression, key: string): 'yes' | 'no' | 'maybe' {
  let spread = false;
  for (const prop of obj.properties) {
    if (ts.isSpreadAssignment(prop)) spread = true;
    else if (nameText(ts, prop.name) === key) return 'yes';
  }
  return spread ? 'maybe' : 'no';
}

/** The member name of `a.b` or `a['b']`. */
export function memberName(ts: TypeScript, expr: TS.Node): string | undefined {
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  if (ts.isElementAccessExpression(expr)) return stringValue(ts, expr.argumentExpression);
  return undefined;
}

/** Whether a node is inside a `'use client'` / `'use server'` style directive prologue. */
export function directives(ts: TypeScript, statements: TS.NodeArray<TS.Statement>): string[] {
  const found: string[] = [];
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) break;
    found.push(statement.expression.text);
  }
  return found;
}

/** Splits an identifier into lower-case words: `userSessionMap` → user, session, map. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** An expression's text without white space or type wrappers, to compare expressions: `this.io`, `(client as Redis)` → `client`. */
export function compactText(ts: TypeScript, expr: TS.Expression, sourceFile: TS.SourceFile): string {
  return skipOuter(ts, expr).getText(sourceFile).replace(/\s+/g, '');
}

/** Whether `this` at `node` is the class itself (inside a static member). */
export function isStaticContext(ts: TypeScript, node: TS.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionNode(ts, current) && !ts.isArrowFunction(current)) {
      if (ts.isClassStaticBlockDeclaration(current)) return true;
      return (ts.getModifiers(current) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    }
    if (ts.isPropertyDeclaration(current)) {
      return (ts.getModifiers(current) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    }
  }
  return false;
}
