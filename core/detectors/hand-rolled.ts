import { skipOuter, walk, words } from '../ast.js';
import { CATEGORY_INFO } from '../categories.js';
import type { FileContext } from '../context.js';
import { code } from '../messages.js';
import { CONNECTION_PARAMS } from '../ownership.js';
import { perFile } from '../per-file.js';
import { collectState, type ContainerKind, type StatePiece, type StateWrite } from '../state.js';
import type { Category, CoreFinding, TS, TypeScript } from '../types.js';
import type { Finder } from './detector.js';
import { makeFinding, relatedSpans } from './finding.js';
import { fansOut } from './fan-out.js';
import { type WriteShape, writeShape } from './write-shape.js';
import { flushedBehind, invalidatedOverPubSub } from '../cluster-aware.js';
import { storedValue, type ValueSource, valueSource } from '../values.js';

// Hand-rolled state (state.ts finds it): which category it is, and its findings.

const SESSION_WORDS = new Set(['session', 'sessions', 'sid', 'sids']);
const RATE_WORDS = new Set([
  'hits',
  'hit',
  'attempts',
  'attempt',
  'ratelimit',
  'ratelimits',
  'throttle',
  'throttles',
  'limiter',
  'limiters',
  'buckets',
  'bucket',
  'quota',
  'quotas',
  'strikes',
  'failures',
]);
const LOCK_WORDS = new Set([
  'lock',
  'locks',
  'locked',
  'mutex',
  'mutexes',
  'inflight',
  'semaphore',
  'semaphores',
  'running',
  'busy',
  'processing',
  'leases',
  'lease',
]);
const CACHE_WORDS = new Set(['cache', 'caches', 'cached', 'memo', 'memos', 'memoized', 'lru']);
const SOCKET_WORDS = new Set(['sockets', 'socket', 'connections', 'subscribers', 'streams', 'peers', 'sse']);
const IP_PATTERN = /(^|\W)ip(\W|$)|\.ip\b|remoteAddress|x-forwarded-for|x-real-ip|clientIp/i;

/**
 * What a write says about the state it writes: a response object is stored, a key is the client
 * IP, and the shape of the code around it (write-shape.ts).
 */
export interface WriteFacts {
  connection: boolean;
  ipKey: boolean;
  shape?: WriteShape;
}

export function writeFacts(ctx: FileContext, write: StateWrite): WriteFacts {
  const holders = connectionHolders(ctx);
  const connection = write.values.some((value) => holders.has(value));
  const shape = writeShape(ctx, write);
  return {
    connection,
    ipKey: write.key !== undefined && IP_PATTERN.test(write.key.getText(ctx.sourceFile)),
    ...(shape ? { shape } : {}),
  };
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
    for (
      let node: TS.Node | undefined = id;
      node && !holders.has(node) && !isFunctionLike(ts, node);
      node = node.parent
    )
      holders.add(node);
  }
  return holders;
});

/** The most specific category for hand-rolled state (see `classifyFacts`). */
function classify(ctx: FileContext, piece: StatePiece): Category | undefined {
  const facts = piece.writes.map((w) => writeFacts(ctx, w));
  // Connections kept but never sent to from here (closed at shutdown, counted): this process's
  // own bookkeeping. A registry is state when it is used to fan out.
  const list = piece.container === 'set' || piece.container === 'array' || piece.container === 'map';
  if (list && facts.some((f) => f.connection) && !fansOut(ctx, referenceText(piece))) return undefined;
  return classifyFacts(piece.name, piece.container, facts);
}

/**
 * The category of hand-rolled state, decided by what the code does with it first (a response
 * stored, a key from the client IP, a check-and-set around an `await`, get-or-compute-and-set),
 * its name only where the shape says nothing. Undefined for in-flight de-duplication, whose
 * entries live for one call each.
 */
