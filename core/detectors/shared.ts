import { isReturnedValue, memberName, outerWrapper, skipOuter, words } from '../ast.js';
import { unitExportNames } from '../exports.js';
import { CATEGORY_INFO } from '../categories.js';
import type { CatalogueEntry } from '../catalogue.js';
import type { FileContext, When } from '../context.js';
import { type LibraryCreation, libraryCreation, typedStore, unsafeCreations } from '../library.js';
import { code, composeMessage, WRITTEN_AT_REQUEST_TIME } from '../messages.js';
import { perFile } from '../per-file.js';
import { BACKGROUND, LOAD, REQUEST, UNKNOWN } from '../reach.js';
import { collectState, type ContainerKind, type StatePiece, type StateWrite } from '../state.js';
import type { Category, Condition, CoreFinding, RelatedSpan, Suggestion, TS, TypeScript } from '../types.js';

/** A detector: one category's findings in one file. */
export type Detector = (ctx: FileContext) => CoreFinding[];

/** Contexts in which creating a store means one store for the whole process. */
export const SHARED_CONTEXT = LOAD | UNKNOWN | BACKGROUND;
/** Any context at all: the code runs. */
export const ANY_CONTEXT = LOAD | REQUEST | UNKNOWN | BACKGROUND;

/** What a finding says and where: `makeFinding` composes the message and the cross-file facts. */
export interface FindingSpec {
  category: Category;
  /** The node the finding is reported at. */
  node: TS.Node;
  what: string;
  suggestion: Suggestion;
  subject: string;
  related?: RelatedSpan[];
  /** `ctx.when(node, …)`'s condition: with cross-file analysis, the finding holds only if it does. */
  condition?: Condition;
}

export function makeFinding(ctx: FileContext, spec: FindingSpec): CoreFinding {
  const { category, node, what, suggestion, subject, related = [], condition } = spec;
  const finding: CoreFinding = {
    category,
    start: node.getStart(ctx.sourceFile),
    end: node.getEnd(),
    message: composeMessage(category, what, suggestion),
    suggestion,
    related,
    subject,
  };
  if (ctx.crossFile) {
    if (condition) {
      finding.condition = condition;
      const factory = factoryOf(ctx, node, category, condition.exports);
      if (factory !== undefined) Object.assign(finding, { factory, what });
    } else if (related.length > 0 && related.every((r) => r.condition)) {
      finding.condition = 'related';
    }
  }
  return finding;
}

/** A place where state is written or used, with the condition `ctx.when` gave it. */
export interface Site {
  node: TS.Node;
  condition?: Condition;
}

export function relatedSpans(ctx: FileContext, sites: readonly Site[], message = WRITTEN_AT_REQUEST_TIME): RelatedSpan[] {
  return sites.map(({ node, condition }) => ({ start: node.getStart(ctx.sourceFile), end: node.getEnd(), message, ...(condition && ctx.crossFile ? { condition } : {}) }));
}

/** Categories whose store or timer belongs to whoever calls the function that creates it. */
const MOVES_TO_CALLERS: ReadonlySet<Category> = new Set([
  'process-cache', 'memory-session', 'memory-rate-limit', 'socket-registry', 'in-process-scheduler', 'process-lock',
]);

/**
 * The export that creates the store or starts the timer at `node` for its callers: the
 * function it is written in returns it (`return new LRUCache(…)`, `() => session({…})`), or, for
 * a timer, merely starts it; or a field or constructor of an exported class holds it.
 */
function factoryOf(ctx: FileContext, node: TS.Node, category: Category, exports: readonly string[]): string | undefined {
  const ts = ctx.ts;
  if (!MOVES_TO_CALLERS.has(category)) return undefined;
  const unit = ctx.unitOf(node);
  const name = unitExportNames(ts, ctx.binder, unit).find((n) => exports.includes(n));
  if (name === undefined) return undefined;
  const memberOfClass = ts.isPropertyDeclaration(unit) || ts.isConstructorDeclaration(unit);
  return memberOfClass || category === 'in-process-scheduler' || isReturned(ctx, node, unit) ? name : undefined;
}

