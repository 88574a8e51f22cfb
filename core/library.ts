import { compactText, isFunctionNode, memberName, nameText, skipOuter, stringValue, walk } from './ast.js';
import type { FileContext } from './context.js';
import { formatPath, type ModuleRef } from './imports.js';
import {
  CATALOGUE,
  type CatalogueEntry,
  catalogueIndex,
  CLIENT_MODULES,
  type CreationContext,
  type DefaultCacheCheck,
  type EmbeddedDbCheck,
  type FactoryCheck,
  type FileNameCheck,
  packageName,
  type StoreKeyCheck,
  type UnsafeKeyCheck,
} from './knowledge/index.js';
import { CATEGORY_INFO } from './categories.js';
import { perFile } from './per-file.js';
import { ownValue } from './settings.js';
import { localStoreClass } from './store-class.js';
import type { AnalyzeOptions, Category, TS } from './types.js';

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
const CATALOGUE_PACKAGES = new Set(CATALOGUE.flatMap((entry) => entry.modules.map(packageName)));
/** The methods of `method` rows: a call of another method is never one of theirs. */
const ROW_METHODS = new Set(CATALOGUE.flatMap((entry) => (entry.form === 'method' ? entry.methods : [])));
const MAX_DEPTH = 8;

/** Whether a specifier loads a package the catalogue or the configuration (`packages`) knows. */
export function namesPackage(specifier: string, extraPackages: AnalyzeOptions['packages'] = {}): boolean {
  const name = packageName(specifier);
  return CATALOGUE_PACKAGES.has(name) || Object.keys(extraPackages).some((p) => packageName(p) === name);
}

/** Whether a module's objects are connections to shared services (a database or Redis client): holding them is not state. */
export function isClientPackage(module: string): boolean {
  return CLIENT_MODULES.has(module) || CLIENT_MODULES.has(module.split('/')[0]!);
}

/**
 * The catalogued module a module stands for: itself, or the package a configured alias treats it
 * as (`"@acme/bree": "bree"`), subpaths kept (`@acme/lowdb/node` → `lowdb/node`).
 */
export function catalogueModule(ctx: FileContext, module: string): string {
  const exact = ownValue(ctx.packages, module);
  if (exact && 'alias' in exact) return exact.alias;
  const pkg = packageName(module);
  const aliased = pkg !== module ? ownValue(ctx.packages, pkg) : undefined;
  return aliased && 'alias' in aliased ? `${aliased.alias}${module.slice(pkg.length)}` : module;
}

/** Catalogue entries whose export a call, `new`, registration, decorator or injected method uses. */
export function entriesFor(ctx: FileContext, node: TS.Node): CatalogueEntry[] {
  const ts = ctx.ts;
  if (ts.isDecorator(node)) {
    const target = ts.isCallExpression(node.expression) ? node.expression.expression : node.expression;
    return lookup(ctx, target).filter((e) => e.form === 'decorator');
  }
  if (ts.isNewExpression(node)) {
    return lookup(ctx, node.expression).filter((e) => e.form === 'new' || e.form === 'call-or-new');
  }
  if (ts.isCallExpression(node)) {
    const direct = lookup(ctx, node.expression).filter((e) => e.form === 'call' || e.form === 'call-or-new');
    const callee = skipOuter(ts, node.expression);
    // fastify.register(plugin, options)
    if (memberName(ts, callee) === 'register' && node.arguments[0]) {
      direct.push(...lookup(ctx, node.arguments[0]).filter((e) => e.form === 'register'));
    }
    // this.schedulerRegistry.addInterval(…), the registry injected by its type
    if (ts.isPropertyAccessExpression(callee) && ROW_METHODS.has(callee.name.text)) {
      const type = declaredType(ctx, callee.expression);
      const rows = type ? (INDEX.get(`${catalogueModule(ctx, type.module)}#${formatPath(type.path)}`) ?? []) : [];
      direct.push(...rows.filter((e) => e.form === 'method' && e.methods.includes(callee.name.text)));
    }
    return direct;
  }
  return [];
}

/** Catalogue entries that name a package (an alias of one included), whatever the export. */
export function entriesForModule(ctx: FileContext, module: string): CatalogueEntry[] {
  const catalogued = catalogueModule(ctx, module);
  return CATALOGUE.filter((e) => e.modules.includes(catalogued));
}

