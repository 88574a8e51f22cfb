import {
  type CodeUnit,
  functionKinds,
  isAssignment,
  isStaticContext,
  memberName,
  nameText,
  outerWrapper,
  skipOuter,
  stringValue,
  unitAt,
  walk,
} from './ast.js';
import type { Binder, Binding } from './binder.js';
import {
  commonJsExport,
  DEFAULT_EXPORT,
  declaredExportName,
  exportNameAt,
  hasModifier,
  isExportedObject,
} from './exports.js';
import {
  INHERITING_GLOBALS,
  INHERITING_METHODS,
  LIFECYCLE_EVENTS,
  LISTENER_METHODS,
  NEST_LIFECYCLE,
  NEST_REQUEST_CLASSES,
  NODE_STYLE_APIS,
  ONCE_METHODS,
} from './knowledge/index.js';
import type { TS, TypeScript } from './types.js';

/** When code can run. A unit can run in several of these; they form a bit mask. */
export const LOAD = 1; // while the module loads or the server starts
export const REQUEST = 2; // per request: handlers, middleware, listeners
export const UNKNOWN = 4; // callers not visible in this file (exported, stored, returned)
export const BACKGROUND = 8; // timer and cron callbacks, shutdown hooks

/** Request time as the README's "How it decides" means it: per request, or possibly so because callers are unknown. */
export const REQUEST_TIME = REQUEST | UNKNOWN;
/** Contexts in which creating a store means one store for the whole process. */
export const SHARED_CONTEXT = LOAD | UNKNOWN | BACKGROUND;
/** Any context at all: the code runs. */
export const ANY_CONTEXT = LOAD | REQUEST | UNKNOWN | BACKGROUND;

/**
 * With cross-file analysis, the callers of an exported function are found in other files: its
 * context is then a symbol, one bit per export name above the four contexts, settled by the
 * CLI's link step. A file with more exported functions than bits falls back to UNKNOWN.
 */
const SYMBOL_SHIFT = 4;
const MAX_SYMBOLS = 27;
/** Rounds of the fixed point over a file's functions: each round carries contexts one call further. */
const MAX_ROUNDS = 32;
/** Steps up after which `unitOf` memoises the way (see there). */
const SHORT_CLIMB = 64;
/** The bits of the four contexts. */
export const CONTEXTS = LOAD | REQUEST | UNKNOWN | BACKGROUND;
export const SYMBOLS = ((1 << (SYMBOL_SHIFT + MAX_SYMBOLS)) - 1) & ~((1 << SYMBOL_SHIFT) - 1);

/** The first parameter of an error-first callback: `(err, files) => …`, `function (error) {…}`, `(e) => …`. */
const ERROR_PARAMETER = /^_*(?:e|er|err|error)$/;
/**
 * Parameters that make a function a request handler even when its first one is an error: Express
 * error middleware `(err, req, res, next)`, Fastify's `setErrorHandler((error, request, reply) => …)`.
 */
const REQUEST_PARAMETER = /^_*(?:req|request|res|response|reply|ctx|context|next|socket)$/;
/**
 * Names of start-up entry points: `init(runtime)`, `setupRoutes(app)`, `configure()`,
 * `bootstrap()`, also marked private (`Namespace._configure = function (Type) {…}`, how
 * modules with cyclic dependencies inject them). An exported function named so is called while
 * the server starts, so its writes (dependency injection into module variables, registries)
 * are load time.
 */
const STARTUP_NAME =
  /^_*(?:(init|initiali[sz]e|setup|setUp|configure|bootstrap|boot|install)(?:[A-Z_0-9]|$)|(main|start|startup|startServer)$)/;

function isStartupName(name: string | undefined): boolean {
  return name !== undefined && STARTUP_NAME.test(name);
}

/**
 * The context (a mask) unknown callers give a function: load time if its name says start-up,
 * else UNKNOWN. For a method of an exported instance (`registry.init`), the method's name.
 */
export function unknownCallersContext(name: string | undefined): number {
  if (name?.includes('.')) return unknownCallersContext(name.slice(name.lastIndexOf('.') + 1));
  return isStartupName(name) ? LOAD : UNKNOWN;
}

/** Hooks the reachability analysis needs from the library catalogue. */
export interface ReachHooks {
  /** Whether a call or `new` runs its callback on a schedule (`cron.schedule(…, fn)`). */
  isScheduler(call: TS.CallExpression | TS.NewExpression): boolean;
  /** The decorator's package member, e.g. `@nestjs/common#Controller`. */
  decoratorName(decorator: TS.Decorator): string | undefined;
  /** The file's nodes of some kinds, in source order. */
  ofKinds(...kinds: TS.SyntaxKind[]): readonly TS.Node[];
  /** Give exported functions and classes symbolic contexts (cross-file analysis settles them). */
  exportSymbols?: boolean;
  /** Whether the framework calls the file's exports per request (a route handler, a server action). */
  frameworkModule?(): boolean;
  /** The package member an expression stands for (`fs.readdir` → `fs` [readdir]), when it is one. */
  packageMember?(expr: TS.Expression): { module: string; path: readonly string[] } | undefined;
  /** The timer a call starts (`setInterval(…)`, `lt.setTimeout(…)` of long-timeout), if it is one. */
  timer?(call: TS.CallExpression | TS.NewExpression): 'setInterval' | 'setTimeout' | undefined;
}

/**
 * Tells for each function in a file when it can run: at load time, per request, on a timer,
 * or when unknown callers call it. A function's context is the union of the contexts of the
 * places that call it or pass it on; a function only called from top-level code is load-time.
 */
