import { isFunctionNode, memberName, nameText, outerWrapper, skipOuter } from './ast.js';
import type { Binder, Binding } from './binder.js';
import type { TS, TypeScript } from './types.js';

/** The export name of a whole CommonJS module (`module.exports = x`) and of `export default x`. */
export const DEFAULT_EXPORT = 'default';

/**
 * The CommonJS export an assignment target names: `module.exports` → `default`,
 * `exports.x`, `module.exports.x`, `X.x` with `const X = module.exports` → `x`; undefined for
 * anything else.
 */
export function commonJsExport(ts: TypeScript, binder: Binder, target: TS.Expression): string | undefined {
  const e = skipOuter(ts, target);
  if (isModuleExports(ts, binder, e)) return DEFAULT_EXPORT;
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(ts, e);
    if (name !== undefined && isExportsObject(ts, binder, skipOuter(ts, e.expression))) return name;
  }
  return undefined;
}

/** `exports`, `module.exports`, or an alias of one: `const X = module.exports` (also `var self = exports`). */
function isExportsObject(ts: TypeScript, binder: Binder, e: TS.Expression): boolean {
  if (binder.isGlobal(e, 'exports') || isModuleExports(ts, binder, e)) return true;
  if (!ts.isIdentifier(e)) return false;
  const decl = binder.resolve(e)?.declaration;
  if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !decl.initializer) return false;
  const init = skipOuter(ts, decl.initializer);
  return binder.isGlobal(init, 'exports') || isModuleExports(ts, binder, init);
}

/**
 * The call of an immediately invoked function that returns `node`: `(() => { …; return { f } })()`,
 * `(function () { return api; })()`. Undefined when `node` is not returned by one.
 */
function returningIife(ts: TypeScript, node: TS.Node): TS.CallExpression | undefined {
  const outer = outerWrapper(ts, node);
  let fn: TS.Node | undefined = outer.parent;
  if (fn && ts.isReturnStatement(fn)) {
    while (fn && !isFunctionNode(ts, fn)) fn = fn.parent;
  } else if (!(fn && ts.isArrowFunction(fn) && fn.body === outer)) {
    return undefined;
  }
  if (!fn || !(ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) return undefined;
  const callee = outerWrapper(ts, fn);
  const call = callee.parent;
  return call && ts.isCallExpression(call) && call.expression === callee ? call : undefined;
}

/** `module.exports`, with `module` the CommonJS global. */
function isModuleExports(ts: TypeScript, binder: Binder, e: TS.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(e) &&
    e.name.text === 'exports' &&
    binder.isGlobal(skipOuter(ts, e.expression), 'module')
  );
}

/**
 * The name under which the value at `node` leaves the module, when `node` sits in an export
 * position: `export { f }`, `export { f as g }`, `export default f`, `module.exports = f`,
 * `exports.g = f`, `X.g = f` with `const X = module.exports`, a property of an object literal
 * exported as a whole (`module.exports = { f }`, `export default { g: f }`), or the value an
 * exported immediately invoked function returns (`module.exports = (() => { …; return f; })()`).
 */
export function exportNameAt(ts: TypeScript, binder: Binder, node: TS.Node): string | undefined {
  const outer = outerWrapper(ts, node);
  const parent = outer.parent;
  if (!parent) return undefined;
  if (ts.isExportSpecifier(parent)) return parent.parent.parent.moduleSpecifier ? undefined : nameText(ts, parent.name);
  if (ts.isExportAssignment(parent)) return DEFAULT_EXPORT;
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === outer &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  ) {
    return commonJsExport(ts, binder, parent.left);
  }
  if (
    (ts.isShorthandPropertyAssignment(parent) || (ts.isPropertyAssignment(parent) && parent.initializer === outer)) &&
    ts.isObjectLiteralExpression(parent.parent)
  ) {
    return isExportedObject(ts, binder, parent.parent) ? nameText(ts, parent.name) : undefined;
  }
  const iife = returningIife(ts, outer);
  return iife && exportNameAt(ts, binder, iife);
}

/**
 * `module.exports = { … }` or `export default { … }`, also returned by an immediately invoked
 * function in that place (`module.exports = (() => { …; return { f }; })()`): the object literal
 * is the module's export list.
 */
export function isExportedObject(ts: TypeScript, binder: Binder, obj: TS.ObjectLiteralExpression): boolean {
  const outer = outerWrapper(ts, obj);
  const parent = outer.parent;
  if (!parent) return false;
  if (ts.isExportAssignment(parent)) return true;
  if (
    ts.isBinaryExpression(parent) &&
    parent.right === outer &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    isModuleExports(ts, binder, skipOuter(ts, parent.left))
  )
    return true;
  const iife = returningIife(ts, outer);
  return iife !== undefined && exportNameAt(ts, binder, iife) === DEFAULT_EXPORT;
}

