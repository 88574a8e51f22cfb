import { UNKNOWN } from './reach.js';
import type { Confidence, CoreFinding, Doubt } from './types.js';

// How sure a finding is: certain when what it rests on is in view, likely when it rests on
// callers or values statecheck cannot see (docs/output-contract.md).

/** Whether code that runs in `mask` meets `need` through contexts in view, not only through unknown callers. */
export function surelyIn(mask: number, need: number): boolean {
  return (mask & need & ~UNKNOWN) !== 0;
}

/**
 * A finding's doubt, given whether its node and any of its related spans hold through contexts
 * in view. Which of them counts is the finding's `evidence`; a finding whose evidence is its
 * related spans but that has none rests on its node.
 */
export function doubtOf(
  finding: Pick<CoreFinding, 'evidence' | 'doubt'>,
  nodeSure: boolean,
  relatedSure: boolean | undefined,
): Doubt | undefined {
  if (finding.doubt) return finding.doubt;
  if (finding.evidence === 'library') return undefined;
  const sure =
    finding.evidence === 'related' && relatedSure !== undefined
      ? relatedSure
      : finding.evidence === 'any'
        ? nodeSure || relatedSure === true
        : nodeSure;
  return sure ? undefined : 'callers';
}

/** The doubt of a finding of one file on its own (no program: the ESLint plugin, `--no-cross-file`). */
export function ownDoubt(finding: CoreFinding): Doubt | undefined {
  return doubtOf(
    finding,
    !finding.unsure,
    finding.related.length > 0 ? finding.related.some((r) => !r.unsure) : undefined,
  );
}

export function confidenceOf(doubt: Doubt | undefined): Confidence {
  return doubt === undefined ? 'certain' : 'likely';
}

const REASONS: Record<Doubt, string> = {
  callers:
    'whether it runs per request, or is shared, depends on callers statecheck cannot see (an export no project file calls, or a function handed to code it does not follow)',
  value: 'where its values come from is not in view, so they may be the same on every instance',
};

/** The message of a likely finding ends with what it rests on. */
export function withDoubt(message: string, doubt: Doubt | undefined): string {
  return doubt === undefined ? message : `${message} Likely, not certain: ${REASONS[doubt]}.`;
}