function lookup(ctx: FileContext, expr: TS.Expression): CatalogueEntry[] {
  // A file that names no known package has no library creations.
  if (!ctx.sketch.namesPackages) return [];
  const ref = ctx.imports.resolve(expr);
  if (!ref) return [];
  const known = INDEX.get(`${catalogueModule(ctx, ref.module)}#${formatPath(ref.path)}`);
  if (known) return [...known];
  // A module named `constructor` (a real npm package) is not a configured one.
  const extra = ownValue(ctx.packages, ref.module);
  if (
    extra &&
    'category' in extra &&
    ref.path[0] !== '()' &&
    (!extra.exports || extra.exports.includes(formatPath(ref.path)))
  ) {
    return [configuredEntry(ref.module, extra.category)];
  }
  return [];
}

/** A catalogue row for a package named in the configuration's `packages`. */
function configuredEntry(module: string, category: Category): CatalogueEntry {
  return {
    label: module,
    category,
    modules: [module],
    exports: [],
    form: 'call-or-new',
    what: 'is configured as process-local state',
    suggestion: CATEGORY_INFO[category].suggestion,
  };
}

/**
 * The package type an expression is declared with: `this.registry` for a constructor parameter
 * `private registry: SchedulerRegistry`, or a parameter or variable `registry: SchedulerRegistry`.
 */
function declaredType(ctx: FileContext, expr: TS.Expression): ModuleRef | undefined {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  let type: TS.TypeNode | undefined;
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) {
    let cls: TS.Node | undefined = e.parent;
    while (cls && !ts.isClassLike(cls)) cls = cls.parent;
    if (!cls) return undefined;
    for (const member of cls.members) {
      if (ts.isPropertyDeclaration(member) && nameText(ts, member.name) === e.name.text) type = member.type;
      if (ts.isConstructorDeclaration(member)) {
        const param = member.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === e.name.text);
        if (param && ts.getModifiers(param)?.length) type = param.type;
      }
    }
  } else if (ts.isIdentifier(e)) {
    const decl = ctx.binder.resolve(e)?.declaration;
    if (decl && (ts.isParameter(decl) || ts.isVariableDeclaration(decl))) type = decl.type;
  }
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const binding = ctx.binder.moduleScope().get(type.typeName.text);
  return binding && binding.kind === 'import' ? ctx.imports.resolve(binding.id) : undefined;
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

/** Where a row's creations count (`CreationContext`): by default, jobs and files anywhere, stores where shared. */
export function creationContextOf(entry: CatalogueEntry): CreationContext {
  if (entry.context) return entry.context;
  return entry.category === 'in-process-scheduler' || entry.category === 'file-write' ? 'anywhere' : 'shared';
}

/**
 * The creations of the catalogue's rows without a pattern (calls, `new`s, registrations,
 * decorators, injected methods) whose options keep state in the process, once per file. A
 * creation judged as the store of another (`new MemoryStore()` in `session({ store })`) is left
 * out: it is reported there.
 */
