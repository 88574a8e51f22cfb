import { isAssignment, skipOuter } from '../ast.js';
import { CATEGORY_INFO } from '../categories.js';
import type { FileContext } from '../context.js';
import { code } from '../messages.js';
import { BACKGROUND, LOAD, REQUEST_TIME } from '../reach.js';
import type { CoreFinding, TS } from '../types.js';
import { valueSource } from '../values.js';
import type { Finder } from './detector.js';
import { makeFinding, relatedSpans, type Site } from './finding.js';

/**
 * A module variable a timer or cron job rotates with a value from the clock or randomness, read
 * at request time: `let salt = generate()` re-generated daily by a scheduled job and exported as
 * a getter. No request writes it, but each instance rotates its own: two replicas hash the same
 * visitor differently.
 */
export const rotatedValues: Finder = {
  mayMatch: (file) => file.declaresState,
  find: (ctx) => {
    const ts = ctx.ts;
    const findings: CoreFinding[] = [];
    for (const binding of ctx.binder.moduleScope().values()) {
      const decl = binding.declaration;
      if ((binding.kind !== 'let' && binding.kind !== 'var') || !ts.isVariableDeclaration(decl)) continue;
      const rotations: Site[] = [];
      const reads: Site[] = [];
      for (const ref of binding.references) {
        const parent = skipOuter(ts, ref).parent;
        if (ts.isBinaryExpression(parent) && parent.left === ref && isAssignment(ts, parent.operatorToken.kind)) {
          if (onlyInBackground(ctx, parent) && valueSource(ctx, parent.right, []) === 'varying')
            rotations.push({ node: parent });
          continue;
        }
        const when = ctx.when(ref, REQUEST_TIME);
        if (when.holds) reads.push({ node: ref, condition: when.condition });
      }
      if (rotations.length === 0 || reads.length === 0) continue;
      findings.push(
        makeFinding(ctx, {
          category: 'module-state',
          node: decl.name,
          what: `${code(binding.name)} is rotated by a timer with a value from the clock or randomness, and read at request time`,
          breaks: 'each instance rotates its own value, so replicas disagree on it',
          suggestion: CATEGORY_INFO['module-state'].suggestion,
          subject: binding.name,
          related: relatedSpans(ctx, rotations, 'rotated here on a timer'),
        }),
      );
    }
    return findings;
  },
};

/** Whether code runs only on a timer or schedule, never per request nor at load. */
function onlyInBackground(ctx: FileContext, node: TS.Node): boolean {
  return ctx.when(node, BACKGROUND).holds && !ctx.when(node, LOAD | REQUEST_TIME).holds;
}
