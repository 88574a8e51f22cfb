import {
  compactText,
  isAssignment,
  isFunctionNode,
  isStaticContext,
  memberName,
  nameText,
  outerWrapper,
  skipOuter,
  walk,
} from './ast.js';
import type { Binding } from './binder.js';
import type { FileContext, When } from './context.js';
import { exportNamesOf } from './exports.js';
import { DI_SINGLETONS } from './knowledge/index.js';
import { isClientPackage, libraryCreation } from './library.js';
import { perFile } from './per-file.js';
import { type ClassFacts, LOAD, REQUEST_TIME } from './reach.js';
import type { Condition, TS, TypeScript } from './types.js';
import { assignedValues, isPackageHandle } from './values.js';

/** What a piece of hand-rolled state holds. `value`: a `let` or field reassigned as a whole. */
export type ContainerKind = 'map' | 'set' | 'array' | 'object' | 'value' | 'instance';

/** A write to a piece of state that can run at request time. */
export interface StateWrite {
  /** The writing expression (assignment, update, call). */
  node: TS.Node;
  /** Mutating method name for `x.set(…)`-style writes. */
  method?: string;
  /** The key of `x.set(key, …)` / `x[key] = …`, and the written values. */
  key?: TS.Expression;
  values: TS.Expression[];
  /** With cross-file analysis: the write runs at request time only if callers in other files make it (`FileContext.when`). */
  condition?: Condition;
  /** It runs at request time only for callers not in view. */
  unsure?: true;
}

/** Hand-rolled state: a module-level variable, a singleton's field, or a class static. */
export interface StatePiece {
  name: string;
  /** Where the finding is reported: the declared name. */
  nameNode: TS.Node;
  container: ContainerKind;
  where: 'module' | 'field' | 'static';
  writes: StateWrite[];
  /** Cross-file analysis: the names module state is exported under (other files may write it). */
  exports: string[];
}

const MUTATORS: Record<ContainerKind, ReadonlySet<string>> = {
  map: new Set(['set', 'delete', 'clear']),
  set: new Set(['add', 'delete', 'clear']),
  array: new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']),
  object: new Set(),
  value: new Set(),
  instance: new Set(),
};
/** Mutators on a member of an object-literal container: `state.users.set(…)`. */
const ANY_MUTATOR = new Set([...MUTATORS.map, ...MUTATORS.set, ...MUTATORS.array]);

/** Classifies an initializer: `new Map()` → map, `[]` → array; undefined when it is not state. */
function containerKind(
  ctx: FileContext,
  init: TS.Expression | undefined,
  mutableBinding: boolean,
): ContainerKind | undefined {
  const ts = ctx.ts;
  if (!init) return mutableBinding ? 'value' : undefined;
  const e = skipOuter(ts, init);
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && ctx.binder.isGlobal(e.expression)) {
    switch (e.expression.text) {
      case 'Map':
        return 'map';
      case 'Set':
        return 'set';
      case 'Array':
        return 'array';
      case 'Object':
        return 'object';
      case 'WeakMap':
      case 'WeakSet':
      case 'WeakRef':
      case 'FinalizationRegistry':
      case 'RegExp':
        return undefined;
    }
  }
  if (ts.isRegularExpressionLiteral(e)) return undefined; // `lastIndex` writes are not state
  if (ts.isArrayLiteralExpression(e)) return 'array';
  if (ts.isObjectLiteralExpression(e)) return 'object';
  if (ts.isCallExpression(e)) {
    const callee = e.expression;
    if (
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      ctx.binder.isGlobal(callee.expression)
    ) {
      const owner = callee.expression.text;
      const method = callee.name.text;
      if (owner === 'Object' && (method === 'freeze' || method === 'seal')) return undefined;
      if (owner === 'Object' && (method === 'create' || method === 'fromEntries' || method === 'assign'))
        return 'object';
      if (owner === 'Array' && (method === 'from' || method === 'of')) return 'array';
    }
  }
  // With a type checker: `const sessions: SessionMap = createStore()` is a Map.
  const typed = ctx.typedContainer(e);
  if (typed) return typed;
  if (mutableBinding) return 'value';
  // Module objects, clients and library stores are judged by their own detectors.
  if (ctx.imports.resolve(e) || libraryCreation(ctx, e)) return undefined;
  return 'instance';
}

/**
 * Finds module-level containers and `let`s, fields of singleton classes, and class statics,
 * with the writes that can run at request time. Every hand-rolled detector shares this.
 */
export const collectState = perFile((ctx): StatePiece[] => {
  const pieces: StatePiece[] = [];
  for (const binding of ctx.binder.moduleScope().values()) {
    const piece = moduleVariable(ctx, binding);
    if (piece && (piece.writes.length > 0 || piece.exports.length > 0)) pieces.push(piece);
  }
  for (const { singleton, fields } of classFields(ctx)) {
    for (const { piece } of fields)
      if ((piece.where === 'static' || singleton) && piece.writes.length > 0) pieces.push(piece);
  }
  return pieces;
});

