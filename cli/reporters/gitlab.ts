import { createHash } from 'node:crypto';
import type { Finding, ReporterOptions, ScanError, ScanResult } from '../types.js';
import { reportJson } from './escape.js';

/** One issue of a GitLab Code Quality report (a subset of the Code Climate issue format). */
interface CodeQualityIssue {
  type: 'issue';
  check_name: string;
  description: string;
  categories: string[];
  severity: 'info' | 'minor' | 'major';
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

/**
 * GitLab Code Quality (`artifacts:reports:codequality`): a JSON array of issues, shown in the
 * merge request widget and its diff. Errors are `major`, warnings `minor`; files that could not
 * be analysed are `info` issues, so they do not go unseen. Each issue's fingerprint is unique in
 * the report and stable across commits (the finding's own fingerprint, not its line).
 */
export function gitlab(result: ScanResult, _options: ReporterOptions): string {
  const seen = new Map<string, number>();
  const unique = (key: string): string => {
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return createHash('sha256').update(`${key}\0${count}`).digest('hex').slice(0, 32);
  };
  const issues: CodeQualityIssue[] = [
    ...result.findings.map((f) => issue(f, unique(`${f.ruleId}\0${f.file}\0${f.fingerprint}`))),
    ...result.errors.map((e) => unreadable(e, unique(`error\0${e.file}\0${e.message}`))),
  ];
  return reportJson(issues);
}

function issue(f: Finding, fingerprint: string): CodeQualityIssue {
  return {
    type: 'issue',
    check_name: f.ruleId,
    description: f.message,
    categories: ['Bug Risk'],
    severity: f.severity === 'error' ? 'major' : 'minor',
    fingerprint,
    location: { path: f.file, lines: { begin: f.line, end: f.endLine } },
  };
}

function unreadable(e: ScanError, fingerprint: string): CodeQualityIssue {
  return {
    type: 'issue',
    check_name: 'statecheck/not-analysed',
    description: `statecheck could not fully analyse this file: ${e.message}`,
    categories: ['Bug Risk'],
    severity: 'info',
    fingerprint,
    location: { path: e.file, lines: { begin: 1, end: 1 } },
  };
}