export function classifyFacts(
  stateName: string,
  container: ContainerKind,
  writes: readonly WriteFacts[],
): Category | undefined {
  const name = words(stateName);
  const has = (set: ReadonlySet<string>) => name.some((w) => set.has(w)) || set.has(stateName.toLowerCase());
  const holdsConnection = writes.some((w) => w.connection);
  if (holdsConnection && (container === 'set' || container === 'array' || container === 'map'))
    return 'socket-registry';
  const shaped = (shape: WriteShape) => writes.some((w) => w.shape === shape);
  if (shaped('inflight') && !shaped('exclusion')) return undefined;
  // A session store holds many sessions; a flag or a single value named `session…` does not.
  if (has(SESSION_WORDS) && container !== 'value') return 'memory-session';
  const keyedByIp = writes.some((w) => w.ipKey);
  // A rate limiter counts per client: a keyed container, not a scalar page-hit counter.
  const keyed = container === 'map' || container === 'object';
  if (keyed && (has(RATE_WORDS) || keyedByIp || (name.includes('rate') && name.includes('limit'))))
    return 'memory-rate-limit';
  if (shaped('exclusion')) return 'process-lock';
  if (shaped('memo')) return 'process-cache';
  if (
    has(LOCK_WORDS) ||
    (name.includes('in') && name.includes('flight')) ||
    (name.includes('pending') && container !== 'array')
  )
    return 'process-lock';
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
    .map((piece) => ({ piece, source: memoSource(ctx, piece) }))
    .filter(
      ({ piece, source }) =>
        source !== 'same' &&
        !invalidatedOverPubSub(ctx, referenceText(piece)) &&
        !flushedBehind(ctx, referenceText(piece)),
    )
    .map(({ piece, source }) => ({ piece, category: classify(ctx, piece), unseen: source === 'unseen' })),
);

/** Hand-rolled state classified into `category`: module variables, fields of singletons, class statics. */
export function handRolledFinder(category: Category): Finder {
  return { mayMatch: (file) => file.declaresState, find: (ctx) => handRolledFindings(ctx, category) };
}

function handRolledFindings(ctx: FileContext, category: Category): CoreFinding[] {
  return classifiedState(ctx)
    .filter((c) => c.category === category)
    .map(({ piece, unseen }) => {
      return makeFinding(ctx, {
        category,
        node: piece.nameNode,
        what: handRolledWhat(category, piece.name, piece.where),
        suggestion: CATEGORY_INFO[category].suggestion,
        subject: piece.name,
        related: relatedSpans(ctx, piece.writes),
        evidence: 'related',
        ...(unseen ? { doubt: 'value' as const } : {}),
      });
    });
}

/**
 * Where the values of a memo come from: each write stores, in a function that also reads the
 * memo (get-or-compute-and-set), a value whose source values.ts traces. `same` (derived only from
 * its key, configuration, files shipped with the deployment and pure transforms, as in
 * `cache.set(p, ejs.compile(readFileSync(p)))`): every replica computes the same thing for
 * itself. Undefined when the piece is not such a memo: a flag or literal written at request time
 * is not one (one instance flips it, the others do not).
 */
function memoSource(ctx: FileContext, piece: StatePiece): ValueSource | undefined {
  const ts = ctx.ts;
  if (piece.container !== 'map' && piece.container !== 'object' && piece.container !== 'value') return undefined;
  let source: ValueSource | undefined;
  for (const write of piece.writes) {
    if (write.method === 'delete' || write.method === 'clear') continue;
    if (write.method !== undefined && write.method !== 'set') return undefined;
    const value = storedValue(write);
    if (!value || isLiteral(ts, value) || !readsAround(ctx, piece.name, write.node)) return undefined;
    const next = valueSource(ctx, value, write.key ? [write.key] : []);
    if (next === 'varying') return 'varying';
    source = source === 'unseen' ? source : next;
  }
  return source;
}

function isLiteral(ts: TypeScript, value: TS.Expression): boolean {
  const e = skipOuter(ts, value);
  return (
    ts.isLiteralExpression(e) ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    e.kind === ts.SyntaxKind.NullKeyword ||
    ts.isPrefixUnaryExpression(e)
  );
}

/** Whether the function around a write also uses the state by name elsewhere (reads it). */
function readsAround(ctx: FileContext, name: string, write: TS.Node): boolean {
  const ts = ctx.ts;
  const unit = ctx.unitOf(write);
  let reads = false;
  walk(ts, unit, (node) => {
    if (reads || node === write) return false;
    if (ts.isIdentifier(node) && node.text === name) reads = true;
  });
  return reads;
}

/** How the file writes a piece: `cache`, `this.cache`. */
function referenceText(piece: StatePiece): string {
  return piece.where === 'field' ? `this.${piece.name}` : piece.name;
}
