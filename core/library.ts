import { compactText, hasProperty, memberName, objectProperty, skipOuter, stringValue } from './ast.js';
import { CATALOGUE, type CatalogueEntry, CLIENT_MODULES, catalogueIndex } from './catalogue.js';
import { CATEGORY_INFO } from './categories.js';
import type { FileContext } from './context.js';
import { formatPath } from './imports.js';
import { perFile } from './per-file.js';
import { ownValue } from './settings.js';
import type { AnalyzeOptions, TS } from './types.js';

/**
 * What the catalogue (and the configuration's `packages`) makes of a file: which calls, `new`s,
 * decorators and registrations create library state, and whether their options keep that state
 * in the process. Questions about one file take its context; nothing is stored on it.
 */

/** A call, `new`, decorator or plugin registration that creates library state. */
export interface LibraryCreation {
  entry: CatalogueEntry;
  node: TS.CallExpression | TS.NewExpression | TS.Decorator;
}

/**
 * A creation's options, judged: whether it keeps its state in the process, and the creations
 * judged as its process-local store (`session({ store: new MemoryStore() })`), which are reported
 * with it rather than on their own.
 */
export interface OptionsVerdict {
  unsafe: boolean;
  stores: TS.Node[];
}

const INDEX = catalogueIndex();
const packageNames = new Map<string, string>();
const CATALOGUE_PACKAGES = new Set(CATALOGUE.flatMap((entry) => entry.modules.map(packageName)));
const MAX_DEPTH = 8;

/** The package a specifier names: `node:fs/promises` → `fs`, `@scope/pkg/sub` → `@scope/pkg`. */
function packageName(specifier: string): string {
  let name = packageNames.get(specifier);
  if (name === undefined) {
    const parts = (specifier.startsWith('node:') ? specifier.slice(5) : specifier).split('/');
    name = parts[0]!.startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0]!;
    // Specifiers repeat across files; a run over a huge tree keeps only a bounded number.
    if (packageNames.size < 10_000) packageNames.set(specifier, name);
  }
  return name;
}

/** Whether a specifier loads a package the catalogue or the configuration (`packages`) knows. */
export function namesPackage(specifier: string, extraPackages: AnalyzeOptions['packages'] = {}): boolean {
  const name = packageName(specifier);
  return CATALOGUE_PACKAGES.has(name) || Object.keys(extraPackages).some((p) => packageName(p) === name);
}

/** Whether a module's objects are connections to shared services (a database or Redis client): holding them is not state. */
export function isClientPackage(module: string): boolean {
  return CLIENT_MODULES.has(module) || CLIENT_MODULES.has(module.split('/')[0]!);
}

/** Catalogue entries whose export a call, `new`, registration or decorator uses. */
export function entriesFor(ctx: FileContext, node: TS.Node): CatalogueEntry[] {
  const ts = ctx.ts;
  if (ts.isDecorator(node)) {
    const target = ts.isCallExpression(node.expression) ? node.expression.expression : node.expression;
    return lookup(ctx, target).filter((e) => e.via === 'decorator');
  }
  if (ts.isNewExpression(node)) {
    return lookup(ctx, node.expression).filter(
      (e) => e.via === 'new' || e.via === 'call-or-new' || e.via === 'emitter' || e.via === 'ws-server',
    );
  }
  if (ts.isCallExpression(node)) {
    const direct = lookup(ctx, node.expression).filter(
      (e) => e.via === 'call' || e.via === 'call-or-new' || e.via === 'memoize' || e.via === 'fs-write',
    );
    // fastify.register(plugin, options)
    if (memberName(ts, skipOuter(ts, node.expression)) === 'register' && node.arguments[0]) {
      direct.push(...lookup(ctx, node.arguments[0]).filter((e) => e.via === 'register'));
    }
    return direct;
  }
  return [];
}

/** Catalogue entries that name a package, whatever the export. */
export function entriesForModule(module: string): CatalogueEntry[] {
  return CATALOGUE.filter((e) => e.modules.includes(module));
}

function lookup(ctx: FileContext, expr: TS.Expression): CatalogueEntry[] {
  // A file that names no known package has no library creations.
  if (!ctx.sketch.namesPackages) return [];
  const ref = ctx.imports.resolve(expr);
  if (!ref) return [];
  const known = INDEX.get(`${ref.module}#${formatPath(ref.path)}`);
  if (known) return [...known];
  // A module named `constructor` (a real npm package) is not a configured one.
  const extra = ownValue(ctx.packages, ref.module);
  if (extra && ref.path[0] !== '()' && (!extra.exports || extra.exports.includes(formatPath(ref.path)))) {
    return [configuredEntry(ref.module, extra.category)];
  }
  return [];
}