export class Reachability {
  private readonly masks = new Map<CodeUnit, number>();
  private frameworkModule: boolean | undefined;

  /**
   * The context of an export whose callers are not in view: `unknownCallersContext`; in a
   * framework module, where the framework's callers are not in view but that they call per
   * request is, request time too.
   */
  private unknownExportContext(name: string): number {
    const unknown = unknownCallersContext(name);
    if (unknown !== UNKNOWN) return unknown;
    this.frameworkModule ??= this.hooks.frameworkModule?.() ?? false;
    return this.frameworkModule ? REQUEST | UNKNOWN : UNKNOWN;
  }

  /** Member assignments whose context is being worked out, so a cycle through them ends. */
  private readonly assigning = new Set<TS.BinaryExpression>();
  private readonly units: CodeUnit[] = [];
  private readonly classInfo = new Map<TS.ClassLikeDeclaration, ClassFacts>();
  private readonly symbolNames: string[] = [];

  constructor(
    private readonly ts: TypeScript,
    sourceFile: TS.SourceFile,
    private readonly binder: Binder,
    private readonly hooks: ReachHooks,
  ) {
    this.masks.set(sourceFile, LOAD);
  }

  private solved: 'no' | 'solving' | 'yes' = 'no';
  private converged = true;

  /**
   * Whether the contexts reached their fixed point within MAX_ROUNDS (or were never asked for).
   * When not, some code may run in more contexts than it was given, and findings may be missing.
   */
  get settled(): boolean {
    return this.converged;
  }

  /**
   * Computes every unit's context on first use (many files never ask): iterate to a fixed point,
   * as masks only grow. While solving, queries see the masks so far.
   */
  private solve(): void {
    if (this.solved !== 'no') return;
    this.solved = 'solving';
    const ts = this.ts;
    const kinds = [...functionKinds(ts), ts.SyntaxKind.PropertyDeclaration];
    this.units.push(...(this.hooks.ofKinds(...kinds) as CodeUnit[]));
    let changed = true;
    for (let round = 0; changed && round < MAX_ROUNDS; round++) {
      changed = false;
      this.classInfo.clear();
      for (const unit of this.units) {
        const next = this.compute(unit);
        if (next !== (this.masks.get(unit) ?? 0)) {
          this.masks.set(unit, next);
          changed = true;
        }
      }
    }
    this.converged = !changed;
    this.solved = 'yes';
  }

  /** The contexts in which `node`'s code can run. */
  maskAt(node: TS.Node): number {
    return this.maskOf(this.unitOf(node));
  }

  private readonly units_ = new Map<TS.Node, CodeUnit>();

  /**
   * The unit a node runs in, memoised: the fixed point asks for the same nodes every round. A
   * long way up is memoised for every node passed: the nodes of a long expression (as deep as it
   * is long) would otherwise each climb it again.
   */
  unitOf(node: TS.Node): CodeUnit {
    let unit = this.units_.get(node);
    if (unit) return unit;
    let steps = 0;
    for (let child = node; child.parent && !unit && steps < SHORT_CLIMB; child = child.parent, steps++)
      unit = unitAt(this.ts, child.parent, child);
    unit ??= this.longUnitOf(node);
    this.units_.set(node, unit);
    return unit;
  }

  private longUnitOf(node: TS.Node): CodeUnit {
    const passed: TS.Node[] = [];
    let unit: CodeUnit | undefined;
    for (let child: TS.Node | undefined = node; child && !unit; child = child.parent) {
      passed.push(child);
      unit = child.parent
        ? (unitAt(this.ts, child.parent, child) ?? this.units_.get(child.parent))
        : node.getSourceFile();
    }
    for (const n of passed) this.units_.set(n, unit!);
    return unit!;
  }

  maskOf(unit: CodeUnit): number {
    this.solve();
    return this.masks.get(unit) ?? 0;
  }

  /** The export names whose symbols a mask holds. */
  symbolsOf(mask: number): string[] {
    const names: string[] = [];
    this.symbolNames.forEach((name, i) => {
      if (mask & (1 << (SYMBOL_SHIFT + i))) names.push(name);
    });
    return names;
  }

  /**
   * The context the callers of export `name` give: a symbol with cross-file analysis, else
   * what unknown callers mean for that name.
   */
  private exportMask(name: string): number {
    if (!this.hooks.exportSymbols) return this.unknownExportContext(name);
    let index = this.symbolNames.indexOf(name);
    if (index < 0) {
      if (this.symbolNames.length >= MAX_SYMBOLS) return unknownCallersContext(name);
      index = this.symbolNames.push(name) - 1;
    }
    return 1 << (SYMBOL_SHIFT + index);
  }

  /** The symbol of the export a node is in position of (`module.exports = fn`), when symbols are on. */
  private exportPositionMask(node: TS.Node): number | undefined {
    if (!this.hooks.exportSymbols) return undefined;
    const ts = this.ts;
    let name = exportNameAt(ts, this.binder, node);
    if (
      name === undefined &&
      ts.isFunctionDeclaration(node) &&
      !node.name &&
      hasModifier(ts, node, ts.SyntaxKind.ExportKeyword)
    )
      name = DEFAULT_EXPORT;
    if (
      name === undefined &&
      (ts.isMethodDeclaration(node) || ts.isAccessor(node)) &&
      ts.isObjectLiteralExpression(node.parent) &&
      isExportedObject(ts, this.binder, node.parent)
    ) {
      name = nameText(ts, node.name);
    }
    return name === undefined ? undefined : this.exportMask(name);
  }

