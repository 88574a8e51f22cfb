import { isReturnedValue, outerWrapper, skipOuter, stringValue } from './ast.js';
import type { Binding } from './binder.js';
import type { FileContext } from './context.js';
import { snippet } from './detectors/finding.js';
import { writeFacts, type WriteFacts } from './detectors/hand-rolled.js';
import { exportNameAt, exportNamesOf, unitExportNames, valueExportNames } from './exports.js';
import { isServerlessModule } from './file-scope.js';
import { normalizeModule } from './imports.js';
import { CONTEXTS, REQUEST } from './reach.js';
import {
  accessAt,
  type Access,
  classFields,
  collectState,
  type ContainerKind,
  memberChain,
  registeredAsSingleton,
} from './state.js';
import { readSuppressions } from './suppressions.js';
import type { Category, Condition, TS, TypeScript } from './types.js';

/**
 * When code runs, as far as one file can tell: the context bits it has for sure, plus the
 * exports of its file whose callers (in other files) add theirs.
 */
export interface SummaryContext {
  mask: number;
  via: string[];
}

/** What an export name stands for: a module-scope binding of the file, or another module's export. */
export type ExportTarget = { local: string } | { from: ModulePath };

/** A path into another module: `specifier` as written, then export and member names. */
export interface ModulePath {
  specifier: string;
  /** An ESM default import: the path starts at the module's default export. */
  viaDefault: boolean;
  path: string[];
}

/** Exported module state, written here or (the link step finds out) in other files. */
export interface SummaryState {
  name: string;
  exports: string[];
  container: ContainerKind;
  start: number;
  end: number;
  /** Writes in this file that can run at request time (some only if callers of an export do). */
  writes: { start: number; end: number; condition?: Condition; unsure?: true; facts: WriteFacts }[];
  /** Categories a suppression comment turns off at the declaration. */
  suppressed?: Category[];
}

/** A field that is state if its object lives as long as the process. */
export interface SummaryField {
  name: string;
  container: ContainerKind;
  /** Declared `readonly`: only its members can be written. */
  readonly: boolean;
  start: number;
  end: number;
  /** A lazily created value or a handle (a client, a timer): writes that only reset it are not state. */
  resettable: boolean;
  /** Writes in this file that can run at request time (some only if callers of an export do). */
  writes: SummaryState['writes'];
  suppressed?: Category[];
}

/** A class whose fields may be state, for the program to decide how long its instances live. */
export interface SummaryClass {
  name: string;
  /** Export names of the class: importers reach its instances' members as `name.prototype.…`. */
  exports: string[];
  /** Export names of module-scope instances (`export const server = new Server()`). */
  instances: string[];
  /** One instance per process as far as this file tells (its own pass reports the fields' writes here). */
  singleton: boolean;
  /** When this file constructs it, other files' constructions left out; UNKNOWN when it escapes. */
  constructed: SummaryContext;
  fields: SummaryField[];
}

/** A use of another project module's export: a call, a `new`, a write, or a reference passed on. */
export interface ImportUse extends ModulePath {
  start: number;
  end: number;
  /** When the use runs (a write, a call) or when what it passes on will be called. */
  context: SummaryContext;
  /** The use writes: what the expression does, with the facts classification needs; `reset`: `x.p = null`. */
  write?: { op: Access['op']; method?: string; facts: WriteFacts; reset?: true };
  /** The use calls or constructs the export: `createCache(…)`, for messages. */
  call?: string;
  /** The use constructs the export (`new Registry()`): it does not pass the class on, so its statics' callers stay known. */
  construct?: true;
  /** The use registers the class with a dependency-injection container as a singleton (`asClass(X).singleton()`). */
  singleton?: true;
  /**
   * The use is in a decorator's arguments (`@Module({ providers: [UserService] })`): the
   * framework constructs the class and injects it; it does not call its methods itself.
   */
  registered?: true;
  /** The call's value is returned by these exports of this file (a factory of a factory). */
  returnedBy?: string[];
  /** Categories a suppression comment turns off at the call. */
  suppressed?: Category[];
}

