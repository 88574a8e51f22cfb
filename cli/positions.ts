import { createHash } from 'node:crypto';
import type { CoreFinding, ModuleSummary } from '../core/index.js';
import { lineOf, lineStarts, ruleIdOf } from '../core/index.js';
import type { ProgramFinding } from '../core/program/types.js';
import type { FileLines, FileResult, Finding, Located, RelatedLocation } from './types.js';

/**
 * What a file's result needs to turn its offsets into lines at the end of the run: the line and
 * column of every offset a finding can be reported at or point to (its findings and their
 * related locations; the state, class fields, writes, calls and constructions of its summary), and the text of
 * each line a finding can start on, for fingerprints. Absent when the file has nothing positioned.
 */
export function fileLines(
  text: string,
  findings: readonly CoreFinding[],
  summary?: ModuleSummary,
): FileLines | undefined {
  const starting = [
    ...findings.map((f) => f.start),
    ...(summary?.state.map((s) => s.start) ?? []),
    ...(summary?.classes.flatMap((c) => c.fields.map((f) => f.start)) ?? []),
    ...(summary?.uses.filter((u) => u.call !== undefined).map((u) => u.start) ?? []),
  ];
  const positioned = [
    ...starting,
    ...findings.flatMap((f) => [f.end, ...f.related.map((r) => r.start)]),
    ...(summary?.state.flatMap((s) => [s.end, ...s.writes.map((w) => w.start)]) ?? []),
    ...(summary?.classes.flatMap((c) => c.fields.flatMap((f) => [f.end, ...f.writes.map((w) => w.start)])) ?? []),
    ...(summary?.uses.filter((u) => u.call !== undefined || u.write).flatMap((u) => [u.start, u.end]) ?? []),
  ];
  if (positioned.length === 0) return undefined;
  const starts = lineStarts(text);
  const at: [number, number, number][] = [...new Set(positioned)]
    .sort((a, b) => a - b)
    .map((offset) => {
      const line = lineOf(starts, offset);
      return [offset, line, offset - starts[line - 1]! + 1];
    });
  const lines = new Set(starting.map((offset) => lineOf(starts, offset)));
  const texts: [number, string][] = [...lines]
    .sort((a, b) => a - b)
    .map((line) => [line, lineTextOf(text, starts, line)]);
  return { at, texts };
}

/** A line's text as fingerprints read it: trimmed, runs of white space as one space. */
export function lineTextOf(text: string, starts: readonly number[], line: number): string {
  return text
    .slice(starts[line - 1], starts[line] ?? text.length)
    .trim()
    .replace(/\s+/g, ' ');
}

/**
 * Turns the program's findings (offsets) into reported ones (lines, columns, fingerprints), once,
 * at the end of the run. Fingerprints number the findings of one base in a file: first those of
 * the file's own pass (all of them, as they came, so a finding the program drops does not shift
 * the others), then those the program made, as they come.
 */
export class Reported {
  private readonly texts = new Map<number, Map<number, string>>();
  private readonly places = new Map<number, Map<number, Located>>();
  private readonly own = new Map<number, string[]>();
  private readonly next = new Map<number, Map<string, number>>();

  constructor(
    private readonly files: readonly { file: string }[],
    private readonly results: readonly FileResult[],
  ) {}

  at(file: number, offset: number): Located {
    let places = this.places.get(file);
    if (!places) {
      places = new Map((this.results[file]?.lines?.at ?? []).map(([o, line, column]) => [o, { line, column }]));
      this.places.set(file, places);
    }
    // Every offset the program reports is one the file's result positioned.
    return places.get(offset) ?? { line: 1, column: offset + 1 };
  }

  /** `src/cache.ts:12`, for messages that name a place. */
  where(file: number, offset: number): string {
    return `${this.files[file]!.file}:${this.at(file, offset).line}`;
  }

  finding(f: ProgramFinding): Omit<Finding, 'severity' | 'confidence'> {
    const start = this.at(f.file, f.start);
    const end = this.at(f.file, f.end);
    const related: RelatedLocation[] = f.related.map((r) => ({
      file: this.files[r.file]!.file,
      ...this.at(r.file, r.start),
      message: r.message,
    }));
    return {
      ruleId: ruleIdOf(f.category),
      category: f.category,
      file: this.files[f.file]!.file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: f.message,
      suggestion: f.suggestion,
      related: sortRelated(related),
      fingerprint: f.own !== undefined ? this.ownFingerprints(f.file)[f.own]! : this.newFingerprint(f, start.line),
      subject: f.subject,
    };
  }

  private lineText(file: number, line: number): string {
    let texts = this.texts.get(file);
    if (!texts) {
      texts = new Map(this.results[file]?.lines?.texts ?? []);
      this.texts.set(file, texts);
    }
    return texts.get(line) ?? '';
  }

  private ownFingerprints(file: number): string[] {
    let known = this.own.get(file);
    if (known) return known;
    const counts = this.counts(file);
    known = (this.results[file]?.findings ?? []).map((f) => {
      const base = fingerprintBase(f.category, f.subject, this.lineText(file, this.at(file, f.start).line));
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      return `${base}:${n}`;
    });
    this.own.set(file, known);
    return known;
  }

  private newFingerprint(f: ProgramFinding, line: number): string {
    this.ownFingerprints(f.file);
    const counts = this.counts(f.file);
    const base = fingerprintBase(f.category, f.subject, this.lineText(f.file, line));
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return `${base}:${n}`;
  }

  private counts(file: number): Map<string, number> {
    let counts = this.next.get(file);
    if (!counts) {
      counts = new Map();
      this.next.set(file, counts);
    }
    return counts;
  }
}

/** The fingerprint leaves out the path and line: it survives edits above the finding and file moves. */
export function fingerprintBase(category: string, subject: string, lineText: string): string {
  return createHash('sha256').update(`${category}\0${subject}\0${lineText}`).digest('hex').slice(0, 24);
}

function sortRelated(related: RelatedLocation[]): RelatedLocation[] {
  return related.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column,
  );
}