/** A field of a class that is state if the class's instances (or, for a static, the class) live long. */
export interface ClassField {
  piece: StatePiece;
  readonly: boolean;
  /** A lazily created value or a handle: writes that only reset it are not state. */
  resettable: boolean;
}

/**
 * Every class's candidate fields, with their writes in this file that can run at request time:
 * a singleton's are state here; the program decides for the others' instance fields, from
 * where the class is constructed in every file.
 */
export const classFields = perFile((ctx) =>
  ctx.classes.map((cls) => {
    const facts = ctx.reach.classFacts(cls);
    const singleton = facts.singleton || singletonIdiom(ctx, cls, facts);
    return { cls, facts, singleton, fields: classState(ctx, cls, singleton) };
  }),
);

/**
 * The singleton idioms, which make one instance however late it is made: a lazy static or
 * module variable (`if (!X.instance) X.instance = new X()`, `instance ??= new X()`, in a
 * `static getInstance()` or an exported `getX()`), a constructor that returns the static
 * instance, and `new class { … }()` at module scope.
 */
function singletonIdiom(ctx: FileContext, cls: TS.ClassLikeDeclaration, facts: ClassFacts): boolean {
  const ts = ctx.ts;
  if (ts.isClassExpression(cls)) {
    const outer = outerWrapper(ts, cls);
    if (
      ts.isNewExpression(outer.parent) &&
      outer.parent.expression === outer &&
      ctx.reach.maskAt(outer.parent) === LOAD
    )
      return true;
  }
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  if (ctor?.body && returnsStatic(ctx, ctor.body, facts)) return true;
  if ((ts.getDecorators?.(cls) ?? []).some((d) => singletonDecorator(ctx, d))) return true;
  for (const ref of facts.classBinding?.references ?? []) {
    if (registeredAsSingleton(ctx, ref)) return true;
    const created = ref.parent;
    if (!ts.isNewExpression(created) || created.expression !== ref) continue;
    const assignment = outerWrapper(ts, created).parent;
    if (!ts.isBinaryExpression(assignment) || !isAssignment(ts, assignment.operatorToken.kind)) continue;
    if (!isLazyInit(ctx, assignment, assignment.left)) continue;
    const target = skipOuter(ts, assignment.left);
    if (ts.isIdentifier(target)) {
      const binding = ctx.binder.resolve(target);
      if (binding && ctx.binder.isModuleScope(binding)) return true;
    } else if (ts.isPropertyAccessExpression(target) && isStaticContext(ts, target)) {
      const owner = skipOuter(ts, target.expression);
      if (
        owner.kind === ts.SyntaxKind.ThisKeyword ||
        (ts.isIdentifier(owner) && ctx.binder.resolve(owner) === facts.classBinding)
      )
        return true;
    }
  }
  return false;
}

/** `@singleton()` (tsyringe), `@Service()` (typedi, unless `{ transient: true }`): see `DI_SINGLETONS`. */
function singletonDecorator(ctx: FileContext, decorator: TS.Decorator): boolean {
  const ts = ctx.ts;
  const call = ts.isCallExpression(decorator.expression) ? decorator.expression : undefined;
  const ref = ctx.imports.resolve(call ? call.expression : decorator.expression);
  if (!ref) return false;
  return DI_SINGLETONS.some(
    (row) =>
      row.kind === 'decorator' &&
      ref.module === row.package &&
      ref.path.join('.') === row.name &&
      !(row.unless !== undefined && call?.arguments.some((a) => optionIs(ts, a, row.unless!, 'true'))),
  );
}

/**
 * Whether `ref`, a reference to a class, registers it with a dependency-injection container as a
 * singleton (`DI_SINGLETONS`): `asClass(X).singleton()`, `asFunction(() => new X(), { lifetime:
 * Lifetime.SINGLETON })`, `container.registerSingleton(X)`, `bind(X).toSelf().inSingletonScope()`.
 */
export function registeredAsSingleton(ctx: FileContext, ref: TS.Expression): boolean {
  const ts = ctx.ts;
  let node: TS.Node = outerWrapper(ts, ref);
  // `asFunction(() => new X())`: the function constructing it is what is registered.
  if (ts.isNewExpression(node.parent) && node.parent.expression === node) {
    const created = outerWrapper(ts, node.parent);
    if (!ts.isArrowFunction(created.parent) || created.parent.body !== created) return false;
    node = outerWrapper(ts, created.parent);
  }
  const call = node.parent;
  if (!ts.isCallExpression(call) || !call.arguments.some((a) => a === node)) return false;
  const target = ctx.imports.resolve(call.expression);
  const chained = (name: string): boolean => {
    let top: TS.Node = call;
    for (let depth = 0; depth < 8; depth++) {
      const up = outerWrapper(ts, top).parent;
      if (!ts.isPropertyAccessExpression(up) || !ts.isCallExpression(up.parent) || up.parent.expression !== up)
        return false;
      if (up.name.text === name) return true;
      top = up.parent;
    }
    return false;
  };
  return DI_SINGLETONS.some((row) => {
    switch (row.kind) {
      case 'wrapper':
        return (
          target?.module === row.package &&
          target.path.join('.') === row.name &&
          call.arguments[0] === node &&
          ((row.chain !== undefined && chained(row.chain)) ||
            (row.option !== undefined &&
              call.arguments.slice(1).some((a) => optionIs(ts, a, row.option!.key, row.option!.value))))
        );
      case 'method':
        return target?.module === row.package && target.path[target.path.length - 1] === row.name;
      case 'scope':
        return chained(row.name);
      case 'decorator':
        return false;
    }
  });
}