/** Everything the link step needs to know about one module, without its AST. */
export interface ModuleSummary {
  /**
   * Export names and what they stand for, in the order first seen. A list of pairs, not an
   * object: the names come from the scanned code (`export { x as __proto__ }`), and a list
   * crosses to a worker thread and through the cache's JSON unchanged.
   */
  exports: [name: string, target: ExportTarget][];
  /** `export * from '…'` specifiers. */
  starExports: string[];
  /** A serverless or framework module (route handler, serverless function): the framework calls its exports. */
  frameworkModule: boolean;
  /** A CommonJS module (no ESM syntax): members of `module.exports = x` are members of `x`. */
  commonJs: boolean;
  state: SummaryState[];
  /** Classes with fields that are state if their instances live as long as the process. */
  classes: SummaryClass[];
  uses: ImportUse[];
}

/** Whether a specifier can name a file of the project: relative, absolute, or one of `projectSpecifiers`. */
export function isProjectSpecifier(specifier: string, projectSpecifiers: readonly string[]): boolean {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return true;
  return projectSpecifiers.some((p) => specifier === p || specifier.startsWith(p.endsWith('/') ? p : `${p}/`));
}

/** Builds a file's summary from its analysis context (run with `crossFile`). */
export function summarize(
  ctx: FileContext,
  projectSpecifiers: readonly string[],
  honourEslintComments: boolean,
  holdsState = true,
): ModuleSummary {
  const ts = ctx.ts;
  const esm = ctx.sourceFile.statements.some(
    (s) =>
      ts.isImportDeclaration(s) ||
      ts.isExportDeclaration(s) ||
      (ts.isExportAssignment(s) && !s.isExportEquals) ||
      (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)),
  );
  const exports = new Map<string, ExportTarget>();
  const summary: ModuleSummary = {
    exports: [],
    starExports: [],
    frameworkModule: isServerlessModule(ts, ctx.sourceFile),
    commonJs: !esm,
    state: [],
    classes: [],
    uses: [],
  };
  const project = (specifier: string | undefined): specifier is string =>
    specifier !== undefined && isProjectSpecifier(specifier, projectSpecifiers);

  // Re-exports written as `export … from '…'`.
  for (const statement of ctx.sourceFile.statements) {
    if (!ts.isExportDeclaration(statement) || statement.isTypeOnly) continue;
    const specifier = stringValue(ts, statement.moduleSpecifier);
    if (specifier === undefined) continue;
    const clause = statement.exportClause;
    if (!clause) summary.starExports.push(normalizeModule(specifier));
    else if (ts.isNamespaceExport(clause))
      exports.set(clause.name.text, { from: { specifier: normalizeModule(specifier), viaDefault: false, path: [] } });
    else {
      for (const element of clause.elements) {
        if (element.isTypeOnly) continue;
        const imported = (element.propertyName ?? element.name).text;
        exports.set(element.name.text, {
          from: {
            specifier: normalizeModule(specifier),
            viaDefault: imported === 'default',
            path: imported === 'default' ? [] : [imported],
          },
        });
      }
    }
  }

  for (const binding of ctx.binder.bindings) {
    const origin = importOrigin(ctx, binding);
    if (ctx.binder.isModuleScope(binding)) {
      for (const name of exportNamesOf(ts, ctx.binder, binding)) {
        exports.set(name, origin && project(origin.specifier) ? { from: origin } : { local: binding.name });
      }
    }
    if (!origin || !project(origin.specifier)) continue;
    for (const ref of binding.references) addUse(ctx, summary, origin, ref);
  }
  // require('./stats').requests++, require('./registry').register(…)
  for (const node of ctx.calls) {
    const specifier = ctx.imports.requiredModule(node);
    if (!project(specifier)) continue;
    const parent = outerWrapper(ts, node).parent;
    if (ts.isVariableDeclaration(parent) || ts.isAwaitExpression(parent)) continue;
    // module.exports = require('./impl'), exports.db = require('./db')
    const exported = exportNameAt(ts, ctx.binder, node);
    if (exported !== undefined) {
      exports.set(exported, { from: { specifier, viaDefault: false, path: [] } });
      continue;
    }
    addUse(ctx, summary, { specifier, viaDefault: false, path: [] }, node);
  }
  // Exports written in place (`module.exports = function () {…}`, `exports.f = () => …`): callers
  // in other files reach the function's own symbol through these names.
  const k = ts.SyntaxKind;
  const inPlace = ctx.ofKinds(
    k.ExportAssignment,
    k.BinaryExpression,
    k.ObjectLiteralExpression,
    k.FunctionDeclaration,
    k.ClassDeclaration,
  );
  for (const name of valueExportNames(ts, ctx.binder, inPlace))
    if (!exports.has(name)) exports.set(name, { local: name });

  // `function handle(server: Server)`: the members of an instance of an imported class.
  for (const node of ctx.ofKinds(k.Parameter, k.VariableDeclaration)) {
    const typed = node as TS.ParameterDeclaration | TS.VariableDeclaration;
    if (!ts.isIdentifier(typed.name)) continue;
    const origin = typedInstanceOrigin(ctx, typed.type);
    const binding = origin && project(origin.specifier) ? ctx.binder.resolve(typed.name) : undefined;
    for (const ref of binding?.references ?? []) addUse(ctx, summary, origin!, ref);
  }
  // `constructor(private users: UserService)`, `private users: UserService`: an injected
  // instance of an imported class, used as `this.users` across the class.
  for (const node of ctx.ofKinds(k.Parameter, k.PropertyDeclaration)) {
    const member = node as TS.ParameterDeclaration | TS.PropertyDeclaration;
    if (!ts.isIdentifier(member.name)) continue;
    const cls = ts.isParameter(member)
      ? ts.isConstructorDeclaration(member.parent) && ts.getModifiers(member)?.length
        ? member.parent.parent
        : undefined
      : member.parent;
    if (!cls || !ts.isClassLike(cls)) continue;
    const origin = typedInstanceOrigin(ctx, member.type);
    if (!origin || !project(origin.specifier)) continue;
    for (const ref of ctx.reach.thisMembers(cls).get(member.name.text) ?? []) addUse(ctx, summary, origin, ref);
  }

  summary.exports = [...exports];

  for (const piece of holdsState ? collectState(ctx) : []) {
    if (piece.where !== 'module' || piece.exports.length === 0) continue;
    summary.state.push({
      name: piece.name,
      exports: piece.exports,
      container: piece.container,
      start: piece.nameNode.getStart(ctx.sourceFile),
      end: piece.nameNode.getEnd(),
      writes: piece.writes.map((w) => ({
        start: w.node.getStart(ctx.sourceFile),
        end: w.node.getEnd(),
        ...(w.condition ? { condition: w.condition } : {}),
        ...(w.unsure ? { unsure: w.unsure } : {}),
        facts: writeFacts(ctx, w),
      })),
    });
  }
  if (holdsState) summary.classes = summaryClasses(ctx);
  markSuppressed(
    ctx,
    [
      ...summary.state,
      ...summary.classes.flatMap((c) => c.fields),
      ...summary.uses.filter((u) => u.call !== undefined),
    ],
    honourEslintComments,
  );
  return summary;
}