  /** Facts about a class: is it a singleton, a Nest provider, which scope. */
  classFacts(cls: TS.ClassLikeDeclaration): ClassFacts {
    this.solve();
    let facts = this.classInfo.get(cls);
    if (!facts) {
      facts = this.computeClassFacts(cls);
      this.classInfo.set(cls, facts);
    }
    return facts;
  }

  private compute(unit: CodeUnit): number {
    const ts = this.ts;
    if (ts.isSourceFile(unit)) return LOAD;
    if (ts.isClassStaticBlockDeclaration(unit)) return this.maskAt(unit.parent);
    if (ts.isPropertyDeclaration(unit)) {
      const cls = unit.parent;
      if (isStatic(ts, unit) || !ts.isClassLike(cls)) return this.maskAt(cls);
      return this.constructionMask(cls);
    }
    if (ts.isConstructorDeclaration(unit)) return this.constructionMask(unit.parent);
    if (ts.isMethodDeclaration(unit) || ts.isGetAccessorDeclaration(unit) || ts.isSetAccessorDeclaration(unit)) {
      if (ts.isClassLike(unit.parent)) return this.methodMask(unit, unit.parent);
      return this.positionMask(unit); // a method in an object literal
    }
    // `handle = (msg) => {…}`, `private refresh = async () => {…}`: a method written as a field.
    const field = outerWrapper(ts, unit).parent;
    if (
      field &&
      ts.isPropertyDeclaration(field) &&
      field.initializer === outerWrapper(ts, unit) &&
      ts.isClassLike(field.parent)
    )
      return this.methodMask(field, field.parent);
    // Function declarations and expressions: named ones by their references, others by position.
    const binding = this.functionBinding(unit);
    if (binding) {
      const exported = declaredExportName(ts, binding);
      return (
        this.bindingMask(binding, unit) |
        (exported === undefined
          ? 0
          : this.hooks.exportSymbols
            ? this.exportMask(exported)
            : this.unknownExportContext(binding.name))
      );
    }
    return this.positionMask(unit);
  }

  /** The binding a function is known by: `function f() {}` or `const f = () => {}`. */
  private functionBinding(unit: CodeUnit): Binding | undefined {
    const ts = this.ts;
    if (ts.isFunctionDeclaration(unit) && unit.name) return this.binder.resolve(unit.name);
    if (ts.isFunctionExpression(unit) || ts.isArrowFunction(unit)) {
      const node = outerWrapper(ts, unit);
      const parent = node.parent;
      if (parent && ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isIdentifier(parent.name)) {
        return this.binder.resolve(parent.name);
      }
    }
    return undefined;
  }

  /**
   * Union of the contexts of every reference to a binding. Where the function escapes (stored,
   * returned), its callers are unknown, which for a start-up name means load time; a call in an
   * unknown context is just that.
   */
  private bindingMask(binding: Binding, fn?: CodeUnit): number {
    let mask = 0;
    const escape = unknownCallersContext(binding.name);
    for (const ref of binding.references) mask |= this.referenceMask(ref, escape, fn);
    return mask;
  }

  /** What a reference to a function does with it: calls it here, passes it on, or lets it escape. */
  useMask(ref: TS.Expression): number {
    return this.referenceMask(ref, UNKNOWN);
  }