/** `{ key: value }` with the value written as `value`, `'value'` or `Enum.value`. */
function optionIs(ts: TypeScript, arg: TS.Expression, key: string, value: string): boolean {
  const e = skipOuter(ts, arg);
  if (!ts.isObjectLiteralExpression(e)) return false;
  return e.properties.some((p) => {
    if (!ts.isPropertyAssignment(p) || nameText(ts, p.name) !== key) return false;
    const v = skipOuter(ts, p.initializer);
    const text = ts.isPropertyAccessExpression(v)
      ? v.name.text
      : ts.isStringLiteral(v)
        ? v.text
        : v.kind === ts.SyntaxKind.TrueKeyword
          ? 'true'
          : undefined;
    return text === value;
  });
}

/** `constructor() { if (X.instance) return X.instance; X.instance = this }`. */
function returnsStatic(ctx: FileContext, body: TS.Block, facts: ClassFacts): boolean {
  const ts = ctx.ts;
  let found = false;
  walk(ts, body, (node) => {
    if (found || isFunctionNode(ts, node)) return false;
    if (!ts.isReturnStatement(node) || !node.expression) return;
    const e = skipOuter(ts, node.expression);
    if (!ts.isPropertyAccessExpression(e)) return;
    const owner = skipOuter(ts, e.expression);
    found =
      ts.isIdentifier(owner) && facts.classBinding !== undefined && ctx.binder.resolve(owner) === facts.classBinding;
  });
  return found;
}

function moduleVariable(ctx: FileContext, binding: Binding): StatePiece | undefined {
  const ts = ctx.ts;
  const decl = binding.declaration;
  if (!ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name)) return undefined;
  if (binding.kind !== 'let' && binding.kind !== 'var' && binding.kind !== 'const') return undefined;
  const mutable = binding.kind !== 'const';
  const container = containerKind(ctx, decl.initializer, mutable);
  if (!container) return undefined;
  const initContainer = mutable && decl.initializer ? containerKind(ctx, decl.initializer, false) : container;
  const writes: StateWrite[] = [];
  // Created lazily or holding a handle: writes that only reset it are not state.
  let resettable = false;
  const selfReplacing = decl.initializer && initialFunction(ts, decl.initializer);
  // `const registry = { items: {}, add(k, v) { this.items[k] = v } }`: its methods write it through `this`.
  const refs: TS.Expression[] = [...binding.references];
  if (container === 'object' && decl.initializer) refs.push(...ownThisUses(ctx, decl.initializer));
  for (const ref of refs) {
    const write = writeThrough(ctx, ref, [], initContainer ?? 'value', mutable);
    if (write === 'lazy' || write === 'handle') resettable = true;
    else if (write && !(selfReplacing && redefinesItself(ctx, write, selfReplacing))) {
      const when = ctx.when(write.node, REQUEST_TIME);
      if (when.holds) writes.push(withWhen(write, when));
    }
  }
  const exports = ctx.crossFile && container !== 'instance' ? exportNamesOf(ctx.ts, ctx.binder, binding) : [];
  return {
    name: binding.name,
    nameNode: decl.name,
    container,
    where: 'module',
    writes: stateWrites(ctx, resettable, writes),
    exports,
  };
}

/** `this` in the methods of an object literal (arrows inside them share it; other functions do not). */
function ownThisUses(ctx: FileContext, init: TS.Expression): TS.Expression[] {
  const ts = ctx.ts;
  const literal = skipOuter(ts, init);
  if (!ts.isObjectLiteralExpression(literal)) return [];
  const uses: TS.Expression[] = [];
  for (const property of literal.properties) {
    const fn = ts.isMethodDeclaration(property)
      ? property
      : ts.isPropertyAssignment(property) && ts.isFunctionExpression(skipOuter(ts, property.initializer))
        ? skipOuter(ts, property.initializer)
        : undefined;
    if (!fn) continue;
    walk(ts, fn, (node) => {
      if (node !== fn && (ts.isClassLike(node) || (isFunctionNode(ts, node) && !ts.isArrowFunction(node))))
        return false;
      if (node.kind === ts.SyntaxKind.ThisKeyword) uses.push(node as TS.Expression);
    });
  }
  return uses;
}