/**
 * The classes whose fields may be state: a singleton's that other files can reach (its
 * instances or the class are exported), and every other class's, for the program to decide
 * how long its instances live.
 */
function summaryClasses(ctx: FileContext): SummaryClass[] {
  const out: SummaryClass[] = [];
  for (const { cls, facts, singleton, fields: all } of classFields(ctx)) {
    const fields = all.filter((field) => field.piece.where === 'field');
    if (fields.length === 0) continue;
    if (singleton && facts.exportedAs.length === 0 && facts.classExports.length === 0) continue;
    const mask = facts.requestScoped ? REQUEST : facts.constructionMask;
    const via = ctx.reach.symbolsOf(mask).filter((name) => !facts.classExports.includes(name));
    // Constructed only in this file, where its own pass knows every construction: today's rule.
    if (!singleton && facts.classExports.length === 0 && via.length === 0) continue;
    out.push({
      name: cls.name?.text ?? facts.classBinding?.name ?? 'class',
      exports: facts.classExports,
      instances: facts.exportedAs,
      singleton,
      constructed: { mask: mask & CONTEXTS, via },
      fields: fields.map((field) => ({
        name: field.piece.name,
        container: field.piece.container,
        readonly: field.readonly,
        start: field.piece.nameNode.getStart(ctx.sourceFile),
        end: field.piece.nameNode.getEnd(),
        resettable: field.resettable,
        writes: field.piece.writes.map((w) => ({
          start: w.node.getStart(ctx.sourceFile),
          end: w.node.getEnd(),
          ...(w.condition ? { condition: w.condition } : {}),
          ...(w.unsure ? { unsure: w.unsure } : {}),
          facts: writeFacts(ctx, w),
        })),
      })),
    });
  }
  return out;
}