/** A catalogue row for a package named in the configuration's `packages`. */
function configuredEntry(module: string, category: CatalogueEntry['category']): CatalogueEntry {
  return {
    label: module,
    category,
    modules: [module],
    exports: [],
    via: 'call-or-new',
    what: 'is configured as process-local state',
    suggestion: CATEGORY_INFO[category].suggestion,
  };
}

/** The library creation an expression is, if any (`new LRUCache()`, `session({…})`). */
export function libraryCreation(ctx: FileContext, expr: TS.Expression): LibraryCreation | undefined {
  const ts = ctx.ts;
  let e = skipOuter(ts, expr);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return undefined;
  const entry = entriesFor(ctx, e)[0];
  return entry && { entry, node: e };
}

/** All catalogue creations in the file (decorators, calls, `new`, registrations), in source order. */
export const creations = perFile((ctx): readonly LibraryCreation[] => {
  const ts = ctx.ts;
  const found: LibraryCreation[] = [];
  for (const node of ctx.ofKinds(
    ts.SyntaxKind.CallExpression,
    ts.SyntaxKind.NewExpression,
    ts.SyntaxKind.Decorator,
  ) as readonly (TS.CallExpression | TS.NewExpression | TS.Decorator)[]) {
    for (const entry of entriesFor(ctx, node)) found.push({ entry, node });
  }
  return found;
});

/**
 * The creations of the catalogue's `call`/`new`/`register`/`decorator` rows whose options keep
 * state in the process, once per file. A creation judged as the store of another
 * (`new MemoryStore()` in `session({ store })`) is left out: it is reported there.
 */
export const unsafeCreations = perFile((ctx): readonly LibraryCreation[] => {
  const generic = creations(ctx).filter((c) =>
    ['call', 'new', 'call-or-new', 'register', 'decorator'].includes(c.entry.via),
  );
  const judged = generic.map((creation) => ({ creation, verdict: judgeOptions(ctx, creation) }));
  const stores = new Set(judged.flatMap(({ verdict }) => verdict.stores));
  return judged
    .filter(({ creation, verdict }) => verdict.unsafe && !stores.has(creation.node))
    .map(({ creation }) => creation);
});

/**
 * Whether a creation keeps its state in the process, judged by its options: `session({ store })`
 * is fixed unless the store is itself process-local; `multer({ dest })` is not.
 */
export function judgeOptions(ctx: FileContext, creation: LibraryCreation): OptionsVerdict {
  const stores: TS.Node[] = [];
  return { unsafe: isUnsafe(ctx, creation, stores), stores };
}

/** `judgeOptions`; the creations judged as process-local stores on the way are added to `stores`. */
function isUnsafe(ctx: FileContext, creation: LibraryCreation, stores: TS.Node[]): boolean {
  const { entry, node } = creation;
  const check = entry.options;
  if (!check) return true;
  const ts = ctx.ts;
  if (ts.isDecorator(node)) return true;
  const args: readonly TS.Expression[] = node.arguments ?? [];
  if (check.file) {
    const arg = args[check.arg as number];
    if (!arg) return false;
    const obj = objectLiteral(ctx, arg);
    const name = obj ? objectProperty(ts, obj, check.file.key) : arg;
    if (!name) return false;
    const literal = stringValue(ts, skipOuter(ts, name));
    return literal === undefined || !check.file.memoryNames.includes(literal);
  }
  const candidates = check.arg === 'any' ? [...args] : args[check.arg] ? [args[check.arg]!] : [];
  if (check.unsafeKeys) {
    for (const arg of candidates) {
      const obj = objectLiteral(ctx, arg);
      if (!obj) continue;
      for (const key of check.unsafeKeys) {
        const value = objectProperty(ts, obj, key);
        if (!value && hasProperty(ts, obj, key) !== 'yes') continue;
        if (!check.unsafeValues) return true;
        const literal = value && stringValue(ts, skipOuter(ts, value));
        if (literal !== undefined && check.unsafeValues.includes(literal)) return true;
      }
    }
    return false;
  }
  if (candidates.length === 0) return check.arg === 'any' ? !fixedByMethod(ctx, creation) : true;
  for (const arg of candidates) {
    const obj = objectLiteral(ctx, arg);
    if (!obj) {
      if (check.arg === 'any') continue;
      if (!ts.isObjectLiteralExpression(skipOuter(ts, arg)) && check.safeIfNotObject) {
        const literal = stringValue(ts, skipOuter(ts, arg));
        if (literal !== undefined && check.unsafeValues?.includes(literal)) return true;
        return isLocalStore(ctx, arg, 0, stores);
      }
      return false; // options we cannot see: do not guess
    }
    for (const key of check.safeKeys ?? []) {
      const presence = hasProperty(ts, obj, key);
      if (presence === 'maybe') return false;
      if (presence === 'no') continue;
      const value = objectProperty(ts, obj, key);
      const literal = value && stringValue(ts, skipOuter(ts, value));
      if (literal !== undefined && check.unsafeValues?.includes(literal)) return true;
      if (value && isLocalStore(ctx, value, 0, stores)) return true;
      return false;
    }
    // `{ ...sharedOptions }` may carry the store: do not guess.
    if (obj.properties.some(ts.isSpreadAssignment)) return false;
  }
  return !fixedByMethod(ctx, creation);
}