/**
 * The function a variable starts as: `function () {…}`, or the fallback of TypeScript's emitted
 * helpers, `var __assign = (this && this.__assign) || function () {…}`.
 */
function initialFunction(ts: TypeScript, init: TS.Expression): TS.FunctionExpression | TS.ArrowFunction | undefined {
  let e = skipOuter(ts, init);
  while (isOrElse(ts, e)) e = skipOuter(ts, e.right);
  return ts.isFunctionExpression(e) || ts.isArrowFunction(e) ? e : undefined;
}

/**
 * The lazy function definition: `var extend = function (d, b) { extend = Object.setPrototypeOf ||
 * function (d, b) {…}; return extend(d, b); }` replaces itself, on its first call, with code
 * every instance picks alike. Its variable holds code, not data.
 */
function redefinesItself(ctx: FileContext, write: StateWrite, fn: TS.Node): boolean {
  const ts = ctx.ts;
  if (!ts.isBinaryExpression(write.node) || write.node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return false;
  let inside = false;
  for (let node: TS.Node | undefined = write.node.parent; node && !inside; node = node.parent) inside = node === fn;
  return inside && isCode(ctx, write.node.right, 0);
}

/** A function, a class, a global's member (`Object.assign`) or a choice among those. */
function isCode(ctx: FileContext, expr: TS.Expression, depth: number): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (depth > 8) return false;
  if (ts.isFunctionExpression(e) || ts.isArrowFunction(e) || ts.isClassExpression(e)) return true;
  if (ts.isConditionalExpression(e)) return isCode(ctx, e.whenTrue, depth + 1) && isCode(ctx, e.whenFalse, depth + 1);
  // `a || f` and `a ?? f` are one of two; `a && f` is f or a falsy value.
  if (isOrElse(ts, e)) return isCode(ctx, e.left, depth + 1) && isCode(ctx, e.right, depth + 1);
  if (ts.isBinaryExpression(e))
    return e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && isCode(ctx, e.right, depth + 1);
  // Object.assign, Object.assign.bind(Object)
  let root: TS.Expression = e;
  if (
    ts.isCallExpression(root) &&
    ts.isPropertyAccessExpression(root.expression) &&
    root.expression.name.text === 'bind'
  )
    root = root.expression.expression;
  if (!ts.isPropertyAccessExpression(root)) return false;
  while (ts.isPropertyAccessExpression(root)) root = skipOuter(ts, root.expression);
  return ctx.binder.isGlobal(root);
}

/**
 * The member chain above a reference, seeing through parentheses and type wrappers:
 * `stats.hits.total` → chain [...prefix, 'hits', 'total'], `top` the outermost access, `key` the
 * last element access's argument.
 */
export function memberChain(
  ctx: FileContext,
  ref: TS.Expression,
  prefix: readonly string[] = [],
): { top: TS.Expression; chain: string[]; key?: TS.Expression } {
  const ts = ctx.ts;
  let top: TS.Expression = ref;
  const chain = [...prefix];
  let key: TS.Expression | undefined;
  for (;;) {
    const parent: TS.Node = top.parent;
    if (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent)) {
      top = parent;
    } else if (ts.isPropertyAccessExpression(parent) && parent.expression === top) {
      chain.push(parent.name.text);
      top = parent;
    } else if (ts.isElementAccessExpression(parent) && parent.expression === top) {
      chain.push(memberName(ts, parent) ?? '[]');
      key = parent.argumentExpression;
      top = parent;
    } else {
      return { top, chain, ...(key ? { key } : {}) };
    }
  }
}

/** What the expression around a reference does to it (kind-agnostic; `isWrite` judges it). */
export interface Access {
  /** Members after the reference: `stats.hits.total` → ['hits', 'total'] (after `prefix`). */
  chain: string[];
  /** How many of `chain` come from the use itself, not the prefix. */
  depth: number;
  /** assign: `x = v`, `x.p += v`; update: `x++`; delete; call: `x.m(…)`; define: `Object.assign(x, …)`. */
  op: 'assign' | 'update' | 'delete' | 'call' | 'define';
  /** The writing expression. */
  node: TS.Node;
  /** Method name of a call. */
  method?: string;
  key?: TS.Expression;
  values: TS.Expression[];
  /** The assignment, for `x = …` shapes. */
  assignment?: TS.BinaryExpression;
}

/**
 * How `ref` (followed by member `prefix`) is used when the use may write it: `this.cache` is
 * passed as `ref = this`, `prefix = ['cache']`.
 */
