import { skipOuter } from '../ast.js';
import type { CatalogueEntry } from '../catalogue.js';
import type { FileContext } from '../context.js';
import { REQUEST_TIME } from '../reach.js';
import type { CoreFinding, TS } from '../types.js';
import { handRolledFindings, libraryFindings, makeFinding, relatedWrites, snippet } from './shared.js';

const SUBSCRIBE = new Set(['on', 'once', 'addListener', 'prependListener']);

// new Server(httpServer) with no adapter; wss.clients.forEach(send); bus.on/emit per request
export function detectSocketRegistry(ctx: FileContext): CoreFinding[] {
  return [
    ...libraryFindings(ctx, 'socket-registry'),
    ...wsBroadcasts(ctx),
    ...eventBuses(ctx),
    ...handRolledFindings(ctx, 'socket-registry'),
  ];
}

/** Request-time uses of `<holder>.<member>` for the variable a creation is stored in. */
function memberUses(ctx: FileContext, creation: TS.Node, members: ReadonlySet<string>): TS.PropertyAccessExpression[] {
  const ts = ctx.ts;
  const holder = ctx.holderText(creation);
  if (!holder) return [];
  const uses: TS.PropertyAccessExpression[] = [];
  for (const node of ctx.ofKinds(ts.SyntaxKind.PropertyAccessExpression) as readonly TS.PropertyAccessExpression[]) {
    if (!members.has(node.name.text)) continue;
    if (skipOuter(ts, node.expression).getText(ctx.sourceFile).replace(/\s+/g, '') !== holder) continue;
    if (ctx.runsIn(node, REQUEST_TIME)) uses.push(node);
  }
  return uses;
}

// const wss = new WebSocketServer({ server }); … wss.clients.forEach((c) => c.send(msg))
function wsBroadcasts(ctx: FileContext): CoreFinding[] {
  const findings: CoreFinding[] = [];
  for (const { entry, node } of ctx.creations()) {
    if (entry.via !== 'ws-server') continue;
    const uses = memberUses(ctx, node, new Set(['clients']));
    if (uses.length === 0) continue;
    findings.push(
      makeFinding(ctx, 'socket-registry', node, `${snippet(ctx, node)} (${entry.label}) ${entry.what}`, entry.suggestion, entry.label, relatedWrites(ctx, uses, 'broadcast to local clients here')),
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
    const subscriptions = memberUses(ctx, node, SUBSCRIBE).filter((use) => isCalled(ts, use));
    const emits = memberUses(ctx, node, new Set(['emit'])).filter((use) => isCalled(ts, use));
    if (subscriptions.length === 0 || emits.length === 0) continue;
    findings.push(
      makeFinding(ctx, 'socket-registry', node, `${snippet(ctx, node)} (${entry.label}) ${entry.what}`, entry.suggestion, entry.label, [
        ...relatedWrites(ctx, subscriptions.map((s) => s.parent), 'subscribed here per request'),
        ...relatedWrites(ctx, emits.map((e) => e.parent), 'emitted here at request time'),
      ]),
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
  const direct = ctx.entriesFor(node).find((e) => e.via === 'emitter');
  if (direct) return direct;
  const callee = skipOuter(ts, node.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  const decl = ctx.binder.resolve(callee)?.declaration;
  if (!decl || !ts.isClassDeclaration(decl)) return undefined;
  for (const clause of decl.heritageClauses ?? []) {
    if (clause.token !== ts.SyntaxKind.ExtendsKeyword) continue;
    for (const type of clause.types) {
      const ref = ctx.imports.resolve(type.expression);
      if (ref && ctx.entriesForModule(ref.module).some((e) => e.via === 'emitter' && e.exports.includes(ref.path.join('.')))) {
        return ctx.entriesForModule(ref.module).find((e) => e.via === 'emitter');
      }
    }
  }
  return undefined;
}