/** `io.adapter(…)` called on the variable the creation is stored in. */
function fixedByMethod(ctx: FileContext, creation: LibraryCreation): boolean {
  const ts = ctx.ts;
  const method = creation.entry.options?.fixedByMethod;
  if (!method || ts.isDecorator(creation.node)) return false;
  const holder = holderText(ctx, creation.node);
  if (!holder) return false;
  for (const node of ctx.calls) {
    const callee = skipOuter(ts, node.expression);
    if (
      memberName(ts, callee) === method &&
      ts.isPropertyAccessExpression(callee) &&
      compactText(ts, callee.expression, ctx.sourceFile) === holder
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Whether a value passed as a store is itself process-local (`new MemoryStore()`, `new Map()`);
 * a catalogue creation found so is added to `stores`.
 */
function isLocalStore(ctx: FileContext, value: TS.Expression, depth: number, stores: TS.Node[]): boolean {
  const ts = ctx.ts;
  if (depth > MAX_DEPTH) return false;
  let e = skipOuter(ts, value);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (ts.isIdentifier(e)) {
    const binding = ctx.binder.resolve(e);
    const decl = binding?.declaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && binding.kind === 'const')
      return isLocalStore(ctx, decl.initializer, depth + 1, stores);
    return false;
  }
  if (ts.isArrayLiteralExpression(e))
    return e.elements.some((element) => isLocalStore(ctx, element, depth + 1, stores));
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && ctx.binder.isGlobal(e.expression, 'Map')) return true;
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    for (const entry of entriesFor(ctx, e)) {
      const local = entry.options ? isUnsafe(ctx, { entry, node: e }, stores) : entry.localStore === true;
      if (local) {
        stores.push(e);
        return true;
      }
    }
  }
  return false;
}

/** The object literal an options argument is, directly or through a `const`. */
export function objectLiteral(ctx: FileContext, arg: TS.Expression, depth = 0): TS.ObjectLiteralExpression | undefined {
  const ts = ctx.ts;
  const e = skipOuter(ts, arg);
  if (ts.isObjectLiteralExpression(e)) return e;
  if (ts.isIdentifier(e) && depth < MAX_DEPTH) {
    const binding = ctx.binder.resolve(e);
    const decl = binding?.declaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && binding.kind === 'const')
      return objectLiteral(ctx, decl.initializer, depth + 1);
  }
  return undefined;
}

/** The text of what a created value is stored in: `io` for `const io = new Server()`, `this.io`. */
export function holderText(ctx: FileContext, node: TS.Node): string | undefined {
  const ts = ctx.ts;
  let child: TS.Node = node;
  let parent = node.parent;
  while (
    parent &&
    (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isAwaitExpression(parent))
  ) {
    child = parent;
    parent = parent.parent;
  }
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === child && ts.isIdentifier(parent.name))
    return parent.name.text;
  if (
    parent &&
    ts.isBinaryExpression(parent) &&
    parent.right === child &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  ) {
    return compactText(ts, parent.left, ctx.sourceFile);
  }
  if (parent && ts.isPropertyDeclaration(parent) && parent.initializer === child && parent.name) {
    return `this.${parent.name.getText(ctx.sourceFile)}`;
  }
  return undefined;
}

/**
 * With a type checker: the catalogue store a value's type is (`LRUCache` declared in the
 * lru-cache package), for stores whose every instance is process-local.
 */
export function typedStore(ctx: FileContext, node: TS.Node): CatalogueEntry | undefined {
  const checker = ctx.checker;
  if (!checker) return undefined;
  const symbol = checker.getTypeAtLocation(node).getSymbol();
  const file = symbol?.declarations?.[0]?.getSourceFile().fileName.replace(/\\/g, '/');
  const pkg = file && /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
  if (!symbol || !pkg) return undefined;
  const module = pkg.startsWith('@types/') ? pkg.slice(7).replace(/^(.+)__/, '@$1/') : pkg;
  return (INDEX.get(`${module}#${symbol.getName()}`) ?? []).find(
    (e) => (e.via === 'new' || e.via === 'call-or-new') && !e.options,
  );
}