export function accessAt(ctx: FileContext, ref: TS.Expression, prefix: readonly string[] = []): Access | undefined {
  const ts = ctx.ts;
  const { top, chain, key: keyExpr } = memberChain(ctx, ref, prefix);
  const parent = top.parent;
  const depth = chain.length - prefix.length;
  if (ts.isBinaryExpression(parent) && parent.left === top && isAssignment(ts, parent.operatorToken.kind)) {
    return { chain, depth, op: 'assign', node: parent, key: keyExpr, values: [parent.right], assignment: parent };
  }
  if ((ts.isPostfixUnaryExpression(parent) || ts.isPrefixUnaryExpression(parent)) && isUpdate(ts, parent)) {
    return { chain, depth, op: 'update', node: parent, key: keyExpr, values: [] };
  }
  if (ts.isDeleteExpression(parent)) return { chain, depth, op: 'delete', node: parent, key: keyExpr, values: [] };
  if (ts.isCallExpression(parent) && parent.expression === top && depth > 0) {
    return {
      chain,
      depth,
      op: 'call',
      node: parent,
      method: chain[chain.length - 1]!,
      key: parent.arguments[0],
      values: [...parent.arguments],
    };
  }
  // Object.assign(x, …), Object.defineProperty(x, …)
  if (ts.isCallExpression(parent) && parent.arguments[0] === top) {
    const callee = parent.expression;
    if (
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      ctx.binder.isGlobal(callee.expression, 'Object') &&
      ['assign', 'defineProperty', 'defineProperties'].includes(callee.name.text)
    ) {
      return { chain, depth, op: 'define', node: parent, values: parent.arguments.slice(1) };
    }
  }
  return undefined;
}

/**
 * Whether an access writes state of `kind`: `depth` members below the state, with `op` (and
 * `method` for calls). Reassigning the state itself (`depth` 0) needs `reassignable`.
 */
export function isWrite(
  kind: ContainerKind,
  depth: number,
  op: Access['op'],
  method: string | undefined,
  reassignable: boolean,
): boolean {
  // A `let` holding some object (an injected service, a client): only reassigning it is a write;
  // calling its methods or setting its members mutates state owned elsewhere.
  if (kind === 'value' && depth > 0) return false;
  switch (op) {
    case 'assign':
    case 'update':
      return depth > 0 || reassignable;
    case 'delete':
      return depth > 0;
    case 'call': {
      const receiverDepth = depth - 1;
      const mutators = receiverDepth === 0 ? MUTATORS[kind] : kind === 'object' ? ANY_MUTATOR : undefined;
      return method !== undefined && mutators !== undefined && mutators.has(method);
    }
    case 'define':
      return true;
  }
}

/**
 * If the reference `ref` (followed by member `prefix`) is written, the write. `this.cache` is
 * passed as `ref = this`, `prefix = ['cache']`.
 */
function writeThrough(
  ctx: FileContext,
  ref: TS.Expression,
  prefix: readonly string[],
  kind: ContainerKind,
  reassignable: boolean,
): StateWrite | 'lazy' | 'handle' | undefined {
  const access = accessAt(ctx, ref, prefix);
  if (!access || !isWrite(kind, access.depth, access.op, access.method, reassignable)) return undefined;
  const { assignment, depth } = access;
  if (assignment && depth === 0) {
    if (isLazyInit(ctx, assignment, assignment.left)) return 'lazy';
    // A client, a timer, or what a library creates (its own rule reports the creation).
    if (
      isClientValue(ctx, assignment.right) ||
      isTimerHandle(ctx, assignment.right) ||
      libraryCreation(ctx, assignment.right)
    )
      return 'handle';
  }
  return {
    node: access.node,
    ...(access.method !== undefined ? { method: access.method } : {}),
    key: access.key,
    values: access.values,
  };
}