  /**
   * `escape`: the context given when the function leaves the code this file can see; `fn`: the
   * function referred to, when known (its parameters tell a completion callback).
   */
  private referenceMask(ref: TS.Expression, escape: number, fn?: CodeUnit): number {
    const ts = this.ts;
    const node = outerWrapper(ts, ref);
    const parent = node.parent;
    if (!parent) return escape;
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === node)
      return this.maskAt(parent);
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return this.callbackMask(parent, fn);
    // `fn.call(this)`, `fn.apply(…)`: called here.
    if (ts.isPropertyAccessExpression(parent) && parent.expression === node) {
      const name = parent.name.text;
      if (ts.isCallExpression(parent.parent) && parent.parent.expression === parent) {
        if (name === 'call' || name === 'apply') return this.maskAt(parent.parent);
        // `fn.bind(this)` is `fn`, where the bound function goes.
        if (name === 'bind') return this.rebound(parent.parent) ? 0 : this.referenceMask(parent.parent, escape, fn);
      }
      return escape;
    }
    const exported = this.exportPositionMask(node);
    if (exported !== undefined) return exported;
    if (ts.isTypeOfExpression(parent) || ts.isPrefixUnaryExpression(parent)) return 0;
    if (ts.isBinaryExpression(parent) && isComparison(ts, parent.operatorToken.kind)) return 0;
    if (
      (ts.isIfStatement(parent) || ts.isConditionalExpression(parent)) &&
      (parent as TS.IfStatement).expression === node
    )
      return 0;
    return this.storedMask(node, escape);
  }

  /**
   * A function stored where this file calls it later: in an array the file iterates
   * (`const handlers = [a, b]; for (const h of handlers) h(req)`), or in a member it calls
   * (`obj.handler = fn; … obj.handler(req)`, `this.onDone = fn`). It runs where those calls
   * are. A member named like an event (`socket.onmessage = fn`) that the file never calls is a
   * listener. Anywhere else: `escape`.
   */
  private storedMask(node: TS.Node, escape: number): number {
    const ts = this.ts;
    const parent = node.parent;
    if (ts.isArrayLiteralExpression(parent)) {
      const array = outerWrapper(ts, parent);
      const holder = array.parent;
      if (holder && ts.isVariableDeclaration(holder) && holder.initializer === array && ts.isIdentifier(holder.name)) {
        const binding = this.binder.resolve(holder.name);
        if (!binding) return escape;
        // `export const handlers = [a, b]`: the importers call them.
        let mask = declaredExportName(ts, binding) === undefined ? 0 : escape;
        for (const ref of binding.references) mask |= this.elementUseMask(ref, escape);
        return mask;
      }
      return this.elementUseMask(array, escape);
    }
    if (
      ts.isBinaryExpression(parent) &&
      parent.right === node &&
      parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      (ts.isPropertyAccessExpression(skipOuter(ts, parent.left)) ||
        ts.isElementAccessExpression(skipOuter(ts, parent.left)))
    ) {
      return this.assignedMemberMask(parent, escape);
    }
    return escape;
  }

  /** What is done with the elements of an array of functions at `node`: iterated and called, passed on, or left. */
  private elementUseMask(node: TS.Node, escape: number): number {
    const ts = this.ts;
    const outer = outerWrapper(ts, node);
    const parent = outer.parent;
    if (!parent) return escape;
    // for (const h of handlers) h(req)
    if (ts.isForOfStatement(parent) && parent.expression === outer) {
      const declared = ts.isVariableDeclarationList(parent.initializer)
        ? parent.initializer.declarations[0]?.name
        : undefined;
      const element = declared && ts.isIdentifier(declared) ? this.binder.resolve(declared) : undefined;
      if (!element) return this.maskAt(parent);
      let mask = 0;
      for (const ref of element.references) mask |= this.referenceMask(ref, escape);
      return mask;
    }
    if (ts.isPropertyAccessExpression(parent) && parent.expression === outer) {
      const call = parent.parent;
      if (!ts.isCallExpression(call) || call.expression !== parent) return 0; // `handlers.length`
      if (!INHERITING_METHODS.has(parent.name.text)) return 0; // `handlers.push(x)`, `handlers.includes(h)`
      // handlers.forEach((h) => h(req))
      const callback = call.arguments[0] && skipOuter(ts, call.arguments[0]);
      const param =
        callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))
          ? callback.parameters[0]?.name
          : undefined;
      const element = param && ts.isIdentifier(param) ? this.binder.resolve(param) : undefined;
      if (!element) return this.maskAt(call);
      let mask = 0;
      for (const ref of element.references) mask |= this.referenceMask(ref, escape);
      return mask;
    }
    // handlers[i](req)
    if (ts.isElementAccessExpression(parent) && parent.expression === outer) {
      const call = outerWrapper(ts, parent).parent;
      return ts.isCallExpression(call) && call.expression === outerWrapper(ts, parent) ? this.maskAt(call) : escape;
    }
    // app.use(...handlers), app.use(handlers)
    const site = ts.isSpreadElement(parent) ? parent.parent : parent;
    if ((ts.isCallExpression(site) || ts.isNewExpression(site)) && site.expression !== outer)
      return this.callbackMask(site);
    return escape;
  }

  /**
   * The context of a function assigned to a member, `target.name = fn`: where the file calls
   * `target.name(…)` or passes it on (`target` the same variable, or `this` in the same class);
   * for a member named like an event handler (`onmessage`, `onClose`) that the file never uses,
   * the event's context, as `target.on(event, fn)` would give; else `escape`.
   */
  private assignedMemberMask(assignment: TS.BinaryExpression, escape: number): number {
    // `api.get = api.get`, `a.f = b.f; b.f = a.f`: a member that only feeds itself adds nothing.
    if (this.assigning.has(assignment)) return 0;
    this.assigning.add(assignment);
    try {
      return this.assignedMemberMaskOf(assignment, escape);
    } finally {
      this.assigning.delete(assignment);
    }
  }

  private assignedMemberMaskOf(assignment: TS.BinaryExpression, escape: number): number {
    const ts = this.ts;
    const left = skipOuter(ts, assignment.left) as TS.PropertyAccessExpression | TS.ElementAccessExpression;
    const name = memberName(ts, left);
    if (name === undefined) return escape;
    const target = skipOuter(ts, left.expression);
    let uses: readonly TS.Expression[] = [];
    if (target.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(ts, assignment);
      const statics = isStaticContext(ts, assignment);
      if (cls) uses = (this.thisMembers(cls).get(name) ?? []).filter((use) => isStaticContext(ts, use) === statics);
    } else if (ts.isIdentifier(target)) {
      const binding = this.binder.resolve(target);
      uses = (binding?.references ?? []).flatMap((ref) => {
        const access = ref.parent;
        return ts.isPropertyAccessExpression(access) && access.expression === ref && access.name.text === name
          ? [access]
          : [];
      });
    }
    let mask = 0;
    for (const use of uses) {
      const outer = outerWrapper(ts, use);
      const parent = outer.parent;
      if (ts.isBinaryExpression(parent) && parent.left === outer && isAssignment(ts, parent.operatorToken.kind))
        continue;
      mask |= this.referenceMask(use, escape);
    }
    if (mask !== 0) return mask;
    const event = /^on([A-Za-z]+)$/.exec(name)?.[1];
    if (event !== undefined && commonJsExport(ts, this.binder, left) === undefined) {
      const lower = event.toLowerCase();
      return [...LIFECYCLE_EVENTS].some((e) => e.toLowerCase() === lower) ? this.maskAt(assignment) : REQUEST;
    }
    return escape;
  }

  /** `this.m = this.m.bind(this)`: a method bound in place, whose uses are those of `this.m`. */
  private rebound(bind: TS.CallExpression): boolean {
    const ts = this.ts;
    const node = outerWrapper(ts, bind);
    const parent = node.parent;
    if (!ts.isBinaryExpression(parent) || parent.right !== node || !isAssignment(ts, parent.operatorToken.kind))
      return false;
    const target = skipOuter(ts, parent.left);
    const source = skipOuter(ts, (bind.expression as TS.PropertyAccessExpression).expression);
    return (
      ts.isPropertyAccessExpression(target) &&
      ts.isPropertyAccessExpression(source) &&
      target.expression.kind === ts.SyntaxKind.ThisKeyword &&
      source.expression.kind === ts.SyntaxKind.ThisKeyword &&
      target.name.text === source.name.text
    );
  }

  /** Where an anonymous function is written decides when it runs. */
  private positionMask(fn: TS.Node): number {
    const ts = this.ts;
    const node = outerWrapper(ts, fn);
    const parent = node.parent;
    if (!parent) return UNKNOWN;
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === node)
      return this.maskAt(parent);
    if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return this.callbackMask(parent, fn);
    const exported = this.exportPositionMask(fn);
    if (exported !== undefined) return exported;
    // `{ fetch(req) {} }`, `{ handler: async () => {} }`: the object decides.
    if (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isShorthandPropertyAssignment(parent)) {
      const mask = this.objectMask(parent.parent);
      return mask === UNKNOWN ? unknownCallersContext(nameText(ts, parent.name)) : mask;
    }
    if (ts.isObjectLiteralExpression(parent)) {
      const mask = this.objectMask(parent);
      return mask === UNKNOWN && (ts.isMethodDeclaration(fn) || ts.isAccessor(fn))
        ? unknownCallersContext(nameText(ts, fn.name))
        : mask;
    }
    if (ts.isJsxExpression(parent)) return REQUEST;
    // exports.init = function () {…}, module.exports.setup = () => {…}
    const escape =
      ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
        ? unknownCallersContext(memberName(ts, parent.left))
        : UNKNOWN;
    return this.storedMask(node, escape);
  }

  private objectMask(obj: TS.Node): number {
    const ts = this.ts;
    const node = outerWrapper(ts, obj);
    const parent = node.parent;
    // An options object passed to a call: its functions are callbacks of that call.
    if (parent && (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== node) {
      return this.callbackMask(parent);
    }
    // Nested objects (`resolvers.Query.user`) take the outer object's context.
    if (parent && ts.isPropertyAssignment(parent)) return this.objectMask(parent.parent);
    return UNKNOWN;
  }

  /** The context of a callback passed to `call`; `fn`, when known, is the callback itself. */
  private callbackMask(call: TS.CallExpression | TS.NewExpression, fn?: TS.Node): number {
    const ts = this.ts;
    const outer = this.maskAt(call);
    const callee = skipOuter(ts, call.expression);
    if (this.hooks.isScheduler(call)) return BACKGROUND;
    if (fn && this.isCompletionCallback(call, callee, fn)) return outer;
    const timer = this.hooks.timer?.(call);
    if (timer === 'setInterval') return BACKGROUND;
    if (timer === 'setTimeout') return outer;
    if (ts.isIdentifier(callee)) {
      if (this.binder.isGlobal(callee) && INHERITING_GLOBALS.has(callee.text)) return outer;
      if (this.binder.isGlobal(callee, 'setInterval')) return BACKGROUND;
      return this.calledFunctionMask(callee, outer);
    }
    // A function written in place of the callee (the UMD wrapper `(function (factory) { … })(function
    // (exports) { … })`) runs now and calls its parameter itself.
    if (ts.isFunctionExpression(callee) || ts.isArrowFunction(callee)) return outer;
    const method = memberName(ts, callee);
    if (method !== undefined) {
      if (INHERITING_METHODS.has(method)) return outer;
      if (LISTENER_METHODS.has(method) && ts.isCallExpression(call)) {
        if (ONCE_METHODS.has(method)) return outer;
        const event = stringValue(ts, call.arguments[0]);
        if (event !== undefined && LIFECYCLE_EVENTS.has(event)) return outer;
        if (ts.isPropertyAccessExpression(callee) && this.binder.isGlobal(callee.expression, 'process')) return outer;
      }
      if (
        method === 'nextTick' &&
        ts.isPropertyAccessExpression(callee) &&
        this.binder.isGlobal(callee.expression, 'process')
      ) {
        return outer;
      }
    }
    return REQUEST;
  }

  /**
   * Whether `fn`, an argument of `call`, is a completion callback: called once when the work the
   * call starts is done, so in the caller's context (`fs.readdir(dir, (err, files) => …)`). Told by
   * its shape, an error-first callback (first parameter `err`, `error`, `e`; none named like a
   * request, response or context, which Express error middleware and error handlers have), or
   * by the callee, a node-style API (NODE_STYLE_APIS). Listener registrations are decided by
   * their event instead.
   */
  private isCompletionCallback(
    call: TS.CallExpression | TS.NewExpression,
    callee: TS.Expression,
    fn: TS.Node,
  ): boolean {
    const ts = this.ts;
    if (
      !(
        ts.isFunctionExpression(fn) ||
        ts.isArrowFunction(fn) ||
        ts.isFunctionDeclaration(fn) ||
        ts.isMethodDeclaration(fn)
      ) ||
      ts.isNewExpression(call)
    )
      return false;
    const method = memberName(ts, callee);
    if (method !== undefined && LISTENER_METHODS.has(method)) return false;
    const member = this.hooks.packageMember?.(callee);
    if (member) {
      const api = NODE_STYLE_APIS.get(member.module);
      const name = member.path[member.path.length - 1];
      if (api && name !== undefined && (api.members === '*' ? !api.except?.includes(name) : api.members.includes(name)))
        return true;
    }
    const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    return (
      params.length > 0 && ERROR_PARAMETER.test(params[0]!) && !params.some((name) => REQUEST_PARAMETER.test(name))
    );
  }

  /**
   * A callback passed to a local function runs when that function calls it: in a helper only
   * called at load time (`register(() => …)`), that is load time.
   */
  private calledFunctionMask(callee: TS.Identifier, outer: number): number {
    const binding = this.binder.resolve(callee);
    if (!binding) return REQUEST;
    const decl = binding.declaration;
    const ts = this.ts;
    const fn = ts.isFunctionDeclaration(decl)
      ? decl
      : ts.isVariableDeclaration(decl) &&
          decl.initializer &&
          (ts.isArrowFunction(skipOuter(ts, decl.initializer)) ||
            ts.isFunctionExpression(skipOuter(ts, decl.initializer)))
        ? (skipOuter(ts, decl.initializer) as TS.ArrowFunction)
        : undefined;
    if (!fn) return REQUEST;
    const mask = this.maskOf(fn);
    return mask === 0 ? outer : mask;
  }

  private constructionMask(cls: TS.ClassLikeDeclaration): number {
    const facts = this.classFacts(cls);
    if (facts.nestProvider) return LOAD;
    return facts.constructionMask;
  }

  private methodMask(
    method: TS.MethodDeclaration | TS.AccessorDeclaration | TS.PropertyDeclaration,
    cls: TS.ClassLikeDeclaration,
  ): number {
    const ts = this.ts;
    const name = nameText(ts, method.name);
    const facts = this.classFacts(cls);
    if (facts.nest && name !== undefined && NEST_LIFECYCLE.has(name)) return LOAD;
    for (const decorator of ts.getDecorators?.(method) ?? []) {
      const decorated = this.hooks.decoratorName(decorator);
      if (
        decorated === '@nestjs/schedule#Cron' ||
        decorated === '@nestjs/schedule#Interval' ||
        decorated === '@nestjs/schedule#Timeout'
      ) {
        return BACKGROUND;
      }
    }
    const statics = isStatic(ts, method);
    // A private helper is called by its own class only: its `this.` uses are all its callers.
    const helper = this.isHelper(method, cls, name, statics);
    if (facts.nestRequestHandler && !helper) return REQUEST;
    let mask = 0;
    if (statics) {
      // Static methods: called as `Cls.m()`, in this file or, for an exported class, in others.
      if (!helper) {
        if (facts.classEscapes) mask |= unknownCallersContext(name);
        for (const exported of facts.classExports) mask |= this.exportMask(`${exported}.${name ?? ''}`);
      }
      mask |= this.memberUseMask(facts.classBinding?.references ?? [], name, true);
    } else {
      if (!helper) {
        if (facts.escapes) mask |= unknownCallersContext(name);
        for (const instance of facts.exportedAs) mask |= this.exportMask(`${instance}.${name ?? ''}`);
        // Instances the importers construct (`new Server().serve()`): `Server.prototype.serve`.
        for (const exported of facts.classExports) mask |= this.exportMask(`${exported}.prototype.${name ?? ''}`);
      }
      for (const instance of facts.instanceBindings) mask |= this.memberUseMask(instance.references, name, false);
    }
    return mask | this.thisUsesMask(cls, name, statics, ts.isAccessor(method));
  }

  /**
   * Whether a member is a helper only its own class calls: `#m()`, `private m()`, or, the
   * JavaScript convention, `_m()` in a class that extends nothing (a subclass of a stream or an
   * emitter implements `_read`, `_transform`… for its base class to call), used through
   * `this._m` and never through another object in this file.
   */
  private isHelper(
    member: TS.MethodDeclaration | TS.AccessorDeclaration | TS.PropertyDeclaration,
    cls: TS.ClassLikeDeclaration,
    name: string | undefined,
    statics: boolean,
  ): boolean {
    const ts = this.ts;
    if (ts.isPrivateIdentifier(member.name) || hasModifier(ts, member, ts.SyntaxKind.PrivateKeyword)) return true;
    if (name === undefined || !name.startsWith('_') || (cls.heritageClauses?.length ?? 0) > 0) return false;
    const uses = this.thisMembers(cls).get(name) ?? [];
    if (!uses.some((use) => isStaticContext(ts, use) === statics)) return false;
    return this.memberNames().get(name) === uses.length;
  }

  private memberNameCounts: Map<string, number> | undefined;

  /** How many times each name is accessed as a member (`x.name`) in the file. */
  private memberNames(): ReadonlyMap<string, number> {
    if (this.memberNameCounts) return this.memberNameCounts;
    const counts = new Map<string, number>();
    for (const node of this.hooks.ofKinds(this.ts.SyntaxKind.PropertyAccessExpression)) {
      const name = (node as TS.PropertyAccessExpression).name.text;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return (this.memberNameCounts = counts);
  }

  /** Contexts of `x.name(...)` uses among `refs`; any other use of `x` makes callers unknown. */
  private memberUseMask(refs: readonly TS.Identifier[], name: string | undefined, staticUse: boolean): number {
    const ts = this.ts;
    let mask = 0;
    for (const ref of refs) {
      const parent = ref.parent;
      if (ts.isPropertyAccessExpression(parent) && parent.expression === ref) {
        if (parent.name.text === name) mask |= this.maskAt(parent);
        continue;
      }
      if (staticUse && ts.isNewExpression(parent)) continue;
      if (staticUse && ts.isHeritageClause(parent.parent?.parent ?? parent)) mask |= UNKNOWN;
    }
    return mask;
  }

  /**
   * What the class does with `this.<name>` (statics' in static code, instance members' elsewhere):
   * calls it, passes it on (`bus.on('message', this.onMessage)`), binds it. An accessor runs
   * where it is read or written.
   */
  private thisUsesMask(
    cls: TS.ClassLikeDeclaration,
    name: string | undefined,
    statics: boolean,
    accessor: boolean,
  ): number {
    const ts = this.ts;
    let mask = 0;
    for (const use of this.thisMembers(cls).get(name ?? '') ?? []) {
      if (isStaticContext(ts, use) !== statics) continue;
      if (accessor) {
        mask |= this.maskAt(use);
        continue;
      }
      const node = outerWrapper(ts, use);
      const parent = node.parent;
      // `this.m = this.m.bind(this)`: the target of an assignment is not a use.
      if (ts.isBinaryExpression(parent) && parent.left === node && isAssignment(ts, parent.operatorToken.kind))
        continue;
      mask |= this.referenceMask(use, UNKNOWN);
    }
    return mask;
  }

  private readonly thisMemberIndex = new Map<TS.ClassLikeDeclaration, Map<string, TS.PropertyAccessExpression[]>>();

  /** `this.<name>` uses inside a class (not inside nested classes), by member name. */
  thisMembers(cls: TS.ClassLikeDeclaration): ReadonlyMap<string, readonly TS.PropertyAccessExpression[]> {
    let index = this.thisMemberIndex.get(cls);
    if (index) return index;
    const ts = this.ts;
    const found = new Map<string, TS.PropertyAccessExpression[]>();
    walk(ts, cls, (node) => {
      if (node !== cls && ts.isClassLike(node)) return false;
      if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const list = found.get(node.name.text) ?? [];
        list.push(node);
        found.set(node.name.text, list);
      }
    });
    index = found;
    this.thisMemberIndex.set(cls, index);
    return index;
  }

  private computeClassFacts(cls: TS.ClassLikeDeclaration): ClassFacts {
    const ts = this.ts;
    const facts: ClassFacts = {
      nest: false,
      nestProvider: false,
      nestRequestHandler: false,
      requestScoped: false,
      singleton: false,
      escapes: false,
      exportedAs: [],
      constructionMask: 0,
      instanceBindings: [],
      classBinding: this.classBindingOf(cls),
      classEscapes: false,
      classExports: [],
    };
    for (const decorator of ts.getDecorators?.(cls) ?? []) {
      const name = this.hooks.decoratorName(decorator);
      if (!name?.startsWith('@nestjs/')) continue;
      const member = name.slice(name.indexOf('#') + 1);
      // A module class is a provider too: Nest constructs it once and calls its lifecycle hooks.
      if (member === 'Injectable' || member === 'Module' || NEST_REQUEST_CLASSES.has(member)) {
        facts.nest = true;
        if (NEST_REQUEST_CLASSES.has(member)) facts.nestRequestHandler = true;
        if (hasNonDefaultScope(ts, decorator)) facts.requestScoped = true;
        else facts.nestProvider = true;
      }
    }
    if (facts.nest) {
      // The framework constructs it and injects it anywhere. With cross-file analysis the
      // injections typed with the class (`constructor(private users: UserService)`) are its
      // callers, as importers are; without, its methods' callers are unknown.
      if (!this.hooks.exportSymbols) facts.escapes = true;
      facts.classEscapes = true;
      facts.singleton = !facts.requestScoped;
    }
    // `export class`, `export default class`, `export const X = class {}`, `module.exports = class X {}`:
    // constructed by unknown callers, or (cross-file) by the importers.
    const exported = exportedClassName(ts, cls);
    if (exported !== undefined) this.noteClassExport(facts, exported);
    if (facts.classBinding && facts.classBinding.declaration !== cls) {
      const declared = declaredExportName(ts, facts.classBinding);
      if (declared !== undefined) this.noteClassExport(facts, declared);
    }
    if (ts.isClassExpression(cls) && !facts.classBinding) {
      const position = exportNameAt(ts, this.binder, cls);
      if (position !== undefined) this.noteClassExport(facts, position);
      else this.noteClassEscape(facts); // `new (class {})()`, `register(class {})`
    }
    for (const ref of facts.classBinding?.references ?? []) {
      const parent = ref.parent;
      if (ts.isNewExpression(parent) && parent.expression === ref) {
        facts.constructionMask |= this.maskAt(parent);
        this.noteInstance(parent, facts);
      } else if (ts.isPropertyAccessExpression(parent) && parent.expression === ref) {
        // Static member use: `Cls.cache`; does not construct.
      } else if (ts.isHeritageClause(parent.parent?.parent ?? parent) || ts.isExpressionWithTypeArguments(parent)) {
        facts.constructionMask |= UNKNOWN;
      } else {
        const name = exportNameAt(ts, this.binder, ref);
        if (name !== undefined) this.noteClassExport(facts, name);
        else this.noteClassEscape(facts);
      }
    }
    return facts;
  }

  /**
   * The binding a class is used through: its name, or the variable a class expression initialises
   * (`const Store = class {}`). None for a class expression written in place (`module.exports = class {}`).
   */
  private classBindingOf(cls: TS.ClassLikeDeclaration): Binding | undefined {
    const ts = this.ts;
    if (ts.isClassExpression(cls)) {
      const parent = outerWrapper(ts, cls).parent;
      if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name))
        return this.binder.resolve(parent.name);
      return undefined;
    }
    return cls.name ? this.binder.resolve(cls.name) : undefined;
  }

  /** The class leaves the module as export `name`: its importers construct it and call its statics. */
  private noteClassExport(facts: ClassFacts, name: string): void {
    if (this.hooks.exportSymbols) {
      facts.constructionMask |= this.exportMask(name);
      facts.classExports.push(name);
    } else {
      facts.escapes = true;
      facts.constructionMask |= UNKNOWN;
      facts.classEscapes = true;
    }
  }

  /** The class goes where this file cannot follow it (passed on, stored): anyone may construct it. */
  private noteClassEscape(facts: ClassFacts): void {
    facts.escapes = true;
    facts.classEscapes = true;
    facts.constructionMask |= UNKNOWN;
  }

  // const registry = new Registry()  at module scope: a singleton whose fields are shared.
  private noteInstance(created: TS.NewExpression, facts: ClassFacts): void {
    const ts = this.ts;
    const parent = outerWrapper(ts, created).parent;
    const atModuleScope = this.maskAt(created) === LOAD;
    if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
      const binding = this.binder.resolve(parent.name);
      if (binding && this.binder.isModuleScope(binding)) {
        facts.singleton = facts.singleton || atModuleScope;
        facts.instanceBindings.push(binding);
        // With cross-file analysis, an exported instance's methods are called by the files that
        // import it: their contexts are symbols (`registry.register`), settled by the link step.
        const declared = declaredExportName(ts, binding);
        if (declared !== undefined && this.hooks.exportSymbols) facts.exportedAs.push(declared);
        else if (declared !== undefined) facts.escapes = true;
        for (const ref of binding.references) {
          const use = ref.parent;
          if (ts.isPropertyAccessExpression(use) && use.expression === ref) continue;
          const exported = this.hooks.exportSymbols ? exportNameAt(ts, this.binder, ref) : undefined;
          if (exported !== undefined) facts.exportedAs.push(exported);
          else facts.escapes = true;
        }
      }
      return;
    }
    // `export default new Registry()`, `module.exports = new Registry()`
    if (atModuleScope && parent && (ts.isExportAssignment(parent) || ts.isBinaryExpression(parent))) {
      facts.singleton = true;
      const exported = this.hooks.exportSymbols ? exportNameAt(ts, this.binder, created) : undefined;
      if (exported !== undefined) facts.exportedAs.push(exported);
      else facts.escapes = true;
      return;
    }
    facts.escapes = true;
  }
}

