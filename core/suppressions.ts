import { categoryOfRule } from './categories.js';
import { CATEGORIES, type Category, type CoreFinding, type TS, type TypeScript } from './types.js';

interface Directive {
  /** 1-based line the directive applies to; for blocks, the first line. */
  line: number;
  /** Last line (inclusive) for block directives. */
  endLine: number;
  /** Categories it names; undefined = all. */
  categories: Set<Category> | undefined;
  reason: Reason;
  source: 'statecheck' | 'eslint';
  /** The comment: where it starts and ends. */
  start: number;
  end: number;
  /** `statecheck-disable-next-line`, … as written. */
  kind: string;
}

/** A reason after `--`: given, missing, or still the placeholder an editor suggestion inserted. */
type Reason = 'given' | 'missing' | 'placeholder';

/** `TODO`, `TODO: say why…`, `FIXME …`: what a suppression suggestion inserts, or a note to come back. */
const PLACEHOLDER = /^(?:TODO|FIXME)\b/i;

function reasonOf(text: string): Reason {
  const reason = text.trim();
  if (reason.length === 0) return 'missing';
  return PLACEHOLDER.test(reason) ? 'placeholder' : 'given';
}

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

/** Where a directive may start: cheap to find, then confirmed against the file's real comments. */
const CANDIDATE = /(?:\/\/|\/\*)\s*(?:statecheck|eslint)-(?:disable|enable)/g;

/** A directive comment's text after `//` or inside `/* … *\/`. */
const DIRECTIVE = /^\s*(statecheck|eslint)-(disable-next-line|disable-line|disable|enable)\b([\s\S]*)$/;

/** The directive comments of a parsed file, found once for the detectors' pass and the cross-file summary. */
const found = new WeakMap<TS.SourceFile, readonly DirectiveComment[]>();

interface DirectiveComment {
  /** Offset of `//` or `/*`. */
  start: number;
  /** The text after `//` or inside `/* … *\/`. */
  body: string;
  /** Offset just past the comment. */
  end: number;
}

function directiveComments(ts: TypeScript, sourceFile: TS.SourceFile): readonly DirectiveComment[] {
  let comments = found.get(sourceFile);
  if (!comments) {
    const text = sourceFile.text;
    const candidates = [...text.matchAll(CANDIDATE)].map((m) => m.index);
    const real = candidates.length > 0 ? commentsAt(ts, sourceFile, candidates) : new Map<number, Comment>();
    comments = candidates.flatMap((start) => {
      const comment = real.get(start);
      if (!comment) return [];
      const block = comment.kind === ts.SyntaxKind.MultiLineCommentTrivia;
      const bodyEnd = block && text.startsWith('*/', comment.end - 2) ? comment.end - 2 : comment.end;
      return [{ start, body: text.slice(start + 2, bodyEnd), end: comment.end }];
    });
    found.set(sourceFile, comments);
  }
  return comments;
}

function parse(text: string, comments: readonly DirectiveComment[], honourEslint: boolean): Directive[] {
  const starts = lineStarts(text);
  const directives: Directive[] = [];
  const open: Directive[] = [];
  for (const comment of comments) {
    const match = DIRECTIVE.exec(comment.body);
    if (!match) continue;
    const source = match[1] === 'eslint' ? 'eslint' : 'statecheck';
    if (source === 'eslint' && !honourEslint) continue;
    const kind = match[2]!;
    const [list = '', ...reasonParts] = match[3]!.split(/\s--\s?|\s--$/);
    const reason = reasonOf(reasonParts.join('--'));
    const names = list.split(/[\s,]+/).filter(Boolean);
    let categories: Set<Category> | undefined;
    if (names.length > 0) {
      categories = new Set();
      for (const name of names) {
        if (source === 'eslint' && !name.startsWith('statecheck/')) continue;
        const category = categoryOfRule(name);
        if (category) categories.add(category);
      }
      // A directive that names only other plugins' rules is not about us.
      if (categories.size === 0) continue;
    }
    const line = lineOf(starts, comment.start);
    if (kind === 'enable') {
      for (const block of open.splice(0)) block.endLine = line;
      continue;
    }
    // As in ESLint: the line after the comment's last line.
    const target = kind === 'disable-next-line' ? lineOf(starts, comment.end - 1) + 1 : line;
    const directive: Directive = {
      line: target,
      endLine: kind === 'disable' ? Number.MAX_SAFE_INTEGER : target,
      categories,
      reason,
      source,
      start: comment.start,
      end: comment.end,
      kind,
    };
    directives.push(directive);
    if (kind === 'disable') open.push(directive);
  }
  return directives;
}