/** Whether a declaration carries a modifier (`export`, `default`, `static`). */
export function hasModifier(ts: TypeScript, node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** The export name of a declaration written with `export`: `export function f` → `f`, `export default class` → `default`. */
export function declaredExportName(ts: TypeScript, binding: Binding): string | undefined {
  let node: TS.Node = binding.declaration;
  if (ts.isVariableDeclaration(node) || ts.isBindingElement(node)) {
    while (node && !ts.isVariableStatement(node)) node = node.parent;
    if (!node) return undefined;
  } else if (!ts.isFunctionDeclaration(node) && !ts.isClassDeclaration(node)) {
    return undefined;
  }
  if (!hasModifier(ts, node, ts.SyntaxKind.ExportKeyword)) return undefined;
  return hasModifier(ts, node, ts.SyntaxKind.DefaultKeyword) ? DEFAULT_EXPORT : binding.name;
}

/** Every name a module-scope binding is exported under, by declaration or by reference. */
export function exportNamesOf(ts: TypeScript, binder: Binder, binding: Binding): string[] {
  const names = new Set<string>();
  const declared = declaredExportName(ts, binding);
  if (declared !== undefined) names.add(declared);
  for (const ref of binding.references) {
    const name = exportNameAt(ts, binder, ref);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/**
 * The names a function or class member's own unit is exported under: `export function f`,
 * `const f = () => …` exported by reference, `exports.f = function`, a method of
 * `module.exports = { … }`, or a field or constructor of an exported class (its construction).
 */
export function unitExportNames(ts: TypeScript, binder: Binder, unit: TS.Node): string[] {
  const one = (name: string | undefined) => (name === undefined ? [] : [name]);
  if (ts.isPropertyDeclaration(unit) || ts.isConstructorDeclaration(unit)) {
    const cls = unit.parent;
    if (!ts.isClassLike(cls)) return [];
    if (ts.isClassDeclaration(cls) && !cls.name)
      return one(hasModifier(ts, cls, ts.SyntaxKind.ExportKeyword) ? DEFAULT_EXPORT : undefined);
    const binding = cls.name ? binder.resolve(cls.name) : undefined;
    return binding ? exportNamesOf(ts, binder, binding) : one(exportNameAt(ts, binder, cls));
  }
  if (ts.isFunctionDeclaration(unit)) {
    if (!unit.name) return one(hasModifier(ts, unit, ts.SyntaxKind.ExportKeyword) ? DEFAULT_EXPORT : undefined);
    const binding = binder.resolve(unit.name);
    return binding ? exportNamesOf(ts, binder, binding) : [];
  }
  if (ts.isArrowFunction(unit) || ts.isFunctionExpression(unit)) {
    const outer = outerWrapper(ts, unit);
    const parent = outer.parent;
    if (parent && ts.isVariableDeclaration(parent) && parent.initializer === outer && ts.isIdentifier(parent.name)) {
      const binding = binder.resolve(parent.name);
      return binding ? exportNamesOf(ts, binder, binding) : [];
    }
    return one(exportNameAt(ts, binder, unit));
  }
  if (
    (ts.isMethodDeclaration(unit) || ts.isAccessor(unit)) &&
    ts.isObjectLiteralExpression(unit.parent) &&
    isExportedObject(ts, binder, unit.parent)
  ) {
    return one(nameText(ts, unit.name));
  }
  return [];
}

/**
 * Export names whose value is written in place rather than bound to a module-scope name:
 * `export default () => …`, `export default function () {}`, `module.exports = function () {}`,
 * `exports.f = () => …`, `X.f = …` with `const X = module.exports`, `module.exports = class {}`,
 * `module.exports = new Registry()`, and the members of an exported object literal
 * (`module.exports = { f() {} }`, also returned by an immediately invoked function). Named
 * bindings are found through their references (`exportNamesOf`); these have none. `nodes`: the
 * file's export assignments, assignments, object literals and function and class declarations.
 */
export function valueExportNames(ts: TypeScript, binder: Binder, nodes: Iterable<TS.Node>): string[] {
  const names = new Set<string>();
  for (const node of nodes) {
    if (ts.isExportAssignment(node)) {
      if (!ts.isObjectLiteralExpression(skipOuter(ts, node.expression))) names.add(DEFAULT_EXPORT);
    } else if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) {
      if (!node.name && hasModifier(ts, node, ts.SyntaxKind.ExportKeyword)) names.add(DEFAULT_EXPORT);
    } else if (ts.isBinaryExpression(node)) {
      if (node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const name = commonJsExport(ts, binder, node.left);
      // An exported object literal is the module's export list: its members are the exports.
      if (name !== undefined && !ts.isObjectLiteralExpression(skipOuter(ts, node.right))) names.add(name);
    } else if (ts.isObjectLiteralExpression(node) && isExportedObject(ts, binder, node)) {
      for (const prop of node.properties) {
        const name = ts.isSpreadAssignment(prop) ? undefined : nameText(ts, prop.name);
        if (name !== undefined) names.add(name);
      }
    }
  }
  return [...names];
}
