import { isReturnedValue, memberName, outerWrapper, skipOuter } from '../ast.js';
import type { FileContext } from '../context.js';
import { unitExportNames } from '../exports.js';
import { code, composeMessage, WRITTEN_AT_REQUEST_TIME } from '../messages.js';
import type { Category, Condition, CoreFinding, RelatedSpan, Suggestion, TS } from '../types.js';

// Building findings: the message, the related spans, and what cross-file analysis needs to settle them.

/** What a finding says and where: `makeFinding` composes the message and the cross-file facts. */
export interface FindingSpec {
  category: Category;
  /** The node the finding is reported at. */
  node: TS.Node;
  what: string;
  /** What breaks, where the category's words do not fit (`CATEGORY_INFO[category].breaks` otherwise). */
  breaks?: string;
  suggestion: Suggestion;
  subject: string;
  related?: RelatedSpan[];
  /** `ctx.when(node, …)`'s condition: with cross-file analysis, the finding holds only if it does. */
  condition?: Condition;
  /** `ctx.when(node, …)` holds only for callers not in view. */
  unsure?: boolean;
  /** What the finding rests on: its node (default), its related spans, or either. */
  evidence?: CoreFinding['evidence'];
  /** A reason for doubt known in the file (`value`: where the stored values come from is out of view). */
  doubt?: CoreFinding['doubt'];
  /**
   * Whether the state belongs to whoever calls the function that creates it (`MOVES_TO_CALLERS`
   * by default): false for what only counts where it is made, such as a job added at request time.
   */
  movesToCallers?: boolean;
}

export function makeFinding(ctx: FileContext, spec: FindingSpec): CoreFinding {
  const { category, node, what, breaks, suggestion, subject, related = [], condition, movesToCallers } = spec;
  const { unsure, evidence, doubt } = spec;
  const finding: CoreFinding = {
    category,
    start: node.getStart(ctx.sourceFile),
    end: node.getEnd(),
    message: composeMessage(category, what, suggestion, breaks),
    suggestion,
    related,
    subject,
    ...(unsure ? { unsure: true } : {}),
    ...(evidence ? { evidence } : {}),
    ...(doubt ? { doubt } : {}),
  };
  if (ctx.crossFile) {
    if (condition) {
      finding.condition = condition;
      const factory =
        (movesToCallers ?? MOVES_TO_CALLERS.has(category))
          ? factoryOf(ctx, node, category, condition.exports)
          : undefined;
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
  unsure?: true;
}

export function relatedSpans(
  ctx: FileContext,
  sites: readonly Site[],
  message = WRITTEN_AT_REQUEST_TIME,
): RelatedSpan[] {
  return sites.map(({ node, condition, unsure }) => ({
    start: node.getStart(ctx.sourceFile),
    end: node.getEnd(),
    message,
    ...(condition && ctx.crossFile ? { condition } : {}),
    ...(unsure ? { unsure } : {}),
  }));
}

/** Categories whose store or timer belongs to whoever calls the function that creates it. */
const MOVES_TO_CALLERS: ReadonlySet<Category> = new Set([
  'process-cache',
  'memory-session',
  'memory-rate-limit',
  'socket-registry',
  'in-process-scheduler',
  'process-lock',
]);

/**
 * The export that creates the store or starts the timer at `node` for its callers: the
 * function it is written in returns it (`return new LRUCache(…)`, `() => session({…})`), or, for
 * a timer, merely starts it; or a field or constructor of an exported class holds it.
 */
function factoryOf(
  ctx: FileContext,
  node: TS.Node,
  category: Category,
  exports: readonly string[],
): string | undefined {
  const ts = ctx.ts;
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
      return (
        (ts.isReturnStatement(up) ||
          (ts.isShorthandPropertyAssignment(up) && ts.isReturnStatement(outerWrapper(ts, up.parent).parent))) &&
        ctx.unitOf(up) === unit
      );
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
    const first = node.arguments[0];
    const plugin = first && skipOuter(ts, first);
    if (
      memberName(ts, skipOuter(ts, node.expression)) === 'register' &&
      first &&
      plugin &&
      !ts.isObjectLiteralExpression(plugin)
    ) {
      return code(`${text(node.expression)}(${text(first)}, …)`);
    }
    return code(`${text(node.expression)}(…)`);
  }
  return code(node.getText(ctx.sourceFile));
}