/** `return x`, an arrow's expression body, or a local `const x = …` that is returned. */
function isReturned(ctx: FileContext, node: TS.Node, unit: TS.Node): boolean {
  const ts = ctx.ts;
  if (isReturnedValue(ts, node)) return true;
  const outer = outerWrapper(ts, node);
  const parent = outer.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === outer && ts.isIdentifier(parent.name)) {
    const binding = ctx.binder.resolve(parent.name);
    return (binding?.references ?? []).some((ref) => {
      const up = outerWrapper(ts, ref).parent;
      return (ts.isReturnStatement(up) || (ts.isShorthandPropertyAssignment(up) && ts.isReturnStatement(outerWrapper(ts, up.parent).parent))) && ctx.unitOf(up) === unit;
    });
  }
  return false;
}

/** `session(…)`, `new LRUCache(…)`, `@Cron(…)`, `fastify.register(rateLimit, …)`. */
export function snippet(ctx: FileContext, node: TS.Node): string {
  const ts = ctx.ts;
  const text = (n: TS.Node) => n.getText(ctx.sourceFile).replace(/\s+/g, '');
  if (ts.isDecorator(node)) {
    const target = ts.isCallExpression(node.expression) ? node.expression.expression : node.expression;
    return code(`@${text(target)}(…)`);
  }
  if (ts.isNewExpression(node)) return code(`new ${text(node.expression)}(…)`);
  if (ts.isCallExpression(node)) {
    // fastify.register(rateLimit, …): name the plugin, not the options.
    const plugin = node.arguments[0] && skipOuter(ts, node.arguments[0]);
    if (memberName(ts, skipOuter(ts, node.expression)) === 'register' && plugin && !ts.isObjectLiteralExpression(plugin)) {
      return code(`${text(node.expression)}(${text(node.arguments[0])}, …)`);
    }
    return code(`${text(node.expression)}(…)`);
  }
  return code(node.getText(ctx.sourceFile));
}

/** A library creation to report, with the condition under which it runs where it counts. */
interface ReportedCreation extends LibraryCreation {
  condition?: Condition;
}

/** The unsafe library creations (library.ts) made where they count, once per file. */
const reportedCreations = perFile((ctx): ReportedCreation[] => {
  const found: ReportedCreation[] = [];
  for (const creation of unsafeCreations(ctx)) {
    const when = creationContext(ctx, creation);
    if (when.holds) found.push(when.condition ? { ...creation, condition: when.condition } : creation);
  }
  return found;
});

/**
 * A store created per request is transient; one created at load time, in a start-up function, in
 * a singleton's constructor or by unknown callers is shared. Schedulers count wherever they run.
 */
function creationContext(ctx: FileContext, creation: LibraryCreation): When {
  const ts = ctx.ts;
  // A scheduled job or a file written per request is still process-bound, wherever it is created.
  if (creation.entry.category === 'in-process-scheduler' || creation.entry.category === 'file-write') return ctx.when(creation.node, ANY_CONTEXT);
  const when = ctx.when(creation.node, SHARED_CONTEXT);
  if (!when.holds) return when;
  const unit = ctx.unitOf(creation.node);
  if ((ts.isPropertyDeclaration(unit) || ts.isConstructorDeclaration(unit)) && ts.isClassLike(unit.parent)) {
    const facts = ctx.reach.classFacts(unit.parent);
    if (facts.requestScoped) return { holds: false };
  }
  return when;
}

/** Findings for the catalogue's `call`/`new`/`register`/`decorator` rows of a category. */
export function libraryFindings(ctx: FileContext, category: Category): CoreFinding[] {
  return [
    ...reportedCreations(ctx)
      .filter((c) => c.entry.category === category)
      .map((c) =>
        makeFinding(ctx, { category, node: c.node, what: `${snippet(ctx, c.node)} (${c.entry.label}) ${c.entry.what}`, suggestion: c.entry.suggestion, subject: c.entry.label, condition: c.condition }),
      ),
    ...typedStores(ctx)
      .filter((t) => t.entry.category === category)
      .map((t) => makeFinding(ctx, { category, node: t.name, what: t.what, suggestion: t.entry.suggestion, subject: t.entry.label })),
  ];
}