interface Comment {
  end: number;
  kind: TS.CommentKind;
}

/**
 * The comments that start at the given offsets (sorted), found through the syntax tree: an
 * offset inside a string, template, regular expression or JSX text is in a token, not a
 * comment. Each offset is looked up in the trivia before the node that holds it
 * (`getLeadingCommentRanges`/`getTrailingCommentRanges`), or, between a node's own punctuation
 * (`f(a, /* x *\/)`), by TypeScript's scanner over that stretch, which holds no literal.
 */
function commentsAt(ts: TypeScript, sourceFile: TS.SourceFile, offsets: readonly number[]): Map<number, Comment> {
  const text = sourceFile.text;
  const result = new Map<number, Comment>();
  const inTrivia = (pos: number, wanted: readonly number[]) => {
    for (const range of [
      ...(ts.getLeadingCommentRanges(text, pos) ?? []),
      ...(ts.getTrailingCommentRanges(text, pos) ?? []),
    ]) {
      if (wanted.includes(range.pos)) result.set(range.pos, { end: range.end, kind: range.kind });
    }
  };
  let scanner: TS.Scanner | undefined;
  const inGap = (from: number, wanted: readonly number[]) => {
    scanner ??= ts.createScanner(ts.ScriptTarget.Latest, false, sourceFile.languageVariant, text);
    scanner.setText(text, from, text.length - from);
    const last = wanted[wanted.length - 1]!;
    for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
      const end = scanner.getTextPos();
      const start = end - scanner.getTokenText().length;
      if (start > last) break;
      if (
        (kind === ts.SyntaxKind.SingleLineCommentTrivia || kind === ts.SyntaxKind.MultiLineCommentTrivia) &&
        wanted.includes(start)
      )
        result.set(start, { end, kind });
    }
  };
  const visit = (node: TS.Node, wanted: readonly number[]): void => {
    let from = 0;
    if (!ts.isSourceFile(node)) {
      from = node.getStart(sourceFile);
      const leading = wanted.filter((o) => o < from);
      if (leading.length > 0) inTrivia(node.pos, leading);
      wanted = wanted.filter((o) => o >= from);
      if (wanted.length === 0 || isTextToken(ts, node)) return;
    }
    let i = 0;
    ts.forEachChild(node, (child) => {
      const before: number[] = [];
      while (i < wanted.length && wanted[i]! < child.pos) before.push(wanted[i++]!);
      if (before.length > 0) inGap(from, before);
      const inside: number[] = [];
      while (i < wanted.length && wanted[i]! < child.end) inside.push(wanted[i++]!);
      if (inside.length > 0) visit(child, inside);
      from = Math.max(from, child.end);
      return i >= wanted.length ? true : undefined;
    });
    if (i < wanted.length) inGap(from, wanted.slice(i));
  };
  visit(sourceFile, offsets);
  return result;
}

/** Tokens whose text may hold `//` or `/*`: strings, templates, regular expressions, JSX text. */
function isTextToken(ts: TypeScript, node: TS.Node): boolean {
  return (
    ts.isStringLiteral(node) ||
    ts.isTemplateLiteralToken(node) ||
    ts.isRegularExpressionLiteral(node) ||
    ts.isJsxText(node)
  );
}

/**
 * What the suppression comments of a file say at a position: `statecheck-disable-next-line
 * <category|rule> -- reason`, `statecheck-disable-line`, block `statecheck-disable` /
 * `statecheck-enable`, and (when honoured) ESLint's own `eslint-disable*` comments for statecheck
 * rules. Only real comments count: the same text in a string, template, regular expression or
 * JSX text is not a directive.
 */
export interface Suppressions {
  /**
   * What the directives say about `category` at `offset`: it is silenced; only statecheck
   * directives without a reason (`ignored`) or whose reason is still a placeholder
   * (`placeholder`) name it, which silence nothing; or nothing.
   */
  at(offset: number, category: Category): 'silenced' | 'ignored' | 'placeholder' | undefined;
  /** The categories directives turn off at `offset`. */
  suppressedCategoriesAt(offset: number): Category[];
}

