import { type CodeUnit, formatCallee, hasProperty, isFunctionNode, memberName, objectProperty, skipOuter, stringValue } from './ast.js';
import { Binder, indexNodes } from './binder.js';
import { CATALOGUE, type CatalogueEntry, CLIENT_MODULES, catalogueIndex } from './catalogue.js';
import { formatPath, ImportResolver } from './imports.js';
import { CATEGORY_INFO } from './categories.js';
import { Reachability, SYMBOLS } from './reach.js';
import { ownValue } from './settings.js';
import type { AnalyzeOptions, Condition, TS, TypeScript } from './types.js';

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

/**
 * Two lists in source order as one, as the walk gives it: by start, an enclosing node before
 * the nodes inside it.
 */
function mergeInSourceOrder(a: readonly TS.Node[], b: readonly TS.Node[]): TS.Node[] {
  if (a.length === 0 || b.length === 0) return a.length === 0 ? [...b] : [...a];
  const out: TS.Node[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    out[k++] = x.pos < y.pos || (x.pos === y.pos && x.end >= y.end) ? (i++, x) : (j++, y);
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** The package a specifier names: `node:fs/promises` → `fs`, `@scope/pkg/sub` → `@scope/pkg`. */
export function packageName(specifier: string): string {
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

const MAX_DEPTH = 8;

/** Whether code runs in the contexts asked about (`FileContext.when`). */
export interface When {
  holds: boolean;
  /** Cross-file analysis: it does only if the callers of these exports, in other files, do. */
  condition?: Condition;
}

const HOLDS: When = Object.freeze({ holds: true });
const NEVER: When = Object.freeze({ holds: false });

/**
 * Everything the detectors share about one file, built once: the scope analysis, the import
 * resolver, the reachability analysis and the library creations the catalogue recognises.
 */
export class FileContext {
  readonly binder: Binder;
  readonly imports: ImportResolver;
  readonly reach: Reachability;
  /** Every node, in source order. */
  readonly nodes: readonly TS.Node[];

  constructor(
    readonly ts: TypeScript,
    readonly sourceFile: TS.SourceFile,
    private readonly extraPackages: AnalyzeOptions['packages'] = {},
    /** Cross-file analysis: exported functions' contexts stay symbolic (see `when`). */
    readonly crossFile = false,
    /** A type checker (`--typed`): containers and stores are also recognised by type. */
    readonly checker?: TS.TypeChecker,
    /**
     * Whether the file imports or requires a catalogued or configured package (`namesPackage`):
     * a file that names none has no library creations, and skips looking for them.
     */
    readonly namesPackages = true,
  ) {
    const index = indexNodes(ts, sourceFile);
    this.nodes = index.nodes;
    this.byKind = index.byKind;
    this.binder = new Binder(ts, sourceFile, this.nodes);
    this.imports = new ImportResolver(ts, this.binder);
    this.reach = new Reachability(ts, sourceFile, this.binder, {
      isScheduler: (call) => this.entriesFor(call).some((e) => e.category === 'in-process-scheduler'),
      ofKinds: (...kinds) => this.ofKinds(...kinds),
      exportSymbols: crossFile,
      decoratorName: (decorator) => {
        const target = ts.isCallExpression(decorator.expression) ? decorator.expression.expression : decorator.expression;
        const ref = this.imports.resolve(target);
        return ref && `${ref.module}#${formatPath(ref.path)}`;
      },
    });
  }

  /**
   * Whether code at `node` can run in one of the `need` contexts (reach.ts bits). With
   * cross-file analysis, code that runs there only if callers of an export in other files do
   * holds too, on that condition (for the finding to carry).
   */
  when(node: TS.Node, need: number): When {
    const mask = this.reach.maskAt(node);
    if (mask & need) return HOLDS;
    if (!(mask & SYMBOLS)) return NEVER;
    return { holds: true, condition: { exports: this.reach.symbolsOf(mask), need } };
  }

  private readonly byKind: readonly (TS.Node[] | undefined)[];

  /** The file's nodes of these kinds, in source order. */
  ofKinds(...kinds: TS.SyntaxKind[]): readonly TS.Node[] {
    if (kinds.length === 1) return this.byKind[kinds[0]!] ?? [];
    const key = kinds.join(',');
    let merged = this.mergedKinds.get(key);
    if (!merged) {
      merged = [];
      for (const kind of kinds) merged = mergeInSourceOrder(merged, this.byKind[kind] ?? []);
      this.mergedKinds.set(key, merged);
    }
    return merged;
  }

  private readonly mergedKinds = new Map<string, TS.Node[]>();

  /** Calls, in source order. */
  get calls(): readonly TS.CallExpression[] {
    return this.ofKinds(this.ts.SyntaxKind.CallExpression) as readonly TS.CallExpression[];
  }

  /** Class declarations and expressions, in source order. */
  get classes(): readonly TS.ClassLikeDeclaration[] {
    return this.ofKinds(this.ts.SyntaxKind.ClassDeclaration, this.ts.SyntaxKind.ClassExpression) as readonly TS.ClassLikeDeclaration[];
  }

  unitOf(node: TS.Node): CodeUnit {
    return this.reach.unitOf(node);
  }

  /** Whether `this` at `node` is the class itself (inside a static member). */
  isStaticContext(node: TS.Node): boolean {
    const ts = this.ts;
    for (let current = node.parent; current; current = current.parent) {
      if (isFunctionNode(ts, current) && !ts.isArrowFunction(current)) {
        if (ts.isClassStaticBlockDeclaration(current)) return true;
        return (ts.getModifiers(current as TS.MethodDeclaration) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      }
      if (ts.isPropertyDeclaration(current)) {
        return (ts.getModifiers(current) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      }
    }
    return false;
  }

  isClientModule(module: string): boolean {
    return CLIENT_MODULES.has(module) || CLIENT_MODULES.has(module.split('/')[0]!);
  }

  /** Catalogue entries whose export a call, `new`, registration or decorator uses. */
  entriesFor(node: TS.Node): CatalogueEntry[] {
    const ts = this.ts;
    if (ts.isDecorator(node)) {
      const target = ts.isCallExpression(node.expression) ? node.expression.expression : node.expression;
      return this.lookup(target).filter((e) => e.via === 'decorator');
    }
    if (ts.isNewExpression(node)) {
      return this.lookup(node.expression).filter((e) => e.via === 'new' || e.via === 'call-or-new' || e.via === 'emitter' || e.via === 'ws-server');
    }
    if (ts.isCallExpression(node)) {
      const direct = this.lookup(node.expression).filter(
        (e) => e.via === 'call' || e.via === 'call-or-new' || e.via === 'memoize' || e.via === 'fs-write',
      );
      // fastify.register(plugin, options)
      if (memberName(ts, skipOuter(ts, node.expression)) === 'register' && node.arguments[0]) {
        direct.push(...this.lookup(node.arguments[0]).filter((e) => e.via === 'register'));
      }
      return direct;
    }
    return [];
  }

  /** Catalogue entries that name a package, whatever the export. */
  entriesForModule(module: string): CatalogueEntry[] {
    return CATALOGUE.filter((e) => e.modules.includes(module));
  }

  private lookup(expr: TS.Expression): CatalogueEntry[] {
    if (!this.namesPackages) return [];
    const ref = this.imports.resolve(expr);
    if (!ref) return [];
    const known = INDEX.get(`${ref.module}#${formatPath(ref.path)}`);
    if (known) return [...known];
    // A module named `constructor` (a real npm package) is not a configured one.
    const extra = ownValue(this.extraPackages, ref.module);
    if (extra && ref.path[0] !== '()' && (!extra.exports || extra.exports.includes(formatPath(ref.path)))) {
      return [configuredEntry(ref.module, extra.category)];
    }
    return [];
  }

  /** The library creation an expression is, if any (`new LRUCache()`, `session({…})`). */
  libraryCreation(expr: TS.Expression): LibraryCreation | undefined {
    const ts = this.ts;
    let e = skipOuter(ts, expr);
    if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
    if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return undefined;
    const entry = this.entriesFor(e)[0];
    return entry && { entry, node: e };
  }

  /** All catalogue creations in the file (decorators, calls, `new`, registrations). */
  creations(): readonly LibraryCreation[] {
    return creations(this);
  }

  /**
   * Whether a creation keeps its state in the process, judged by its options: `session({ store })`
   * is fixed unless the store is itself process-local; `multer({ dest })` is not.
   */
  judgeOptions(creation: LibraryCreation): OptionsVerdict {
    const stores: TS.Node[] = [];
    return { unsafe: this.isUnsafe(creation, stores), stores };
  }

  /** `judgeOptions`; the creations judged as process-local stores on the way are added to `stores`. */
  private isUnsafe(creation: LibraryCreation, stores: TS.Node[]): boolean {
    const { entry, node } = creation;
    const check = entry.options;
    if (!check) return true;
    const ts = this.ts;
    if (ts.isDecorator(node)) return true;
    const args: readonly TS.Expression[] = node.arguments ?? [];
    if (check.file) {
      const arg = args[check.arg as number];
      if (!arg) return false;
      const obj = this.objectLiteral(arg);
      const name = obj ? objectProperty(ts, obj, check.file.key) : arg;
      if (!name) return false;
      const literal = stringValue(ts, skipOuter(ts, name));
      return literal === undefined || !check.file.memoryNames.includes(literal);
    }
    const candidates = check.arg === 'any' ? [...args] : args[check.arg] ? [args[check.arg]!] : [];
    if (check.unsafeKeys) {
      for (const arg of candidates) {
        const obj = this.objectLiteral(arg);
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
    if (candidates.length === 0) return check.arg === 'any' ? !this.fixedByMethod(creation) : true;
    for (const arg of candidates) {
      const obj = this.objectLiteral(arg);
      if (!obj) {
        if (check.arg === 'any') continue;
        if (!ts.isObjectLiteralExpression(skipOuter(ts, arg)) && check.safeIfNotObject) {
          const literal = stringValue(ts, skipOuter(ts, arg));
          if (literal !== undefined && check.unsafeValues?.includes(literal)) return true;
          return this.isLocalStore(arg, 0, stores);
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
        if (value && this.isLocalStore(value, 0, stores)) return true;
        return false;
      }
      // `{ ...sharedOptions }` may carry the store: do not guess.
      if (obj.properties.some(ts.isSpreadAssignment)) return false;
    }
    return !this.fixedByMethod(creation);
  }

  /** `io.adapter(…)` called on the variable the creation is stored in. */
  private fixedByMethod(creation: LibraryCreation): boolean {
    const ts = this.ts;
    const method = creation.entry.options?.fixedByMethod;
    if (!method || ts.isDecorator(creation.node)) return false;
    const holder = this.holderText(creation.node);
    if (!holder) return false;
    for (const node of this.calls) {
      const callee = skipOuter(ts, node.expression);
      if (memberName(ts, callee) === method && ts.isPropertyAccessExpression(callee) && formatCallee(ts, callee.expression, this.sourceFile) === holder) {
        return true;
      }
    }
    return false;
  }

  /**
   * With a type checker: the container kind of a value's type (`Map`, `Set`, an array), even
   * behind an alias or a factory's return type.
   */
  typedContainer(node: TS.Node): 'map' | 'set' | 'array' | undefined {
    const checker = this.checker;
    if (!checker) return undefined;
    const type = checker.getTypeAtLocation(node);
    if (checker.isArrayType(type) || checker.isTupleType(type)) return 'array';
    const symbol = type.getSymbol();
    if (!symbol || !isLibraryDeclaration(symbol)) return undefined;
    const name = symbol.getName();
    return name === 'Map' ? 'map' : name === 'Set' ? 'set' : undefined;
  }

  /**
   * With a type checker: the catalogue store a value's type is (`LRUCache` declared in the
   * lru-cache package), for stores whose every instance is process-local.
   */
  typedStore(node: TS.Node): CatalogueEntry | undefined {
    const checker = this.checker;
    if (!checker) return undefined;
    const symbol = checker.getTypeAtLocation(node).getSymbol();
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName.replace(/\\/g, '/');
    const pkg = file && /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    if (!symbol || !pkg) return undefined;
    const module = pkg.startsWith('@types/') ? pkg.slice(7).replace(/^(.+)__/, '@$1/') : pkg;
    return (INDEX.get(`${module}#${symbol.getName()}`) ?? []).find((e) => (e.via === 'new' || e.via === 'call-or-new') && !e.options);
  }

  /** The text of what a created value is stored in: `io` for `const io = new Server()`, `this.io`. */
  holderText(node: TS.Node): string | undefined {
    const ts = this.ts;
    let child: TS.Node = node;
    let parent = node.parent;
    while (parent && (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isAwaitExpression(parent))) {
      child = parent;
      parent = parent.parent;
    }
    if (parent && ts.isVariableDeclaration(parent) && parent.initializer === child && ts.isIdentifier(parent.name)) return parent.name.text;
    if (parent && ts.isBinaryExpression(parent) && parent.right === child && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      return formatCallee(ts, parent.left, this.sourceFile);
    }
    if (parent && ts.isPropertyDeclaration(parent) && parent.initializer === child && parent.name) {
      return `this.${parent.name.getText(this.sourceFile)}`;
    }
    return undefined;
  }

  /**
   * Whether a value passed as a store is itself process-local (`new MemoryStore()`, `new Map()`);
   * a catalogue creation found so is added to `stores`.
   */
  private isLocalStore(value: TS.Expression, depth: number, stores: TS.Node[]): boolean {
    const ts = this.ts;
    if (depth > MAX_DEPTH) return false;
    let e = skipOuter(ts, value);
    if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
    if (ts.isIdentifier(e)) {
      const binding = this.binder.resolve(e);
      const decl = binding?.declaration;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && binding.kind === 'const') return this.isLocalStore(decl.initializer, depth + 1, stores);
      return false;
    }
    if (ts.isArrayLiteralExpression(e)) return e.elements.some((element) => this.isLocalStore(element, depth + 1, stores));
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && this.binder.isGlobal(e.expression, 'Map')) return true;
    if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
      for (const entry of this.entriesFor(e)) {
        const local = entry.options ? this.isUnsafe({ entry, node: e }, stores) : entry.localStore === true;
        if (local) {
          stores.push(e);
          return true;
        }
      }
    }
    return false;
  }

  /** The object literal an options argument is, directly or through a `const`. */
  objectLiteral(arg: TS.Expression, depth = 0): TS.ObjectLiteralExpression | undefined {
    const ts = this.ts;
    const e = skipOuter(ts, arg);
    if (ts.isObjectLiteralExpression(e)) return e;
    if (ts.isIdentifier(e) && depth < MAX_DEPTH) {
      const binding = this.binder.resolve(e);
      const decl = binding?.declaration;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && binding.kind === 'const') return this.objectLiteral(decl.initializer, depth + 1);
    }
    return undefined;
  }
}

/**
 * A value computed once per file, on first use, for detectors that share work: declare it once,
 * `const pieces = perFile((ctx) => …)`, and ask `pieces(ctx)`. The context itself stays read-only.
 */
export function perFile<T>(compute: (ctx: FileContext) => T): (ctx: FileContext) => T {
  const values = new WeakMap<FileContext, { value: T }>();
  return (ctx) => {
    let known = values.get(ctx);
    if (!known) {
      known = { value: compute(ctx) };
      values.set(ctx, known);
    }
    return known.value;
  };
}

const creations = perFile((ctx): readonly LibraryCreation[] => {
  const ts = ctx.ts;
  const found: LibraryCreation[] = [];
  for (const node of ctx.ofKinds(ts.SyntaxKind.CallExpression, ts.SyntaxKind.NewExpression, ts.SyntaxKind.Decorator) as readonly (TS.CallExpression | TS.NewExpression | TS.Decorator)[]) {
    for (const entry of ctx.entriesFor(node)) found.push({ entry, node });
  }
  return found;
});

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

export { CATALOGUE };

/** Declared in TypeScript's own lib files (`Map` of lib.es2015.collection.d.ts), not a look-alike. */
function isLibraryDeclaration(symbol: TS.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => /(^|[\\/])lib\.[\w.]*\.d\.ts$/.test(d.getSourceFile().fileName));
}