export const unsafeCreations = perFile((ctx): readonly LibraryCreation[] => {
  const generic = creations(ctx).filter((c) => c.entry.pattern === undefined && c.entry.form !== 'module');
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

/** `judgeOptions`, one judge per kind of check; process-local stores found on the way go to `stores`. */
function isUnsafe(ctx: FileContext, creation: LibraryCreation, stores: TS.Node[]): boolean {
  const { entry, node } = creation;
  const check = entry.options;
  const ts = ctx.ts;
  if (!check || ts.isDecorator(node)) return true;
  const args: readonly TS.Expression[] = node.arguments ?? [];
  const category = entry.category;
  switch (check.kind) {
    case 'store-key':
      return withoutStore(ctx, args[check.arg], check, category, stores);
    case 'unsafe-key':
      return hasUnsafeKey(ctx, args[check.arg], check);
    case 'file-name':
      return namesFile(ctx, args[check.arg], check);
    case 'adapter':
      return withoutAdapter(ctx, creation, args, check.key, check.method, stores);
    case 'store-arg':
      return storeArgLocal(ctx, args[check.arg], category, stores);
    case 'embedded-db':
      return args.some((arg) => opensFileDatabase(ctx, arg, check));
    case 'factory':
      return factoryWithoutStore(ctx, args[check.arg], check, category, stores);
    case 'default-cache':
      return usesDefaultCache(ctx, args[check.arg], check);
    case 'job-function':
      return args.slice(1).some((arg) => {
        const v = visible(ctx, arg);
        return !ctx.ts.isObjectLiteralExpression(v) && stringValue(ts, v) === undefined;
      });
    case 'registered-job': {
      const job = args[check.arg];
      const created = job && libraryCreation(ctx, visible(ctx, job));
      return created?.entry.category !== 'in-process-scheduler';
    }
  }
}

// session({ store }), rateLimit({ store }), new Keyv(redisUrl), ThrottlerModule.forRoot([{ ttl, limit }])
function withoutStore(
  ctx: FileContext,
  arg: TS.Expression | undefined,
  check: Omit<StoreKeyCheck, 'arg'>,
  category: Category,
  stores: TS.Node[],
): boolean {
  const ts = ctx.ts;
  if (!arg) return true;
  const value = visible(ctx, arg);
  if (ts.isArrayLiteralExpression(value) && check.arrayHasNoStore) return true;
  if (!ts.isObjectLiteralExpression(value)) {
    if (!check.storeIfNotObject) return false; // options we cannot see: do not guess
    const literal = stringValue(ts, value);
    if (literal !== undefined && check.localValues?.includes(literal)) return true;
    return isLocalStore(ctx, arg, 0, stores, category);
  }
  for (const key of check.keys) {
    const option = optionValue(ctx, value, key);
    if (option.presence === 'maybe') return false;
    if (option.presence === 'no') continue;
    const literal = option.value && stringValue(ts, visible(ctx, option.value));
    if (literal !== undefined && check.localValues?.includes(literal)) return true;
    return option.value !== undefined && isLocalStore(ctx, option.value, 0, stores, category);
  }
  return true;
}

// multer({ dest: 'uploads/' }), koa-ratelimit({ driver: 'memory' })
function hasUnsafeKey(ctx: FileContext, arg: TS.Expression | undefined, check: UnsafeKeyCheck): boolean {
  const obj = arg && objectLiteral(ctx, arg);
  if (!obj) return false;
  for (const key of check.keys) {
    const option = optionValue(ctx, obj, key);
    if (option.presence !== 'yes') continue;
    if (!check.values) return true;
    const literal = option.value && stringValue(ctx.ts, visible(ctx, option.value));
    if (literal !== undefined && check.values.includes(literal)) return true;
  }
  return false;
}

// new Database('app.db'), Datastore.create({ filename }), new SQLiteStore({ db: 'sessions' })
function namesFile(ctx: FileContext, arg: TS.Expression | undefined, check: FileNameCheck): boolean {
  if (!arg) return check.missing === 'file';
  const obj = objectLiteral(ctx, arg);
  let name: TS.Expression | undefined = arg;
  if (obj) {
    const option = optionValue(ctx, obj, check.key);
    if (option.presence === 'maybe') return false;
    if (option.presence === 'no') return check.missing === 'file';
    name = option.value;
  }
  if (!name) return false;
  const literal = stringValue(ctx.ts, visible(ctx, name));
  return literal === undefined || !check.memoryNames.includes(literal);
}

// new Server(httpServer) with no adapter, and no io.adapter(…) later
function withoutAdapter(
  ctx: FileContext,
  creation: LibraryCreation,
  args: readonly TS.Expression[],
  key: string,
  method: string,
  stores: TS.Node[],
): boolean {
  for (const arg of args) {
    const obj = objectLiteral(ctx, arg);
    if (!obj) continue;
    const option = optionValue(ctx, obj, key);
    if (option.presence === 'maybe') return false;
    if (option.presence === 'yes')
      return option.value !== undefined && isLocalStore(ctx, option.value, 0, stores, creation.entry.category);
  }
  return !fixedByMethod(ctx, creation, method);
}

// new CookieJar(), new CookieJar(undefined, { looseMode: true })
function storeArgLocal(ctx: FileContext, arg: TS.Expression | undefined, category: Category, stores: TS.Node[]) {
  const ts = ctx.ts;
  if (!arg) return true;
  const value = visible(ctx, arg);
  if (value.kind === ts.SyntaxKind.NullKeyword || ts.isVoidExpression(value) || ctx.binder.isGlobal(value, 'undefined'))
    return true;
  return isLocalStore(ctx, arg, 0, stores, category);
}

// new Sequelize({ dialect: 'sqlite', storage: 'app.db' }), knex({ client: 'sqlite3', connection: { filename } })
function opensFileDatabase(ctx: FileContext, arg: TS.Expression, check: EmbeddedDbCheck): boolean {
  const ts = ctx.ts;
  const value = visible(ctx, arg);
  const url = stringValue(ts, value);
  if (url !== undefined) return check.urlPrefixes?.some((p) => url.startsWith(p)) === true && !url.includes(':memory:');
  if (!ts.isObjectLiteralExpression(value)) return false;
  if (check.driver && driverOf(ctx, value, check.driver) !== 'embedded') return false;
  let obj: TS.ObjectLiteralExpression | undefined = value;
  let name: TS.Expression | undefined;
  for (const [i, key] of check.file.entries()) {
    const option: OptionValue = obj ? optionValue(ctx, obj, key) : { presence: 'maybe' };
    if (option.presence === 'maybe') return false;
    if (option.presence === 'no') return check.missing === 'file';
    if (i === check.file.length - 1) name = option.value;
    else obj = option.value && objectLiteral(ctx, option.value);
  }
  if (!name) return false;
  const literal = stringValue(ts, visible(ctx, name));
  return literal === undefined || !check.memoryNames.includes(literal);
}

/** Whether options select an embedded driver (`dialect: 'sqlite'`), another one, or one out of sight. */
function driverOf(
  ctx: FileContext,
  obj: TS.ObjectLiteralExpression,
  driver: NonNullable<EmbeddedDbCheck['driver']>,
): 'embedded' | 'other' | 'unknown' {
  for (const key of driver.keys) {
    const option = optionValue(ctx, obj, key);
    if (option.presence === 'no') continue;
    if (option.presence === 'maybe' || !option.value) return 'unknown';
    const value = visible(ctx, option.value);
    const literal = stringValue(ctx.ts, value);
    if (literal !== undefined) return driver.values.includes(literal) ? 'embedded' : 'other';
    const ref = ctx.imports.resolve(value);
    if (ref && (driver.modules ?? []).some((m) => ref.module === m || ref.module.startsWith(`${m}/`)))
      return 'embedded';
    return 'unknown';
  }
  return 'other';
}

// ThrottlerModule.forRootAsync({ useFactory: (config) => [{ ttl, limit }] })
function factoryWithoutStore(
  ctx: FileContext,
  arg: TS.Expression | undefined,
  check: FactoryCheck,
  category: Category,
  stores: TS.Node[],
): boolean {
  const ts = ctx.ts;
  const obj = arg && objectLiteral(ctx, arg);
  if (!obj) return false;
  // useClass, useExisting: options built out of sight
  const factory = functionValue(ctx, obj, check.key);
  if (!factory) return false;
  return returnedValues(ctx, factory).some((value) => {
    const options = ts.isAwaitExpression(value) ? skipOuter(ts, value.expression) : value;
    const seen = visible(ctx, options);
    return (
      (ts.isObjectLiteralExpression(seen) || ts.isArrayLiteralExpression(seen)) &&
      withoutStore(ctx, seen, check.returns, category, stores)
    );
  });
}

/** The function under `key`: `useFactory: () => …`, `useFactory() {…}`, or a local function. */
function functionValue(ctx: FileContext, obj: TS.ObjectLiteralExpression, key: string): TS.Node | undefined {
  const ts = ctx.ts;
  const method = obj.properties.find((p) => ts.isMethodDeclaration(p) && nameText(ts, p.name) === key);
  if (method) return method;
  const option = optionValue(ctx, obj, key);
  if (option.presence !== 'yes' || !option.value) return undefined;
  const value = visible(ctx, option.value);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) return value;
  const decl = ts.isIdentifier(value) ? ctx.binder.resolve(value)?.declaration : undefined;
  return decl && ts.isFunctionDeclaration(decl) ? decl : undefined;
}

/** What a function returns: an arrow's expression body, the values of its own `return`s, both branches of `a ? b : c`. */
function returnedValues(ctx: FileContext, fn: TS.Node): TS.Expression[] {
  const ts = ctx.ts;
  const found: TS.Expression[] = [];
  const add = (expr: TS.Expression) => {
    const e = skipOuter(ts, expr);
    if (ts.isConditionalExpression(e)) {
      add(e.whenTrue);
      add(e.whenFalse);
    } else found.push(e);
  };
  if (ts.isArrowFunction(fn) && !ts.isBlock(fn.body)) add(fn.body);
  else
    walk(ts, fn, (node) => {
      if (node !== fn && isFunctionNode(ts, node)) return false;
      if (ts.isReturnStatement(node) && node.expression) add(node.expression);
    });
  return found;
}

// new ApolloServer({ plugins: [responseCachePlugin()] }) without a `cache`
function usesDefaultCache(ctx: FileContext, arg: TS.Expression | undefined, check: DefaultCacheCheck): boolean {
  const ts = ctx.ts;
  const obj = arg && objectLiteral(ctx, arg);
  if (!obj) return false;
  const cache = optionValue(ctx, obj, check.key);
  if (cache.presence === 'maybe') return false;
  if (cache.presence === 'yes') {
    const literal = cache.value && stringValue(ts, visible(ctx, cache.value));
    // A cache given: a shared one, or a local one reported by its own row.
    if (literal === undefined || !check.defaultValues.includes(literal)) return false;
  }
  const users = optionValue(ctx, obj, check.usedBy.key);
  const list = users.presence === 'yes' && users.value ? visible(ctx, users.value) : undefined;
  if (!list || !ts.isArrayLiteralExpression(list)) return false;
  return list.elements.some((element) => {
    const plugin = visible(ctx, element);
    if (!ts.isCallExpression(plugin) && !ts.isNewExpression(plugin)) return false;
    const ref = ctx.imports.resolve(plugin.expression);
    return ref !== undefined && check.usedBy.modules.includes(catalogueModule(ctx, ref.module));
  });
}

/** `io.adapter(…)` called on the variable the creation is stored in. */
function fixedByMethod(ctx: FileContext, creation: LibraryCreation, method: string): boolean {
  const ts = ctx.ts;
  if (ts.isDecorator(creation.node)) return false;
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
 * Whether a value passed as a store of a `category` creation is itself process-local: `new
 * MemoryStore()`, `new Map()`, a class reference such as `RateLimiterMemory`, or a project class
 * that keeps its entries in a container of its own. A catalogue creation found so is added to
 * `stores`. A store of another category (a session store on disk) is reported by its own row.
 */
function isLocalStore(
  ctx: FileContext,
  value: TS.Expression,
  depth: number,
  stores: TS.Node[],
  category: Category,
): boolean {
  const ts = ctx.ts;
  if (depth > MAX_DEPTH) return false;
  let e = skipOuter(ts, value);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (ts.isIdentifier(e)) {
    const binding = ctx.binder.resolve(e);
    const decl = binding?.declaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && binding.kind === 'const')
      return isLocalStore(ctx, decl.initializer, depth + 1, stores, category);
    if (binding?.kind === 'import') return isLocalStoreClassRef(ctx, e, category);
    return false;
  }
  if (ts.isArrayLiteralExpression(e))
    return e.elements.some((element) => isLocalStore(ctx, element, depth + 1, stores, category));
  if (ts.isPropertyAccessExpression(e)) return isLocalStoreClassRef(ctx, e, category);
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && ctx.binder.isGlobal(e.expression, 'Map')) return true;
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
    for (const entry of entriesFor(ctx, e)) {
      if (entry.category !== category) continue;
      const local = entry.options ? isUnsafe(ctx, { entry, node: e }, stores) : entry.localStore === true;
      if (local) {
        stores.push(e);
        return true;
      }
    }
    const containers = ts.isNewExpression(e)
      ? localStoreClass(ctx, e.expression, (init) => isLocalContainer(ctx, init))
      : undefined;
    if (containers) {
      // An in-process cache inside the class is this store, reported with the creation that takes it.
      for (const container of containers) if (libraryCreation(ctx, container)) stores.push(skipOuter(ts, container));
      return true;
    }
  }
  return false;
}