/**
 * The class a type annotation names, when it is imported from a module: `server: Server`
 * (`import type` too), as the path of its instances' members (`Server.prototype`).
 */
function typedInstanceOrigin(ctx: FileContext, type: TS.TypeNode | undefined): ModulePath | undefined {
  const ts = ctx.ts;
  if (!type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return undefined;
  const binding = ctx.binder.moduleScope().get(type.typeName.text);
  const origin = binding && importOrigin(ctx, binding, true);
  return origin && { ...origin, path: [...origin.path, PROTOTYPE] };
}

/** Notes the categories that suppression comments turn off at each declaration or call. */
function markSuppressed(
  ctx: FileContext,
  items: (SummaryState | SummaryField | ImportUse)[],
  honourEslintComments: boolean,
): void {
  if (items.length === 0) return;
  const suppressions = readSuppressions(ctx.ts, ctx.sourceFile, honourEslintComments);
  for (const item of items) {
    const off = suppressions.suppressedCategoriesAt(item.start);
    if (off.length > 0) item.suppressed = off;
  }
}

/**
 * The module path a binding stands for, when it comes from a module: `import { a } from './x'`
 * → `./x` [a]; `import d from './x'` → default; `const { a } = require('./x')`; `const s = ns.stats`.
 */
function importOrigin(ctx: FileContext, binding: Binding, typeOnly = false): ModulePath | undefined {
  const ts = ctx.ts;
  const decl = binding.declaration;
  const isImport =
    ts.isImportClause(decl) ||
    ts.isImportSpecifier(decl) ||
    ts.isNamespaceImport(decl) ||
    ts.isImportEqualsDeclaration(decl);
  const isVariable = ts.isVariableDeclaration(decl) || ts.isBindingElement(decl);
  if (!isImport && !(isVariable && binding.kind === 'const' && mayNameModule(ctx, decl))) return undefined;
  if (
    isImport &&
    !typeOnly &&
    (ts.isImportClause(decl)
      ? decl.isTypeOnly
      : ts.isImportSpecifier(decl)
        ? decl.isTypeOnly || decl.parent.parent.isTypeOnly
        : false)
  )
    return undefined;
  const ref = ctx.imports.resolve(binding.id);
  // `const entry = limits.get(ip)` holds a call's result, not the module's object.
  if (!ref || ref.path.includes('()')) return undefined;
  const viaDefault =
    ts.isImportClause(decl) || (ts.isImportSpecifier(decl) && (decl.propertyName ?? decl.name).text === 'default');
  return { specifier: ref.module, viaDefault, path: ref.path };
}

/**
 * Whether a `const` can stand for a module or a member of one: `require('./x')`, `await
 * import('./x')`, `ns.stats`, `stats` — not a call's result or a literal (most constants).
 */
function mayNameModule(ctx: FileContext, decl: TS.VariableDeclaration | TS.BindingElement): boolean {
  const ts = ctx.ts;
  let node: TS.Node = decl;
  while (ts.isBindingElement(node)) node = node.parent.parent;
  if (!ts.isVariableDeclaration(node) || !node.initializer) return false;
  let e = skipOuter(ts, node.initializer);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = skipOuter(ts, e.expression);
  if (ts.isIdentifier(e)) return true;
  return (
    ts.isCallExpression(e) &&
    (e.expression.kind === ts.SyntaxKind.ImportKeyword ||
      (ts.isIdentifier(e.expression) && e.expression.text === 'require'))
  );
}

/** Records what the expression around `ref` does with the export it stands for. */
function addUse(ctx: FileContext, summary: ModuleSummary, origin: ModulePath, ref: TS.Expression): void {
  const ts = ctx.ts;
  const base = { specifier: origin.specifier, viaDefault: origin.viaDefault };
  const access = accessAt(ctx, ref);
  const write = access && {
    op: access.op,
    ...(access.method !== undefined ? { method: access.method } : {}),
    facts: writeFacts(ctx, { node: access.node, key: access.key, values: access.values }),
    ...(access.assignment && isNullish(ctx.ts, access.assignment.right) ? { reset: true as const } : {}),
  };
  if (access && access.op !== 'call') {
    const node = access.node;
    summary.uses.push({
      ...base,
      path: [...origin.path, ...access.chain],
      start: node.getStart(ctx.sourceFile),
      end: node.getEnd(),
      context: contextOf(ctx, ctx.reach.maskAt(node)),
      write: write!,
    });
    return;
  }
  // The top of the member chain tells how the value is used.
  const { top, chain } = memberChain(ctx, ref);
  const parent = top.parent;
  // `const s = ns.stats`: an alias, whose own references are uses; `export { x }` is a re-export.
  if (
    (ts.isVariableDeclaration(parent) && parent.initializer === top) ||
    ts.isExportSpecifier(parent) ||
    ts.isExportAssignment(parent)
  )
    return;
  const isCall = (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression === top;
  const node = isCall ? parent : top;
  const use: ImportUse = {
    ...base,
    path: [...origin.path, ...chain],
    start: node.getStart(ctx.sourceFile),
    end: node.getEnd(),
    context: contextOf(ctx, ctx.reach.useMask(top)),
  };
  if (write) use.write = write;
  if (registeredAsSingleton(ctx, ref)) use.singleton = true;
  if (inDecoratorArguments(ts, ref)) use.registered = true;
  if (isCall) {
    use.call = snippet(ctx, parent);
    if (ts.isNewExpression(parent)) use.construct = true;
    const returnedBy = returningExports(ctx, parent);
    if (returnedBy.length > 0) use.returnedBy = returnedBy;
  }
  summary.uses.push(use);
  // `new Server()`, `Server.getInstance()`: what is done with the instance uses the class's members.
  if (isCall && !use.path.includes(PROTOTYPE)) {
    const last = chain[chain.length - 1];
    const classPath = use.construct ? use.path : last && INSTANCE_GETTERS.has(last) ? use.path.slice(0, -1) : undefined;
    if (classPath) addInstanceUses(ctx, summary, { ...base, path: [...classPath, PROTOTYPE] }, parent);
  }
}

/** Whether `node` is in the arguments of a decorator (and not in a function written there). */
function inDecoratorArguments(ts: TypeScript, node: TS.Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if (ts.isDecorator(up)) return true;
    if (ts.isFunctionLike(up) || ts.isClassLike(up) || ts.isSourceFile(up)) return false;
  }
  return false;
}

/** The path segment after a class that names the members of its instances. */
const PROTOTYPE = 'prototype';
/** Static members that give a class's one instance: `Server.getInstance()`. */
const INSTANCE_GETTERS = new Set(['getInstance', 'instance', 'getSingleton', 'shared']);

/** The uses of an instance: `new Server().serve()`, or through `const server = new Server()`. */
function addInstanceUses(ctx: FileContext, summary: ModuleSummary, origin: ModulePath, created: TS.Expression): void {
  const ts = ctx.ts;
  let node = outerWrapper(ts, created);
  if (ts.isAwaitExpression(node.parent)) node = outerWrapper(ts, node.parent);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
    if (!ts.isIdentifier(parent.name)) return;
    for (const ref of ctx.binder.resolve(parent.name)?.references ?? []) addUse(ctx, summary, origin, ref);
    return;
  }
  if (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent))
    addUse(ctx, summary, origin, created);
}

function isNullish(ts: TypeScript, value: TS.Expression): boolean {
  const e = skipOuter(ts, value);
  return (
    e.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(e) && e.text === 'undefined') || ts.isVoidExpression(e)
  );
}

function contextOf(ctx: FileContext, mask: number): SummaryContext {
  return { mask: mask & CONTEXTS, via: ctx.reach.symbolsOf(mask) };
}

/** The exports of this file that return the value of `call` (`export const make = () => createCache()`). */
function returningExports(ctx: FileContext, call: TS.Node): string[] {
  return isReturnedValue(ctx.ts, call) ? unitExportNames(ctx.ts, ctx.binder, ctx.unitOf(call)) : [];
}
