import { memberName, skipOuter, walk, words } from '../ast.js';
import { CATEGORY_INFO } from '../categories.js';
import type { FileContext, LibraryCreation } from '../context.js';
import { code, composeMessage, WRITTEN_AT_REQUEST_TIME } from '../messages.js';
import { BACKGROUND, LOAD, UNKNOWN } from '../reach.js';
import { collectState, type StatePiece } from '../state.js';
import type { Category, CoreFinding, RelatedSpan, Suggestion, TS, TypeScript } from '../types.js';

/** A detector: one category's findings in one file. */
export type Detector = (ctx: FileContext) => CoreFinding[];

/** Contexts in which creating a store means one store for the whole process. */
export const SHARED_CONTEXT = LOAD | UNKNOWN | BACKGROUND;

export function makeFinding(
  ctx: FileContext,
  category: Category,
  node: TS.Node,
  what: string,
  suggestion: Suggestion,
  subject: string,
  related: RelatedSpan[] = [],
): CoreFinding {
  return {
    category,
    start: node.getStart(ctx.sourceFile),
    end: node.getEnd(),
    message: composeMessage(category, what, suggestion),
    suggestion,
    related,
    subject,
  };
}

export function relatedWrites(ctx: FileContext, nodes: readonly TS.Node[], message = WRITTEN_AT_REQUEST_TIME): RelatedSpan[] {
  return nodes.map((node) => ({ start: node.getStart(ctx.sourceFile), end: node.getEnd(), message }));
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

/** Unsafe library creations judged once per file (judging marks stores consumed by others). */
function unsafeCreations(ctx: FileContext): LibraryCreation[] {
  return ctx.shared('unsafe-creations', () => {
    const generic = ctx.creations().filter((c) => ['call', 'new', 'call-or-new', 'register', 'decorator'].includes(c.entry.via));
    const unsafe = generic.filter((c) => ctx.isUnsafe(c));
    return unsafe.filter((c) => !ctx.isConsumed(c.node) && inCreationContext(ctx, c));
  });
}

/**
 * A store created per request is transient; one created at load time, in a start-up function, in
 * a singleton's constructor or by unknown callers is shared. Schedulers count wherever they run.
 */
function inCreationContext(ctx: FileContext, creation: LibraryCreation): boolean {
  const ts = ctx.ts;
  const mask = ctx.reach.maskAt(creation.node);
  // A scheduled job or a file written per request is still process-bound, wherever it is created.
  if (creation.entry.category === 'in-process-scheduler' || creation.entry.category === 'file-write') return mask !== 0;
  if (!(mask & SHARED_CONTEXT)) return false;
  const unit = ctx.unitOf(creation.node);
  if ((ts.isPropertyDeclaration(unit) || ts.isConstructorDeclaration(unit)) && ts.isClassLike(unit.parent)) {
    const facts = ctx.reach.classFacts(unit.parent);
    if (facts.requestScoped) return false;
  }
  return true;
}

/** Findings for the catalogue's `call`/`new`/`register`/`decorator` rows of a category. */
export function libraryFindings(ctx: FileContext, category: Category): CoreFinding[] {
  return unsafeCreations(ctx)
    .filter((c) => c.entry.category === category)
    .map((c) =>
      makeFinding(ctx, category, c.node, `${snippet(ctx, c.node)} (${c.entry.label}) ${c.entry.what}`, c.entry.suggestion, c.entry.label),
    );
}

const SESSION_WORDS = new Set(['session', 'sessions', 'sid', 'sids']);
const RATE_WORDS = new Set(['hits', 'hit', 'attempts', 'attempt', 'ratelimit', 'ratelimits', 'throttle', 'throttles', 'limiter', 'limiters', 'buckets', 'bucket', 'quota', 'quotas', 'strikes', 'failures']);
const LOCK_WORDS = new Set(['lock', 'locks', 'locked', 'mutex', 'mutexes', 'inflight', 'semaphore', 'semaphores', 'running', 'busy', 'processing', 'leases', 'lease']);
const CACHE_WORDS = new Set(['cache', 'caches', 'cached', 'memo', 'memos', 'memoized', 'lru']);
const SOCKET_WORDS = new Set(['sockets', 'socket', 'connections', 'subscribers', 'streams', 'peers', 'sse']);
const CONNECTION_PARAMS = new Set(['res', 'response', 'reply', 'ws', 'socket', 'conn', 'connection', 'client', 'stream', 'controller', 'writer', 'sse', 'peer']);
const IP_PATTERN = /(^|\W)ip(\W|$)|\.ip\b|remoteAddress|x-forwarded-for|x-real-ip|clientIp/i;

/**
 * The most specific category for hand-rolled state: what is written (a response object, a key
 * derived from the client IP) first, then what the state is called.
 */
export function classify(ctx: FileContext, piece: StatePiece): Category {
  const ts = ctx.ts;
  const name = words(piece.name);
  const has = (set: ReadonlySet<string>) => name.some((w) => set.has(w)) || set.has(piece.name.toLowerCase());
  const holdsConnection = piece.writes.some((w) =>
    w.values.some((value) => {
      let found = false;
      walk(ts, value, (node) => {
        if (found || isFunctionLike(ts, node)) return false;
        if (ts.isIdentifier(node) && CONNECTION_PARAMS.has(node.text)) {
          const decl = ctx.binder.resolve(node)?.declaration;
          if (decl && ts.isParameter(decl)) found = true;
        }
      });
      return found;
    }),
  );
  if (holdsConnection && (piece.container === 'set' || piece.container === 'array' || piece.container === 'map')) return 'socket-registry';
  // A session store holds many sessions; a flag or a single value named `session…` does not.
  if (has(SESSION_WORDS) && piece.container !== 'value') return 'memory-session';
  const keyedByIp = piece.writes.some((w) => w.key !== undefined && IP_PATTERN.test(w.key.getText(ctx.sourceFile)));
  // A rate limiter counts per client: a keyed container, not a scalar page-hit counter.
  const keyed = piece.container === 'map' || piece.container === 'object';
  if (keyed && (has(RATE_WORDS) || keyedByIp || (name.includes('rate') && name.includes('limit')))) return 'memory-rate-limit';
  if (has(LOCK_WORDS) || (name.includes('in') && name.includes('flight')) || (name.includes('pending') && piece.container !== 'array')) return 'process-lock';
  if (has(CACHE_WORDS)) return 'process-cache';
  if (has(SOCKET_WORDS) && piece.container !== 'value') return 'socket-registry';
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

/** Findings for hand-rolled state classified into `category`. */
export function handRolledFindings(ctx: FileContext, category: Category): CoreFinding[] {
  const classified = ctx.shared('hand-rolled', () => collectState(ctx).map((piece) => ({ piece, category: classify(ctx, piece) })));
  return classified
    .filter((c) => c.category === category)
    .map(({ piece }) => {
      const label = piece.where === 'field' ? `this.${piece.name}` : piece.name;
      const kind = piece.where === 'field' ? ' (a field of a singleton)' : piece.where === 'static' ? ' (a class static)' : '';
      return makeFinding(
        ctx,
        category,
        piece.nameNode,
        `${code(label)}${kind} ${WHAT[category]}`,
        CATEGORY_INFO[category].suggestion,
        piece.name,
        relatedWrites(ctx, piece.writes.map((w) => w.node)),
      );
    });
}
