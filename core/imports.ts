import { memberName, skipOuter, stringValue } from './ast.js';
import type { Binder } from './binder.js';
import type { TS, TypeScript } from './types.js';

/**
 * What an expression is, in terms of a package: `{ module: 'express-session', path: ['MemoryStore'] }`
 * for `session.MemoryStore`. A call adds the segment `()`: `require('memorystore')(session)` is
 * `{ module: 'memorystore', path: ['()'] }`.
 */
export interface ModuleRef {
  module: string;
  path: string[];
}

/** `verbose().Database`, `MemoryStore`, `()`, or `` for the module itself. */
export function formatPath(path: readonly string[]): string {
  let out = '';
  for (const segment of path) {
    if (segment === '()') out += '()';
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

/** `node:fs` → `fs`; `fs/promises` stays as it is. */
export function normalizeModule(specifier: string): string {
  return specifier.startsWith('node:') ? specifier.slice(5) : specifier;
}

const MAX_DEPTH = 12;

/**
 * Resolves expressions to the package members they stand for, seeing through ESM default,
 * named and namespace imports, renames, `import x = require()`, CommonJS `require` (assigned,
 * destructured, member access, inline calls) and local aliases (`const Store = session.Store`).
 */
export class ImportResolver {
  private readonly cache = new Map<TS.Node, ModuleRef | null>();

  constructor(
    private readonly ts: TypeScript,
    private readonly binder: Binder,
  ) {}

  /** The package member an expression denotes, or undefined when it is not from a package. */
  resolve(expr: TS.Expression, depth = 0): ModuleRef | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const cached = this.cache.get(expr);
    if (cached !== undefined) return cached ?? undefined;
    const ref = this.compute(skipOuter(this.ts, expr), depth);
    const normalized = ref && { module: ref.module, path: ref.path[0] === 'default' ? ref.path.slice(1) : ref.path };
    this.cache.set(expr, normalized ?? null);
    return normalized;
  }

  /** The package a `require('x')`, `import('x')` or `await import('x')` call loads. */
  requiredModule(expr: TS.Expression): string | undefined {
    const ts = this.ts;
    let e = skipOuter(ts, expr);
    if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
    if (!ts.isCallExpression(e) || e.arguments.length !== 1) return undefined;
    const specifier = stringValue(ts, e.arguments[0]);
    if (specifier === undefined) return undefined;
    if (e.expression.kind === ts.SyntaxKind.ImportKeyword || this.binder.isGlobal(e.expression, 'require')) {
      return normalizeModule(specifier);
    }
    return undefined;
  }

  private compute(e: TS.Expression, depth: number): ModuleRef | undefined {
    const ts = this.ts;
    if (ts.isIdentifier(e)) return this.fromIdentifier(e, depth);
    const member = memberName(ts, e);
    if (member !== undefined && (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))) {
      const base = this.resolve(e.expression, depth + 1);
      return base && { module: base.module, path: [...base.path, member] };
    }
    if (ts.isCallExpression(e) || ts.isAwaitExpression(e)) {
      const loaded = this.requiredModule(e);
      if (loaded !== undefined) return { module: loaded, path: [] };
      if (ts.isCallExpression(e)) {
        const callee = this.resolve(e.expression, depth + 1);
        return callee && { module: callee.module, path: [...callee.path, '()'] };
      }
    }
    return undefined;
  }

  private fromIdentifier(id: TS.Identifier, depth: number): ModuleRef | undefined {
    const ts = this.ts;
    const binding = this.binder.resolve(id);
    if (!binding) return undefined;
    const decl = binding.declaration;
    if (ts.isImportClause(decl)) {
      const specifier = stringValue(ts, decl.parent.moduleSpecifier);
      return specifier === undefined ? undefined : { module: normalizeModule(specifier), path: ['default'] };
    }
    if (ts.isNamespaceImport(decl)) {
      const specifier = stringValue(ts, decl.parent.parent.moduleSpecifier);
      return specifier === undefined ? undefined : { module: normalizeModule(specifier), path: [] };
    }
    if (ts.isImportSpecifier(decl)) {
      const specifier = stringValue(ts, decl.parent.parent.parent.moduleSpecifier);
      const imported = (decl.propertyName ?? decl.name).text;
      return specifier === undefined ? undefined : { module: normalizeModule(specifier), path: [imported] };
    }
    if (ts.isImportEqualsDeclaration(decl)) {
      const ref = decl.moduleReference;
      if (ts.isExternalModuleReference(ref)) {
        const specifier = stringValue(ts, ref.expression);
        return specifier === undefined ? undefined : { module: normalizeModule(specifier), path: [] };
      }
      return undefined;
    }
    if (binding.kind === 'let' || binding.kind === 'var' || binding.kind === 'const') {
      if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) {
        return decl.initializer ? this.resolve(decl.initializer, depth + 1) : undefined;
      }
      if (ts.isBindingElement(decl)) return this.fromBindingElement(decl, depth);
    }
    return undefined;
  }

  // const { a: { b } } = require('m')  →  m.a.b
  private fromBindingElement(element: TS.BindingElement, depth: number): ModuleRef | undefined {
    const ts = this.ts;
    const path: string[] = [];
    let node: TS.Node = element;
    while (ts.isBindingElement(node)) {
      const pattern: TS.BindingPattern = node.parent;
      if (!ts.isObjectBindingPattern(pattern)) return undefined;
      const key = node.propertyName ?? node.name;
      const name = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
      if (name === undefined || node.dotDotDotToken) return undefined;
      path.unshift(name);
      node = pattern.parent;
    }
    if (!ts.isVariableDeclaration(node) || !node.initializer) return undefined;
    const base = this.resolve(node.initializer, depth + 1);
    return base && { module: base.module, path: [...base.path, ...path] };
  }
}
