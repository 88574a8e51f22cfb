import { memberName, nameText, outerWrapper, skipOuter } from './ast.js';
import type { Binder, Binding } from './binder.js';
import type { TS, TypeScript } from './types.js';

/** The export name of a whole CommonJS module (`module.exports = x`) and of `export default x`. */
export const DEFAULT_EXPORT = 'default';

/**
 * The CommonJS export an assignment target names: `module.exports` → `default`,
 * `exports.x`, `module.exports.x` → `x`; undefined for anything else.
 */
function commonJsExport(ts: TypeScript, binder: Binder, target: TS.Expression): string | undefined {
  const e = skipOuter(ts, target);
  if (isModuleExports(ts, binder, e)) return DEFAULT_EXPORT;
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(ts, e);
    const base = skipOuter(ts, e.expression);
    if (name !== undefined && (binder.isGlobal(base, 'exports') || isModuleExports(ts, binder, base))) return name;
  }
  return undefined;
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
 * `exports.g = f`, or a property of an object literal exported as a whole
 * (`module.exports = { f }`, `export default { g: f }`).
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
  return undefined;
}

/** `module.exports = { … }` or `export default { … }`: the object literal is the module's export list. */
export function isExportedObject(ts: TypeScript, binder: Binder, obj: TS.ObjectLiteralExpression): boolean {
  const outer = outerWrapper(ts, obj);
  const parent = outer.parent;
  if (!parent) return false;
  if (ts.isExportAssignment(parent)) return true;
  return (
    ts.isBinaryExpression(parent) &&
    parent.right === outer &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    isModuleExports(ts, binder, skipOuter(ts, parent.left))
  );
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