/** A value a project store keeps its entries in: `new Map()`, `{}`, `Object.create(null)`, `new LRUCache()`. */
function isLocalContainer(ctx: FileContext, init: TS.Expression): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, init);
  if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e)) return true;
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression))
    if (['Map', 'Set'].some((name) => ctx.binder.isGlobal(e.expression, name))) return true;
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    const callee = e.expression;
    if (ctx.binder.isGlobal(callee.expression, 'Object') && callee.name.text === 'create') return true;
  }
  const created = libraryCreation(ctx, e);
  return created !== undefined && created.entry.localStore === true && !created.entry.options;
}

/** `limiterClass: RateLimiterMemory`: a class from a package whose every instance is a process-local store. */
function isLocalStoreClassRef(ctx: FileContext, expr: TS.Expression, category: Category): boolean {
  const ref = ctx.imports.resolve(expr);
  if (!ref) return false;
  const rows = INDEX.get(`${catalogueModule(ctx, ref.module)}#${formatPath(ref.path)}`) ?? [];
  return rows.some(
    (e) => e.category === category && (e.form === 'new' || e.form === 'call-or-new') && e.localStore && !e.options,
  );
}

/** A property of options as far as it can be seen: set (to `value`; none for a method), absent, or perhaps set by a spread out of sight. */
export type OptionValue =
  { presence: 'yes'; value: TS.Expression | undefined } | { presence: 'no' } | { presence: 'maybe' };

