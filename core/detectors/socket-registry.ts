import { compactText, skipOuter } from '../ast.js';
import type { CatalogueEntry } from '../knowledge/index.js';
import type { FileContext } from '../context.js';
import { creations, entriesFor, entriesForModule, holderText } from '../library.js';
import { REQUEST_TIME } from '../reach.js';
import type { CoreFinding, TS } from '../types.js';
import { detector } from './detector.js';
import { makeFinding, relatedSpans, type Site, snippet } from './finding.js';
import { handRolledFinder } from './hand-rolled.js';
import { libraryFinders } from './library-findings.js';

const SUBSCRIBE = new Set(['on', 'once', 'addListener', 'prependListener']);

// new Server(httpServer) with no adapter; wss.clients.forEach(send); bus.on/emit per request
export const socketRegistry = detector(
  'socket-registry',
  ...libraryFinders('socket-registry'),
  { mayMatch: (file) => file.namesPackages, find: wsBroadcasts },
  { mayMatch: (file) => file.namesPackages, find: eventBuses },
  handRolledFinder('socket-registry'),
);

/** Request-time uses of `<holder>.<member>` for the variable a creation is stored in. */
function memberUses(
  ctx: FileContext,
  creation: TS.Node,
  members: ReadonlySet<string>,
): (Site & { node: TS.PropertyAccessExpression })[] {
  const ts = ctx.ts;
  const holder = holderText(ctx, creation);
  if (!holder) return [];
  const uses: (Site & { node: TS.PropertyAccessExpression })[] = [];
  for (const node of ctx.ofKinds(ts.SyntaxKind.PropertyAccessExpression) as readonly TS.PropertyAccessExpression[]) {
    if (!members.has(node.name.text)) continue;
    if (compactText(ts, node.expression, ctx.sourceFile) !== holder) continue;
    const when = ctx.when(node, REQUEST_TIME);
    if (when.holds) uses.push({ node, condition: when.condition, ...(when.unsure ? { unsure: when.unsure } : {}) });
  }
  return uses;
}

// const wss = new WebSocketServer({ server }); … wss.clients.forEach((c) => c.send(msg))
function wsBroadcasts(ctx: FileContext): CoreFinding[] {
  const findings: CoreFinding[] = [];
  for (const { entry, node } of creations(ctx)) {
    if (entry.pattern !== 'ws-server') continue;
    const uses = memberUses(ctx, node, new Set(['clients']));
    if (uses.length === 0) continue;
    const what = `${snippet(ctx, node)} (${entry.label}) ${entry.what}`;
    findings.push(
      makeFinding(ctx, {
        category: 'socket-registry',
        node,
        what,
        suggestion: entry.suggestion,
        subject: entry.label,
        related: relatedSpans(ctx, uses, 'broadcast to local clients here'),
        evidence: 'related',
      }),
    );
  }
  return findings;
}

// const bus = new EventEmitter(); SSE handler: bus.on('msg', send); POST handler: bus.emit('msg', …)
function eventBuses(ctx: FileContext): CoreFinding[] {
  const ts = ctx.ts;
  const findings: CoreFinding[] = [];
  for (const node of ctx.ofKinds(ts.SyntaxKind.NewExpression) as readonly TS.NewExpression[]) {
    const entry = emitterEntry(ctx, node);
    if (!entry || ctx.unitOf(node) !== ctx.sourceFile) continue;
    const subscriptions = memberUses(ctx, node, SUBSCRIBE).filter((use) => isCalled(ts, use.node));
    const emits = memberUses(ctx, node, new Set(['emit'])).filter((use) => isCalled(ts, use.node));
    if (subscriptions.length === 0 || emits.length === 0) continue;
    const related = [
      ...relatedSpans(
        ctx,
        subscriptions.map((s) => ({ node: s.node.parent })),
        'subscribed here per request',
      ),
      ...relatedSpans(
        ctx,
        emits.map((e) => ({ node: e.node.parent })),
        'emitted here at request time',
      ),
    ];
    findings.push(
      makeFinding(ctx, {
        category: 'socket-registry',
        node,
        what: `${snippet(ctx, node)} (${entry.label}) ${entry.what}`,
        suggestion: entry.suggestion,
        subject: entry.label,
        related,
      }),
    );
  }
  return findings;
}

function isCalled(ts: FileContext['ts'], access: TS.PropertyAccessExpression): boolean {
  return ts.isCallExpression(access.parent) && access.parent.expression === access;
}

/** `new EventEmitter()`, or `new Bus()` where `class Bus extends EventEmitter`. */
function emitterEntry(ctx: FileContext, node: TS.NewExpression): CatalogueEntry | undefined {
  const ts = ctx.ts;
  const direct = entriesFor(ctx, node).find((e) => e.pattern === 'emitter');
  if (direct) return direct;
  const callee = skipOuter(ts, node.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const decl = ctx.binder.resolve(callee)?.declaration;
  if (!decl || !ts.isClassDeclaration(decl)) return undefined;
  for (const clause of decl.heritageClauses ?? []) {
    if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
    for (const type of clause.types) {
      const ref = ctx.imports.resolve(type.expression);
      if (
        ref &&
        entriesForModule(ctx, ref.module).some((e) => e.pattern === 'emitter' && e.exports.includes(ref.path.join('.')))
      ) {
        return entriesForModule(ctx, ref.module).find((e) => e.pattern === 'emitter');
      }
    }
  }
  return undefined;
}
