import { categoryOfRule } from './categories.js';
import type { Category, CoreFinding } from './types.js';

interface Directive {
  /** 1-based line the directive applies to; for blocks, the first line. */
  line: number;
  /** Last line (inclusive) for block directives. */
  endLine: number;
  /** Categories it names; undefined = all. */
  categories: Set<Category> | undefined;
  reason: boolean;
  source: 'statecheck' | 'eslint';
}

const DIRECTIVE = /(?:\/\/|\/\*)\s*(statecheck|eslint)-(disable-next-line|disable-line|disable|enable)\b([^\n]*?)(?:\*\/|$)/gm;

const OTHER_BREAKS = /[\r\u2028\u2029]/;

/** Start offsets of every line, for offset → line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  if (!OTHER_BREAKS.test(text)) {
    // Only LF: the native search is much faster than a loop over every character.
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // LF, CR not followed by LF, and the Unicode line and paragraph separators, as ESLint and TypeScript count them.
    if (c === 10 || c === 0x2028 || c === 0x2029) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/** 1-based line of an offset. */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function parse(text: string, honourEslint: boolean): Directive[] {
  const starts = lineStarts(text);
  const directives: Directive[] = [];
  const open: Directive[] = [];
  for (const match of text.matchAll(DIRECTIVE)) {
    const source = match[1] as 'statecheck' | 'eslint';
    if (source === 'eslint' && !honourEslint) continue;
    const kind = match[2]!;
    const [list = '', ...reasonParts] = match[3]!.split(/\s--\s?|\s--$/);
    const reason = reasonParts.join('--').trim().length > 0;
    const names = list.split(/[\s,]+/).filter(Boolean);
    let categories: Set<Category> | undefined;
    if (names.length > 0) {
      categories = new Set();
      for (const name of names) {
        if (source === 'eslint' && !name.startsWith('statecheck/')) continue;
        const category = categoryOfRule(name);
        if (category) categories.add(category);
      }
      // eslint-disable-line other/rule: not about us.
      if (categories.size === 0) continue;
    }
    const line = lineOf(starts, match.index);
    if (kind === 'enable') {
      for (const block of open.splice(0)) block.endLine = line;
      continue;
    }
    const target = kind === 'disable-next-line' ? line + 1 : line;
    const directive: Directive = { line: target, endLine: kind === 'disable' ? Number.MAX_SAFE_INTEGER : target, categories, reason, source };
    directives.push(directive);
    if (kind === 'disable') open.push(directive);
  }
  return directives;
}

/**
 * Drops findings silenced by `statecheck-disable-next-line <category|rule> -- reason`,
 * `statecheck-disable-line`, block `statecheck-disable`/`statecheck-enable`, and (when asked)
 * ESLint's own `eslint-disable*` comments for statecheck rules. A statecheck comment without a
 * reason silences nothing; the finding says so.
 */
export function applySuppressions(text: string, findings: CoreFinding[], honourEslint: boolean): CoreFinding[] {
  if (!text.includes('-disable')) return findings;
  const directives = parse(text, honourEslint);
  if (directives.length === 0) return findings;
  const starts = lineStarts(text);
  const kept: CoreFinding[] = [];
  for (const finding of findings) {
    const line = lineOf(starts, finding.start);
    const matching = directives.filter(
      (d) => line >= d.line && line <= d.endLine && (d.categories === undefined || d.categories.has(finding.category)),
    );
    if (matching.some((d) => d.source === 'eslint' || d.reason)) continue;
    if (matching.length > 0) {
      kept.push({ ...finding, message: `${finding.message} (The statecheck-disable comment for this line is ignored: give a reason after \`--\`.)` });
    } else {
      kept.push(finding);
    }
  }
  return kept;
}