function classState(ctx: FileContext, cls: TS.ClassLikeDeclaration, singleton: boolean): ClassField[] {
  const ts = ctx.ts;
  const facts = ctx.reach.classFacts(cls);
  const pieces: ClassField[] = [];
  const fields = new Map<string, { nameNode: TS.Node; kind: ContainerKind; isStatic: boolean; readonly: boolean }>();
  for (const member of cls.members) {
    if (ts.isPropertyDeclaration(member)) {
      const name = nameText(ts, member.name);
      if (name === undefined) continue;
      const modifiers = ts.getModifiers(member) ?? [];
      const isStatic = modifiers.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      const isReadonly = modifiers.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword);
      const kind = containerKind(ctx, member.initializer, !isReadonly);
      if (kind && kind !== 'instance')
        fields.set(name, { nameNode: member.name, kind, isStatic, readonly: isReadonly });
    }
  }
  // constructor() { this.cache = new Map() }
  const ctor = cls.members.find(ts.isConstructorDeclaration);
  for (const use of ctor ? ctx.reach.thisMembers(cls).values() : []) {
    for (const access of use) {
      const parent = access.parent;
      if (
        !ts.isBinaryExpression(parent) ||
        parent.left !== access ||
        parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken
      )
        continue;
      // `private cache: Map<…>` declared bare and filled in the constructor: the constructor says what it holds.
      const declared = fields.get(access.name.text);
      if (ctx.unitOf(access) !== ctor || (declared && declared.kind !== 'value')) continue;
      // `this.currentDownload = null`, `this.needSetup = false`: a scalar the class may change later.
      const kind = isScalarLiteral(ts, parent.right) ? 'value' : containerKind(ctx, parent.right, false);
      if (kind && kind !== 'instance') {
        fields.set(access.name.text, {
          nameNode: declared?.nameNode ?? access.name,
          kind,
          isStatic: false,
          readonly: declared?.readonly ?? false,
        });
      }
    }
  }
  for (const [name, field] of fields) {
    let writes: StateWrite[] = [];
    let resettable = false;
    const consider = (ref: TS.Expression, prefix: string[]): void => {
      const write = writeThrough(ctx, ref, prefix, field.kind, !field.readonly);
      if (write === 'lazy' || write === 'handle') resettable = true;
      if (!write || write === 'lazy' || write === 'handle') return;
      const when = ctx.when(write.node, REQUEST_TIME);
      if (!when.holds) return;
      const unit = ctx.unitOf(write.node);
      if (ts.isConstructorDeclaration(unit) || ts.isPropertyDeclaration(unit)) return;
      writes.push(withWhen(write, when));
    };
    for (const access of ctx.reach.thisMembers(cls).get(name) ?? []) {
      if (isStaticContext(ts, access) === field.isStatic) consider(access, [name]);
    }
    if (field.isStatic) {
      for (const ref of facts.classBinding?.references ?? []) {
        if (ts.isPropertyAccessExpression(ref.parent) && ref.parent.name.text === name) consider(ref.parent, [name]);
      }
    } else {
      for (const instance of facts.instanceBindings) {
        for (const ref of instance.references) {
          if (ts.isPropertyAccessExpression(ref.parent) && ref.parent.name.text === name) consider(ref.parent, [name]);
        }
      }
    }
    writes = stateWrites(ctx, resettable, writes);
    const reachable = facts.exportedAs.length > 0 || facts.classExports.length > 0;
    if (writes.length > 0 || (!field.isStatic && (!singleton || reachable))) {
      pieces.push({
        piece: {
          name,
          nameNode: field.nameNode,
          container: field.kind,
          where: field.isStatic ? 'static' : 'field',
          writes,
          exports: [],
        },
        readonly: field.readonly,
        resettable,
      });
    }
  }
  return pieces;
}

/**
 * The writes that make a piece state. There are none when the piece is a lazily created
 * resource or a handle (a client, a timer) whose every other write is a reset (`browser = null`
 * after `close()`), nor when it is a pool of outgoing connections: every value it is given is
 * one (`pools.set(tenant, new pg.Pool(…))`, `sessions[host] = http2.connect(host)`), which each
 * instance opens for itself, or any other handle a package makes (values.ts).
 */
function stateWrites(ctx: FileContext, resettable: boolean, writes: StateWrite[]): StateWrite[] {
  if (resettable && writes.every((w) => isReset(ctx, w))) return [];
  const adding = writes.filter((w) => w.values.length > 0);
  if (adding.length > 0 && adding.every((w) => holdsConnection(ctx, w.values[w.values.length - 1]!, 0))) return [];
  return writes;
}

/** Calls that open a connection to another service with Node's own modules. */
const CONNECTORS = new Set(['http2#connect', 'net#connect', 'net#createConnection', 'tls#connect']);

/** A connection opened here (`await mysql.createPool(…)`, `http2.connect(…)`), or a local, array or object holding one. */
function holdsConnection(ctx: FileContext, value: TS.Expression, depth: number): boolean {
  const ts = ctx.ts;
  let e = skipOuter(ts, value);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (depth > 6) return false;
  if (ts.isNewExpression(e) || ts.isCallExpression(e)) {
    // new Redis(…), new pg.Pool(…), knex(config), mysql.createPool(…), axios.create() — not
    // axios.get(url), whose result is data.
    if (isPackageHandle(ctx, e)) return true;
    const ref = ctx.imports.resolve(e.expression);
    if (!ref) return false;
    if (CONNECTORS.has(`${ref.module}#${ref.path.join('.')}`)) return true;
    const last = ref.path[ref.path.length - 1];
    return (
      isClientPackage(ref.module) && (ts.isNewExpression(e) || last === undefined || /^(?:create|connect)/.test(last))
    );
  }
  if (ts.isConditionalExpression(e))
    return holdsConnection(ctx, e.whenTrue, depth + 1) && holdsConnection(ctx, e.whenFalse, depth + 1);
  if (ts.isArrayLiteralExpression(e)) return e.elements.some((element) => holdsConnection(ctx, element, depth + 1));
  if (ts.isObjectLiteralExpression(e)) {
    return e.properties.some((p) =>
      ts.isPropertyAssignment(p)
        ? holdsConnection(ctx, p.initializer, depth + 1)
        : ts.isShorthandPropertyAssignment(p) && holdsConnection(ctx, p.name, depth + 1),
    );
  }
  if (ts.isIdentifier(e)) {
    const values = assignedValues(ctx, e);
    return values !== undefined && values.every((v) => holdsConnection(ctx, v, depth + 1));
  }
  return false;
}