/**
 * With a type checker (`--typed`): module variables and fields of singletons whose type is a
 * process-local store (`private cache: LRUCache<…>` filled by a factory from another package),
 * where the creating call itself is not visible. A value created by a project function is left to
 * the cross-file analysis of that function.
 */
function typedStores(ctx: FileContext): TypedStore[] {
  return ctx.checker ? typedStoresOf(ctx) : [];
}

interface TypedStore {
  name: TS.Node;
  entry: CatalogueEntry;
  what: string;
}

const typedStoresOf = perFile((ctx): TypedStore[] => {
  const ts = ctx.ts;
  const found: TypedStore[] = [];
  const consider = (name: TS.Node, label: string, values: readonly (TS.Expression | undefined)[]) => {
    if (values.some((v) => v !== undefined && (libraryCreation(ctx, v) || createdByProject(ctx, v)))) return;
    const entry = typedStore(ctx, name);
    const typeName = entry && ctx.checker!.getTypeAtLocation(name).getSymbol()?.getName();
    if (entry && typeName) found.push({ name, entry, what: `${code(label)} holds a ${code(typeName)} (${entry.label}), which ${entry.what}` });
  };
  for (const binding of ctx.binder.moduleScope().values()) {
    const decl = binding.declaration;
    if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer) consider(decl.name, binding.name, [decl.initializer]);
  }
  for (const node of ctx.classes) {
    if (!ctx.reach.classFacts(node).singleton) continue;
    const assigned = ctx.reach.thisMembers(node);
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name) || (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword)) continue;
      const writes = (assigned.get(member.name.text) ?? []).flatMap((a) => (ts.isBinaryExpression(a.parent) && a.parent.left === a ? [a.parent.right] : []));
      if (!member.initializer && writes.length === 0) continue;
      consider(member.name, `this.${member.name.text}`, [member.initializer, ...writes]);
    }
  }
  return found;
});

/** `createCache()` with `createCache` imported from a project module (relative or aliased). */
function createdByProject(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  let e = skipOuter(ctx.ts, value);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return false;
  const ref = ctx.imports.resolve(e.expression);
  if (ref) return ref.module.startsWith('.') || ref.module.startsWith('@/') || ref.module.startsWith('~/');
  return ts.isIdentifier(e.expression) && ctx.binder.resolve(e.expression) !== undefined;
}

const SESSION_WORDS = new Set(['session', 'sessions', 'sid', 'sids']);
const RATE_WORDS = new Set(['hits', 'hit', 'attempts', 'attempt', 'ratelimit', 'ratelimits', 'throttle', 'throttles', 'limiter', 'limiters', 'buckets', 'bucket', 'quota', 'quotas', 'strikes', 'failures']);
const LOCK_WORDS = new Set(['lock', 'locks', 'locked', 'mutex', 'mutexes', 'inflight', 'semaphore', 'semaphores', 'running', 'busy', 'processing', 'leases', 'lease']);
const CACHE_WORDS = new Set(['cache', 'caches', 'cached', 'memo', 'memos', 'memoized', 'lru']);
const SOCKET_WORDS = new Set(['sockets', 'socket', 'connections', 'subscribers', 'streams', 'peers', 'sse']);
const CONNECTION_PARAMS = new Set(['res', 'response', 'reply', 'ws', 'socket', 'conn', 'connection', 'client', 'stream', 'controller', 'writer', 'sse', 'peer']);
const IP_PATTERN = /(^|\W)ip(\W|$)|\.ip\b|remoteAddress|x-forwarded-for|x-real-ip|clientIp/i;

/** What a write says about the state it writes: a response object is stored, a key is the client IP. */
export interface WriteFacts {
  connection: boolean;
  ipKey: boolean;
}

export function writeFacts(ctx: FileContext, write: StateWrite): WriteFacts {
  const holders = connectionHolders(ctx);
  const connection = write.values.some((value) => holders.has(value));
  return { connection, ipKey: write.key !== undefined && IP_PATTERN.test(write.key.getText(ctx.sourceFile)) };
}

/**
 * The nodes that hold a connection parameter (`res`, `socket`, a parameter of that name), not
 * inside a function of their own: found once per file, going up from each such parameter's
 * uses, rather than by a walk of every written value (in `a = b = c = …`, each value holds the
 * next: a walk per value would read the chain once per write).
 */
