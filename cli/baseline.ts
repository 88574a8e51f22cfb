import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { isOutside, projectRoot, readOwnFile, realPath, toPosix, writeFileAtomic } from './files.js';
import { errorMessage, UsageError } from './errors.js';
import { display, shardOf } from './scan.js';
import type { Finding } from './types.js';

export const BASELINE_FILE = 'statecheck-baseline.json';

/**
 * One known finding. `file` (relative to the baseline's folder) and `line` help a reader and
 * say which run may update the entry; matching uses rule and fingerprint only.
 */
export interface BaselineEntry {
  ruleId: string;
  fingerprint: string;
  file: string;
  line: number;
}

export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

export interface BaselineOutcome {
  /** Findings not in the baseline: the ones to report. */
  fresh: Finding[];
  /** Known findings that were suppressed. */
  suppressed: number;
  /** Entries of files this run covers that no longer match (fixed or changed): prune with --update-baseline. */
  stale: number;
}

/** Which files a run looked at: a partial run (paths, `--changed`, `--since`, `--shard`) says nothing of the others. */
export interface RunExtent {
  cwd: string;
  /** Absolute paths the run was given (its working directory when none). */
  paths: readonly string[];
  /** `--changed` / `--since`: only these absolute paths. */
  only?: ReadonlySet<string>;
  shard?: { index: number; count: number };
}

/** Whether the run covers the file at the absolute path `file`: only its entries can be replaced or be stale. */
export function covers(extent: RunExtent, file: string): boolean {
  if (!extent.paths.some((path) => file === path || file.startsWith(path.endsWith(sep) ? path : path + sep)))
    return false;
  if (extent.only && !extent.only.has(file)) return false;
  return !extent.shard || shardOf(display(extent.cwd, file), extent.shard.count) === extent.shard.index - 1;
}

/** Whether the run covers every file below the baseline's folder (a broken baseline can then be replaced). */
export function coversAll(extent: RunExtent, baselinePath: string): boolean {
  return (
    !extent.only && !extent.shard && extent.paths.some((path) => !isOutside(relative(path, dirname(baselinePath))))
  );
}

/**
 * The baseline file: `--baseline <file>` as given (it may not exist yet), else the nearest
 * `statecheck-baseline.json` from the working directory upward, as the configuration is found.
 */
export function findBaseline(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, BASELINE_FILE))) return join(dir, BASELINE_FILE);
    if (dirname(dir) === dir) return undefined;
  }
}

/** How messages and the report name a baseline: relative to the working directory (`../statecheck-baseline.json`). */
export function baselineName(cwd: string, path: string): string {
  return toPosix(relative(cwd, path));
}

/**
 * Matches by rule and fingerprint, not by position: the fingerprint hashes the finding's
 * code line and subject, so edits above a finding and file moves that keep the code still match.
 * Only entries of files the run covers (`inside`) can be stale; they are matched first.
 */
export function applyBaseline(
  findings: readonly Finding[],
  baseline: Baseline,
  inside: (entry: BaselineEntry) => boolean,
): BaselineOutcome {
  const known = new Map<string, { inside: number; outside: number }>();
  for (const entry of baseline.findings) {
    const key = `${entry.ruleId}\0${entry.fingerprint}`;
    const count = known.get(key) ?? { inside: 0, outside: 0 };
    if (inside(entry)) count.inside++;
    else count.outside++;
    known.set(key, count);
  }
  const fresh: Finding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    const count = known.get(`${finding.ruleId}\0${finding.fingerprint}`);
    if (count && count.inside > 0) count.inside--;
    else if (count && count.outside > 0) count.outside--;
    else {
      fresh.push(finding);
      continue;
    }
    suppressed++;
  }
  let stale = 0;
  for (const count of known.values()) stale += count.inside;
  return { fresh, suppressed, stale };
}

/** Reads a baseline; `name` is how messages call it. Links out of the project are refused. */
export function readBaseline(cwd: string, path: string, name: string): Baseline {
  const hint = 'regenerate it with `statecheck --update-baseline`';
  const real = realPath(path, projectRoot(cwd));
  if (real === undefined)
    throw new UsageError(
      `${name}: not read: a symbolic link out of the project`,
      'replace the link with the file itself',
    );
  let text: string;
  try {
    text = readOwnFile(real);
  } catch (error) {
    throw new UsageError(`${name}: cannot read the baseline: ${errorMessage(error)}`, hint);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text: say what is wrong without it.
    throw new UsageError(`${name}: cannot read the baseline: not valid JSON`, hint);
  }
  const value = parsed as Partial<Baseline> | null;
  if (
    !value ||
    value.version !== 1 ||
    !Array.isArray(value.findings) ||
    !value.findings.every((e: unknown) => isEntryLike(e))
  ) {
    throw new UsageError(`${name}: not a statecheck baseline (version 1)`, hint);
  }
  return value as Baseline;
}

function isEntryLike(value: unknown): value is BaselineEntry {
  if (value === null || typeof value !== 'object') return false;
  const entry = value as Partial<BaselineEntry>;
  return (
    typeof entry.ruleId === 'string' &&
    typeof entry.fingerprint === 'string' &&
    (entry.file === undefined || typeof entry.file === 'string')
  );
}

/** The absolute path of a baseline entry's file (undefined: the entry names none). */
export function entryPath(baselinePath: string, entry: BaselineEntry): string | undefined {
  return typeof entry.file === 'string' ? resolve(dirname(baselinePath), entry.file) : undefined;
}

/**
 * Records this run's findings: entries of files the run covers are replaced by its findings,
 * the others are kept, so a partial run never drops what it did not look at. Sorted by file
 * and line so the file diffs cleanly. Returns how many entries were kept.
 */
export function writeBaseline(
  cwd: string,
  path: string,
  findings: readonly Finding[],
  previous: Baseline | undefined,
  extent: RunExtent,
): number {
  const real = realPath(path, projectRoot(cwd));
  if (real === undefined)
    throw new UsageError(
      `${baselineName(cwd, path)}: not written: a symbolic link out of the project`,
      'replace the link with the file itself',
    );
  const kept = (previous?.findings ?? []).filter((entry) => {
    const file = entryPath(path, entry);
    return file === undefined || !covers(extent, file);
  });
  const base = dirname(path);
  const recorded = findings.map((f): BaselineEntry => {
    const rel = relative(base, resolve(cwd, f.file));
    return {
      ruleId: f.ruleId,
      fingerprint: f.fingerprint,
      file: isOutside(rel) ? toPosix(resolve(cwd, f.file)) : toPosix(rel),
      line: f.line,
    };
  });
  // Stable: the findings' own order (line, column, rule) stays within a line.
  const entries = [...kept, ...recorded].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  const baseline: Baseline = {
    version: 1,
    findings: entries.map(({ ruleId, fingerprint, file, line }) => ({ ruleId, fingerprint, file, line })),
  };
  writeFileAtomic(real, `${JSON.stringify(baseline, null, 2)}\n`);
  return kept.length;
}