/**
 * The value of `key` in an object literal, reading through spreads of objects in sight
 * (`{ ...config.rateLimit, handler }` with `const config = { rateLimit: { … } }`): the last
 * property or spread in sight that sets it wins. When none does, a spread out of sight may: `maybe`.
 */
export function optionValue(ctx: FileContext, obj: TS.ObjectLiteralExpression, key: string, depth = 0): OptionValue {
  const ts = ctx.ts;
  let unseen = false;
  for (let i = obj.properties.length - 1; i >= 0; i--) {
    const prop = obj.properties[i]!;
    if (ts.isSpreadAssignment(prop)) {
      const spread = depth < MAX_DEPTH ? objectLiteral(ctx, prop.expression, depth + 1) : undefined;
      const inner: OptionValue = spread ? optionValue(ctx, spread, key, depth + 1) : { presence: 'maybe' };
      if (inner.presence === 'yes') return inner;
      if (inner.presence === 'maybe') unseen = true;
      continue;
    }
    if (nameText(ts, prop.name) !== key) continue;
    if (ts.isPropertyAssignment(prop)) return { presence: 'yes', value: prop.initializer };
    if (ts.isShorthandPropertyAssignment(prop)) return { presence: 'yes', value: prop.name };
    return { presence: 'yes', value: undefined };
  }
  return unseen ? { presence: 'maybe' } : { presence: 'no' };
}