/** `null`, `undefined`, a boolean, a number, a string, a template without substitutions. */
function isScalarLiteral(ts: TypeScript, value: TS.Expression): boolean {
  let e = skipOuter(ts, value);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) e = skipOuter(ts, e.operand);
  return (
    e.kind === ts.SyntaxKind.NullKeyword ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(e) && e.text === 'undefined') ||
    ts.isNumericLiteral(e) ||
    ts.isStringLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e)
  );
}

/** `x = null`, `x = undefined`, `x = void 0`. */
function isReset(ctx: FileContext, w: StateWrite): boolean {
  const ts = ctx.ts;
  const value = w.values[0] && skipOuter(ts, w.values[0]);
  return (
    w.method === undefined &&
    value !== undefined &&
    (value.kind === ts.SyntaxKind.NullKeyword ||
      (ts.isIdentifier(value) && value.text === 'undefined') ||
      ts.isVoidExpression(value))
  );
}

/** `timer = setInterval(…)`: a handle, not state (the scheduler rule reports the timer). */
function isTimerHandle(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, value);
  return (
    ts.isCallExpression(e) &&
    ts.isIdentifier(e.expression) &&
    ctx.binder.isGlobal(e.expression) &&
    /^set(Interval|Timeout|Immediate)$/.test(e.expression.text)
  );
}

function isUpdate(ts: TypeScript, node: TS.PrefixUnaryExpression | TS.PostfixUnaryExpression): boolean {
  return node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken;
}

/**
 * The lazy-singleton shapes: `x ??= create()`, `x ||= …`, `x = x || …`, an assignment guarded by
 * `if (!x)` / `if (x == null)`, or following `if (x) return x`.
 */
export function isLazyInit(ctx: FileContext, assignment: TS.BinaryExpression, target: TS.Expression): boolean {
  const ts = ctx.ts;
  const op = assignment.operatorToken.kind;
  if (op === ts.SyntaxKind.QuestionQuestionEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken) return true;
  if (op !== ts.SyntaxKind.EqualsToken) return false;
  const text = compactText(ts, target, ctx.sourceFile);
  const right = skipOuter(ts, assignment.right);
  if (isOrElse(ts, right) && compactText(ts, right.left, ctx.sourceFile) === text) return true;
  // x || (x = create()), the expression form of `x ||= create()`
  const outer = outerWrapper(ts, assignment).parent;
  if (
    isOrElse(ts, outer) &&
    skipOuter(ts, outer.right) === assignment &&
    compactText(ts, outer.left, ctx.sourceFile) === text
  )
    return true;
  const unit = ctx.unitOf(assignment);
  for (let step = stepUp(ctx, assignment); step && step.node !== unit; step = stepUp(ctx, step.node)) {
    const { node, child } = step;
    if (ts.isIfStatement(node) && node.thenStatement === child && testsAbsence(ctx, node.expression, text)) return true;
    // `if (!kafka) { kafka = connect(); producer = kafka.producer(); }`: set once, with what the guard tests.
    if (ts.isIfStatement(node) && node.thenStatement === child && initialisesTested(ctx, node)) return true;
    if ((ts.isBlock(node) || ts.isSourceFile(node)) && guardedBefore(ctx, node, child, text)) return true;
  }
  return false;
}

type Step = { node: TS.Node; child: TS.Node } | null;

/** `stepUp`'s memo, per file. */
const lazyInitSteps = perFile(() => new Map<TS.Node, Step>());
/** `guardedBefore`'s guards, per block: the first statement returning each text, and every statement's index. */
const lazyInitGuards = perFile(() => new Map<TS.Node, { first: Map<string, number>; index: Map<TS.Node, number> }>());

/**
 * The nearest ancestor of `from` where `isLazyInit` looks (an `if`, a block, the file, or a
 * function or property that may be the unit), with its child on the way. Memoised for every
 * node passed: the assignments of `a = b = c = …` share their way up.
 */
function stepUp(ctx: FileContext, from: TS.Node): Step {
  const ts = ctx.ts;
  const steps = lazyInitSteps(ctx);
  const passed: TS.Node[] = [];
  let step: Step | undefined;
  for (let child = from; step === undefined;) {
    passed.push(child);
    const node: TS.Node | undefined = child.parent;
    if (!node) step = null;
    else if (
      ts.isIfStatement(node) ||
      ts.isBlock(node) ||
      ts.isSourceFile(node) ||
      isFunctionNode(ts, node) ||
      ts.isPropertyDeclaration(node)
    )
      step = { node, child };
    else step = steps.get(node);
    child = node!;
  }
  for (const node of passed) steps.set(node, step);
  return step;
}

