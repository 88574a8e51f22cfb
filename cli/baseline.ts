import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readOwnFile } from './files.js';
import type { Finding } from './scan.js';
import { UsageError } from './scan.js';

export const BASELINE_FILE = 'statecheck-baseline.json';

/** One known finding. `file` and `line` help a reader; matching uses rule and fingerprint only. */
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
  /** Baseline entries no longer found (fixed or changed): prune with --update-baseline. */
  stale: number;
}

/**
 * Matches by rule and fingerprint, not by position: the fingerprint hashes the finding's
 * code line and subject, so edits above a finding and file moves that keep the code still match.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): BaselineOutcome {
  const known = new Map<string, number>();
  for (const entry of baseline.findings) {
    const key = `${entry.ruleId}\0${entry.fingerprint}`;
    known.set(key, (known.get(key) ?? 0) + 1);
  }
  const fresh: Finding[] = [];
  let suppressed = 0;
  for (const finding of findings) {
    const key = `${finding.ruleId}\0${finding.fingerprint}`;
    const left = known.get(key) ?? 0;
    if (left > 0) {
      known.set(key, left - 1);
      suppressed++;
    } else {
      fresh.push(finding);
    }
  }
  let stale = 0;
  for (const left of known.values()) stale += left;
  return { fresh, suppressed, stale };
}

export function readBaseline(cwd: string, file: string): Baseline {
  const path = resolve(cwd, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readOwnFile(path));
  } catch (error) {
    throw new UsageError(`${file}: cannot read the baseline: ${error instanceof Error ? error.message : String(error)}`, 'regenerate it with `statecheck --update-baseline`');
  }
  const value = parsed as Partial<Baseline>;
  if (
    !value ||
    value.version !== 1 ||
    !Array.isArray(value.findings) ||
    !value.findings.every((e) => e && typeof e.ruleId === 'string' && typeof e.fingerprint === 'string')
  ) {
    throw new UsageError(`${file}: not a statecheck baseline (version 1)`, 'regenerate it with `statecheck --update-baseline`');
  }
  return value as Baseline;
}

export function baselineExists(cwd: string, file: string): boolean {
  return existsSync(resolve(cwd, file));
}

/** Writes every current finding as known; deterministic order so the file diffs cleanly. */
export function writeBaseline(cwd: string, file: string, findings: readonly Finding[]): void {
  const baseline: Baseline = {
    version: 1,
    findings: findings.map((f) => ({ ruleId: f.ruleId, fingerprint: f.fingerprint, file: f.file, line: f.line })),
  };
  const target = resolve(cwd, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(baseline, null, 2)}\n`);
}