export interface ClassFacts {
  /** Decorated with a NestJS provider/controller decorator. */
  nest: boolean;
  /** A default-scope Nest provider or controller: one instance per application. */
  nestProvider: boolean;
  /** A Nest controller, resolver or gateway: its methods handle requests. */
  nestRequestHandler: boolean;
  /** `@Injectable({ scope: Scope.REQUEST | Scope.TRANSIENT })`. */
  requestScoped: boolean;
  /** One instance serves every request: a Nest default-scope provider or an instance created at module scope. */
  singleton: boolean;
  /** Instances or the class reach code outside this file (other than as `exportedAs`). */
  escapes: boolean;
  /** With cross-file analysis: export names of the module's instance (`registry`, `default`). */
  exportedAs: string[];
  /** When instances are constructed. */
  constructionMask: number;
  /** Module-level variables holding an instance. */
  instanceBindings: Binding[];
  /** The class's name, or the variable a class expression initialises. */
  classBinding: Binding | undefined;
  /** The class itself reaches code outside this file (not as `classExports`): its statics have unknown callers. */
  classEscapes: boolean;
  /**
   * With cross-file analysis: export names of the class (`Registry`, `default`); its statics are
   * `Registry.m`, the methods of the instances importers construct `Registry.prototype.m`.
   */
  classExports: string[];
}