/**
 * Whether a statement before `child` in `block` is `if (x) return x` with `x` written as
 * `text` (`if (client) return client;`; a guard that returns something else is a lock, not a
 * lazy init). The guards of a block are listed once, by what they
 * return: a function of many assignments would otherwise read its statements once each.
 */
function guardedBefore(ctx: FileContext, block: TS.Block | TS.SourceFile, child: TS.Node, text: string): boolean {
  const ts = ctx.ts;
  const blocks = lazyInitGuards(ctx);
  let known = blocks.get(block);
  if (!known) {
    known = { first: new Map(), index: new Map() };
    block.statements.forEach((statement, i) => {
      known!.index.set(statement, i);
      if (!ts.isIfStatement(statement)) return;
      const last = ts.isBlock(statement.thenStatement)
        ? statement.thenStatement.statements[statement.thenStatement.statements.length - 1]
        : statement.thenStatement;
      if (!last || !ts.isReturnStatement(last) || !last.expression) return;
      const returned = compactText(ts, last.expression, ctx.sourceFile);
      if (!known!.first.has(returned) && testsPresence(ctx, statement.expression, returned))
        known!.first.set(returned, i);
    });
    blocks.set(block, known);
  }
  const guard = known.first.get(text);
  const at = known.index.get(child);
  return guard !== undefined && at !== undefined && guard < at;
}

/** `a || b`, `a ?? b`. */
function isOrElse(ts: TypeScript, node: TS.Node): node is TS.BinaryExpression {
  return (
    ts.isBinaryExpression(node) &&
    (node.operatorToken.kind === ts.SyntaxKind.BarBarToken ||
      node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)
  );
}

// !x, x == null, x === undefined, typeof x === 'undefined', !x || …, a && !x
function testsAbsence(ctx: FileContext, cond: TS.Expression, text: string): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, cond);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken)
    return compactText(ts, e.operand, ctx.sourceFile) === text;
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    // `!x || stale()` (a refresh), `ready && !x` (both must hold: x is absent)
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken)
      return testsAbsence(ctx, e.left, text) || testsAbsence(ctx, e.right, text);
    if (op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsEqualsToken) {
      const [a, b] = [skipOuter(ts, e.left), skipOuter(ts, e.right)];
      const isNullish = (x: TS.Expression) =>
        x.kind === ts.SyntaxKind.NullKeyword ||
        (ts.isIdentifier(x) && x.text === 'undefined') ||
        (ts.isStringLiteral(x) && x.text === 'undefined');
      const subject = (x: TS.Expression) =>
        compactText(ts, ts.isTypeOfExpression(x) ? x.expression : x, ctx.sourceFile) === text;
      return (subject(a) && isNullish(b)) || (subject(b) && isNullish(a));
    }
  }
  return false;
}

/**
 * Whether an `if` that tests a variable's absence (`if (!client)`) assigns that variable in its
 * branch: the branch runs until it is set, so what else it writes is set along with it, once.
 */
function initialisesTested(ctx: FileContext, guard: TS.IfStatement): boolean {
  const ts = ctx.ts;
  const tested = new Set<string>();
  const collect = (cond: TS.Expression): void => {
    const e = skipOuter(ts, cond);
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken)
      tested.add(compactText(ts, e.operand, ctx.sourceFile));
    else if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
      collect(e.left);
      collect(e.right);
    }
  };
  collect(guard.expression);
  if (tested.size === 0) return false;
  let assigns = false;
  walk(ts, guard.thenStatement, (node) => {
    if (assigns || isFunctionLikeNode(ts, node)) return false;
    if (
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      tested.has(compactText(ts, node.left, ctx.sourceFile))
    )
      assigns = true;
    return undefined;
  });
  return assigns;
}

function isFunctionLikeNode(ts: TypeScript, node: TS.Node): boolean {
  return ts.isFunctionLike(node) || ts.isClassLike(node);
}

// x, x != null, x !== undefined
function testsPresence(ctx: FileContext, cond: TS.Expression, text: string): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, cond);
  if (compactText(ts, e, ctx.sourceFile) === text) return true;
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.ExclamationEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken) {
      return compactText(ts, e.left, ctx.sourceFile) === text || compactText(ts, e.right, ctx.sourceFile) === text;
    }
  }
  return false;
}

/** `client = new Redis(…)`, `pool = await mysql.createPool(…)`: a connection, not state. */
function isClientValue(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  let e = skipOuter(ts, value);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  const target = ts.isNewExpression(e) ? e.expression : ts.isCallExpression(e) ? e.expression : undefined;
  if (!target) return false;
  const ref = ctx.imports.resolve(target);
  return ref !== undefined && isClientPackage(ref.module);
}

/** A write with what `FileContext.when` says of it. */
function withWhen(write: StateWrite, when: When): StateWrite {
  if (!when.condition && !when.unsure) return write;
  return {
    ...write,
    ...(when.condition ? { condition: when.condition } : {}),
    ...(when.unsure ? { unsure: when.unsure } : {}),
  };
}
