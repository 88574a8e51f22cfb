import { REQUEST_TIME } from '../reach.js';
import { doubtOf } from '../confidence.js';
import type { Condition, CoreFinding, Doubt } from '../types.js';
import { type Callers, type Contexts, exportKey } from './callers.js';
import type { Failures } from './failures.js';
import type { ProgramFile, ProgramFinding, ProgramLocation } from './types.js';

export const CALLED_AT_REQUEST_TIME = 'called here at request time';
export const CALLED_HERE = 'called here';

/** A store or timer an export creates for its callers: reported where they call it (phase: reporting). */
export interface Factory {
  file: number;
  /** Its index among the file's own findings. */
  own: number;
  finding: CoreFinding;
  /** The contexts its call sites must run in. */
  need: number;
}

export interface Settled {
  findings: ProgramFinding[];
  /** The creations of each factory export, by `exportKey` (one export may create several stores). */
  factories: Map<string, Factory[]>;
}

/** A finding of a file's own pass, reported where it is, with the related locations and doubt the program gives it. */
export function atCreation(
  file: number,
  own: number,
  finding: CoreFinding,
  related: ProgramLocation[],
  doubt: Doubt | undefined,
): ProgramFinding {
  const { category, subject, start, end, message, suggestion } = finding;
  return { file, category, subject, start, end, message, suggestion, related, ...(doubt ? { doubt } : {}), own };
}

/**
 * The findings of each file's own pass, settled (phase: settling): a condition on the callers
 * of the file's exports holds or not, a related location stays when its condition holds, a
 * write in a function other files call lists the calls that run at request time, and a store
 * created for callers becomes a factory. Findings of context files are settled (their
 * factories matter) but not returned.
 */
export function settleFindings(
  files: readonly ProgramFile[],
  callers: Callers,
  contexts: Contexts,
  failures: Failures,
): Settled {
  const findings: ProgramFinding[] = [];
  const factories = new Map<string, Factory[]>();
  files.forEach((f, i) => {
    const settled = failures.guard(i, [], () => {
      const mine: ProgramFinding[] = [];
      f.findings.forEach((finding, own) => {
        const kept = finding.related.filter((r) => !r.condition || contexts.holds(i, r.condition));
        const related: ProgramLocation[] = kept.map((r) => ({ file: i, start: r.start, message: r.message }));
        const condition = finding.condition;
        if (condition === 'related' ? related.length === 0 : condition && !contexts.holds(i, condition)) return;
        const sure = (span: { unsure?: true; condition?: Condition | 'related' }): boolean =>
          !span.unsure && (typeof span.condition !== 'object' || contexts.sure(i, span.condition));
        const doubt = doubtOf(finding, sure(finding), kept.length > 0 ? kept.some(sure) : undefined);
        if (finding.factory !== undefined && typeof condition === 'object' && callers.of(i, finding.factory)) {
          const k = exportKey(i, finding.factory);
          const factory = { file: i, own, finding, need: condition.need };
          factories.set(k, [...(factories.get(k) ?? []), factory]);
          return;
        }
        if (typeof condition === 'object') {
          // A write in a function other files call: where those calls run at request time.
          for (const name of condition.exports) {
            for (const caller of callers.of(i, name) ?? []) {
              if (!(contexts.useContext(caller) & condition.need) || caller.use.call === undefined) continue;
              related.push({
                file: caller.file,
                start: caller.use.start,
                message: condition.need === REQUEST_TIME ? CALLED_AT_REQUEST_TIME : CALLED_HERE,
              });
            }
          }
        }
        if (f.context || finding.suppressed) return;
        mine.push(atCreation(i, own, finding, related, doubt));
      });
      return mine;
    });
    findings.push(...settled);
  });
  return { findings, factories };
}