const NO_SUPPRESSIONS: Suppressions = { at: () => undefined, suppressedCategoriesAt: () => [] };

/** Whether a directive covers `category` on `line`. */
function covers(d: Directive, line: number, category: Category): boolean {
  return line >= d.line && line <= d.endLine && (d.categories === undefined || d.categories.has(category));
}

/** Reads the suppression comments of a file once, for questions about many positions. */
export function readSuppressions(ts: TypeScript, sourceFile: TS.SourceFile, honourEslint: boolean): Suppressions {
  const text = sourceFile.text;
  // Most files have no directive at all: one native search says so, before any walk.
  if (!text.includes('-disable')) return NO_SUPPRESSIONS;
  const directives = parse(text, directiveComments(ts, sourceFile), honourEslint);
  if (directives.length === 0) return NO_SUPPRESSIONS;
  const starts = lineStarts(text);
  const at = (offset: number, category: Category) => {
    const line = lineOf(starts, offset);
    const matching = directives.filter((d) => covers(d, line, category));
    if (matching.some((d) => d.source === 'eslint' || d.reason === 'given')) return 'silenced';
    if (matching.some((d) => d.reason === 'placeholder')) return 'placeholder';
    return matching.length > 0 ? 'ignored' : undefined;
  };
  return {
    at,
    suppressedCategoriesAt: (offset) => CATEGORIES.filter((category) => at(offset, category) === 'silenced'),
  };
}

/**
 * Drops the findings that suppression comments silence (see `Suppressions`). A statecheck
 * comment without a reason silences nothing; the finding says so.
 */
export function applySuppressions(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  findings: CoreFinding[],
  honourEslint: boolean,
): CoreFinding[] {
  if (findings.length === 0) return findings;
  const suppressions = readSuppressions(ts, sourceFile, honourEslint);
  if (suppressions === NO_SUPPRESSIONS) return findings;
  const kept: CoreFinding[] = [];
  for (const finding of findings) {
    const said = suppressions.at(finding.start, finding.category);
    if (said === 'silenced') continue;
    if (said === 'ignored') {
      kept.push({
        ...finding,
        message: `${finding.message} (The statecheck-disable comment for this line is ignored: give a reason after \`--\`.)`,
      });
    } else if (said === 'placeholder') {
      kept.push({
        ...finding,
        message: `${finding.message} (The statecheck-disable comment for this line is ignored: its reason is still a placeholder (\`TODO\`, \`FIXME\`); say why this state is safe per instance.)`,
      });
    } else {
      kept.push(finding);
    }
  }
  return kept;
}

/** A `statecheck-disable` comment that silenced nothing: where it is, and what it names. */
export interface UnusedDirective {
  start: number;
  end: number;
  /** `statecheck-disable-next-line process-cache`, as the report names it. */
  directive: string;
}

/**
 * The statecheck directives (not ESLint's: ESLint reports its own) that cover none of `findings`
 * (the file's findings before suppression) and none of the `kept` offsets (declarations and calls
 * whose findings the cross-file link may make: counted as used, since this pass cannot tell).
 */
export function unusedDirectives(
  ts: TypeScript,
  sourceFile: TS.SourceFile,
  findings: readonly CoreFinding[],
  kept: readonly number[],
): UnusedDirective[] {
  const text = sourceFile.text;
  if (!text.includes('statecheck-disable')) return [];
  const directives = parse(text, directiveComments(ts, sourceFile), false);
  if (directives.length === 0) return [];
  const starts = lineStarts(text);
  const findingLines = findings.map((f) => ({ line: lineOf(starts, f.start), category: f.category }));
  const keptLines = kept.map((offset) => lineOf(starts, offset));
  return directives
    .filter(
      (d) =>
        !findingLines.some((f) => covers(d, f.line, f.category)) &&
        !keptLines.some((line) => line >= d.line && line <= d.endLine),
    )
    .map((d) => ({
      start: d.start,
      end: d.end,
      directive: `statecheck-${d.kind}${d.categories ? ` ${[...d.categories].join(', ')}` : ''}`,
    }));
}