/**
 * What an expression denotes as far as the file shows: through `const`s, and members of object
 * literals in sight (`config.rateLimit` with `const config = { rateLimit: { … } }`).
 */
export function visible(ctx: FileContext, expr: TS.Expression, depth = 0): TS.Expression {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (depth >= MAX_DEPTH) return e;
  if (ts.isIdentifier(e)) {
    const binding = ctx.binder.resolve(e);
    const decl = binding?.declaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && binding.kind === 'const')
      return visible(ctx, decl.initializer, depth + 1);
    return e;
  }
  const member = memberName(ts, e);
  if (member !== undefined && (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))) {
    const base = visible(ctx, e.expression, depth + 1);
    if (!ts.isObjectLiteralExpression(base)) return e;
    const option = optionValue(ctx, base, member, depth + 1);
    return option.presence === 'yes' && option.value ? visible(ctx, option.value, depth + 1) : e;
  }
  return e;
}

/** The object literal an options argument is, directly, through a `const`, or as a member of one in sight. */
export function objectLiteral(ctx: FileContext, arg: TS.Expression, depth = 0): TS.ObjectLiteralExpression | undefined {
  const value = visible(ctx, arg, depth);
  return ctx.ts.isObjectLiteralExpression(value) ? value : undefined;
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
    (e) => (e.form === 'new' || e.form === 'call-or-new') && e.pattern === undefined && !e.options,
  );
}