function enclosingClass(ts: TypeScript, node: TS.Node): TS.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) if (ts.isClassLike(current)) return current;
  return undefined;
}

function isStatic(ts: TypeScript, node: TS.Node): boolean {
  return hasModifier(ts, node, ts.SyntaxKind.StaticKeyword);
}

/** The export name of `export class X` (`X`) or `export default class` (`default`). */
function exportedClassName(ts: TypeScript, cls: TS.ClassLikeDeclaration): string | undefined {
  if (!ts.isClassDeclaration(cls) || !hasModifier(ts, cls, ts.SyntaxKind.ExportKeyword)) return undefined;
  return hasModifier(ts, cls, ts.SyntaxKind.DefaultKeyword) || !cls.name ? DEFAULT_EXPORT : cls.name.text;
}

// @Injectable({ scope: Scope.REQUEST })
function hasNonDefaultScope(ts: TypeScript, decorator: TS.Decorator): boolean {
  const call = decorator.expression;
  if (!ts.isCallExpression(call)) return false;
  for (const arg of call.arguments) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    for (const prop of arg.properties) {
      if (ts.isPropertyAssignment(prop) && nameText(ts, prop.name) === 'scope') {
        const value = skipOuter(ts, prop.initializer);
        const text = ts.isPropertyAccessExpression(value)
          ? value.name.text
          : ts.isNumericLiteral(value)
            ? value.text
            : '';
        // Scope.DEFAULT is 0; REQUEST is 1, TRANSIENT 2.
        if (text !== 'DEFAULT' && text !== '0') return true;
      }
    }
  }
  return false;
}

function isComparison(ts: TypeScript, kind: TS.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === ts.SyntaxKind.EqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsToken ||
    kind === ts.SyntaxKind.InstanceOfKeyword ||
    kind === ts.SyntaxKind.AmpersandAmpersandToken ||
    kind === ts.SyntaxKind.BarBarToken
  );
}