const connectionHolders = perFile((ctx): ReadonlySet<TS.Node> => {
  const ts = ctx.ts;
  const holders = new Set<TS.Node>();
  for (const id of ctx.ofKinds(ts.SyntaxKind.Identifier) as readonly TS.Identifier[]) {
    if (!CONNECTION_PARAMS.has(id.text)) continue;
    const decl = ctx.binder.resolve(id)?.declaration;
    if (!decl || !ts.isParameter(decl)) continue;
    // Up to the first function; a node already marked has its way up marked too.
    for (let node: TS.Node | undefined = id; node && !holders.has(node) && !isFunctionLike(ts, node); node = node.parent) holders.add(node);
  }
  return holders;
});

/**
 * The most specific category for hand-rolled state: what is written (a response object, a key
 * derived from the client IP) first, then what the state is called.
 */
export function classify(ctx: FileContext, piece: StatePiece): Category {
  return classifyFacts(piece.name, piece.container, piece.writes.map((w) => writeFacts(ctx, w)));
}

export function classifyFacts(stateName: string, container: ContainerKind, writes: readonly WriteFacts[]): Category {
  const name = words(stateName);
  const has = (set: ReadonlySet<string>) => name.some((w) => set.has(w)) || set.has(stateName.toLowerCase());
  const holdsConnection = writes.some((w) => w.connection);
  if (holdsConnection && (container === 'set' || container === 'array' || container === 'map')) return 'socket-registry';
  // A session store holds many sessions; a flag or a single value named `session…` does not.
  if (has(SESSION_WORDS) && container !== 'value') return 'memory-session';
  const keyedByIp = writes.some((w) => w.ipKey);
  // A rate limiter counts per client: a keyed container, not a scalar page-hit counter.
  const keyed = container === 'map' || container === 'object';
  if (keyed && (has(RATE_WORDS) || keyedByIp || (name.includes('rate') && name.includes('limit')))) return 'memory-rate-limit';
  if (has(LOCK_WORDS) || (name.includes('in') && name.includes('flight')) || (name.includes('pending') && container !== 'array')) return 'process-lock';
  if (has(CACHE_WORDS)) return 'process-cache';
  if (has(SOCKET_WORDS) && container !== 'value') return 'socket-registry';
  return 'module-state';
}

function isFunctionLike(ts: TypeScript, node: TS.Node): boolean {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node);
}

const WHAT: Record<Category, string> = {
  'module-state': 'is shared mutable state written at request time',
  'memory-session': 'keeps sessions in process memory',
  'process-cache': 'is a cache in process memory',
  'memory-rate-limit': 'counts requests in process memory',
  'socket-registry': 'holds the connections of this instance only',
  'process-lock': 'is a lock held in process memory',
  'file-write': 'writes local files',
  'in-process-scheduler': 'runs on a timer in the web process',
  'global-mutation': 'writes global state',
};

/** What a finding says about hand-rolled state: `` `stats` is shared mutable state written at request time``. */
export function handRolledWhat(category: Category, name: string, where: StatePiece['where']): string {
  const label = where === 'field' ? `this.${name}` : name;
  const kind = where === 'field' ? ' (a field of a singleton)' : where === 'static' ? ' (a class static)' : '';
  return `${code(label)}${kind} ${WHAT[category]}`;
}

/**
 * Hand-rolled state with its category, once per file. With cross-file analysis, exported module
 * state is reported by the link step, which sees the writes of every file.
 */
const classifiedState = perFile((ctx) =>
  collectState(ctx)
    .filter((piece) => piece.writes.length > 0 && !(ctx.crossFile && piece.exports.length > 0))
    .map((piece) => ({ piece, category: classify(ctx, piece) })),
);

/** Findings for hand-rolled state classified into `category`. */
export function handRolledFindings(ctx: FileContext, category: Category): CoreFinding[] {
  return classifiedState(ctx)
    .filter((c) => c.category === category)
    .map(({ piece }) => {
      return makeFinding(ctx, {
        category,
        node: piece.nameNode,
        what: handRolledWhat(category, piece.name, piece.where),
        suggestion: CATEGORY_INFO[category].suggestion,
        subject: piece.name,
        related: relatedSpans(ctx, piece.writes),
      });
    });
}
