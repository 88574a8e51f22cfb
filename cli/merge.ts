import { stripBom } from './files.js';
import { reportJson } from './reporters/escape.js';
import { array, isRecord, number, object, oneOf, optional, string } from './shape.js';
import { UsageError } from './errors.js';
import { compareFindings, countSkipped } from './scan.js';
import type { ScopeSummary, SkippedFile } from './types.js';

interface JsonReport {
  version: 1;
  findings: { file: string; line: number; column: number; ruleId: string; severity: string }[];
  errors: { file: string; message: string }[];
  skipped?: SkippedFile[];
  summary: {
    files: number;
    findings: number;
    errors: number;
    skipped?: Partial<Record<SkippedFile['kind'], number>>;
    scope?: ScopeSummary;
    durationMs: number;
  };
}

interface SarifLog {
  version: string;
  runs: {
    results?: {
      level?: string;
      locations?: {
        physicalLocation?: {
          artifactLocation?: { uri?: string };
          region?: { startLine?: number; startColumn?: number };
        };
      }[];
    }[];
    invocations?: { toolExecutionNotifications?: unknown[] }[];
  }[];
}

/**
 * Combines shard reports of one format into one: JSON reports per the output contract
 * (findings re-sorted, summaries added), or SARIF logs (results of every run in the first run).
 */
export function mergeReports(reports: readonly { file: string; text: string }[]): { text: string; failing: boolean } {
  const parsed = reports.map(({ file, text }) => {
    try {
      return { file, value: JSON.parse(stripBom(text)) as unknown };
    } catch {
      throw new UsageError(
        `merge: ${file} is not JSON`,
        'merge takes reports written with --format json or --format sarif',
      );
    }
  });
  const version = (v: unknown) => (isRecord(v) ? v.version : undefined);
  const kinds = new Set(
    parsed.map((p) => (version(p.value) === 1 ? 'json' : version(p.value) === '2.1.0' ? 'sarif' : 'other')),
  );
  if (kinds.size !== 1 || kinds.has('other')) {
    throw new UsageError(
      'merge: reports must all be statecheck JSON (version 1) or all SARIF 2.1.0',
      'write each shard with the same --format',
    );
  }
  const check = kinds.has('json') ? jsonReport : sarifLog;
  for (const { file, value } of parsed) {
    const problem = check(value, '');
    if (problem)
      throw new UsageError(
        `merge: ${file}: not a statecheck ${kinds.has('json') ? 'JSON report' : 'SARIF log'}: ${problem}`,
        'merge takes reports written by statecheck with --format json or --format sarif',
      );
  }
  if (kinds.has('json')) {
    const values = parsed.map((p) => p.value as JsonReport);
    const findings = values.flatMap((v) => v.findings);
    findings.sort(compareFindings);
    const errors = values.flatMap((v) => v.errors);
    errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const skipped = values.flatMap((v) => v.skipped ?? []);
    skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const sum = (key: 'files' | 'durationMs') => values.reduce((total, v) => total + (v.summary?.[key] ?? 0), 0);
    const merged: JsonReport = {
      version: 1,
      findings,
      errors,
      skipped,
      summary: {
        files: sum('files'),
        findings: findings.length,
        errors: errors.length,
        skipped: countSkipped(skipped),
        // Every shard reads the whole program: the scope is the same in each.
        ...(values[0]?.summary?.scope ? { scope: values[0].summary.scope } : {}),
        durationMs: sum('durationMs'),
      },
    };
    return { text: reportJson(merged), failing: findings.some((f) => f.severity === 'error') };
  }
  const [first, ...rest] = parsed.map((p) => p.value as SarifLog);
  const run = first!.runs[0]!;
  run.results = [...(run.results ?? []), ...rest.flatMap((log) => log.runs.flatMap((r) => r.results ?? []))];
  const key = (r: NonNullable<typeof run.results>[number]) => {
    const location = r.locations?.[0]?.physicalLocation;
    return `${location?.artifactLocation?.uri ?? ''}\0${String(location?.region?.startLine ?? 0).padStart(9, '0')}\0${String(location?.region?.startColumn ?? 0).padStart(9, '0')}`;
  };
  run.results.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const notifications = rest.flatMap((log) =>
    log.runs.flatMap((r) => r.invocations?.[0]?.toolExecutionNotifications ?? []),
  );
  if (run.invocations?.[0] && notifications.length > 0) {
    run.invocations[0].toolExecutionNotifications = [
      ...(run.invocations[0].toolExecutionNotifications ?? []),
      ...notifications,
    ];
  }
  return { text: reportJson(first), failing: run.results.some((r) => r.level === 'error') };
}

/** What merging reads of a statecheck JSON report (the output contract), checked before use. */
const jsonReport = object({
  findings: array(object({ file: string, line: number, column: number, ruleId: string, severity: string })),
  errors: array(object({ file: string, message: string })),
  skipped: optional(array(object({ file: string, kind: string, reason: string }))),
  summary: optional(
    object({
      files: optional(number),
      durationMs: optional(number),
      scope: optional(
        object({
          mode: oneOf(['entry-points', 'path-scope']),
          entryPoints: number,
          server: number,
          skipped: number,
          context: object({ browser: number, cli: number, test: number, tooling: number, 'not-reached': number }),
        }),
      ),
    }),
  ),
});

/** What merging reads of a SARIF log. */
const sarifRun = object({
  results: optional(
    array(
      object({
        level: optional(string),
        locations: optional(
          array(
            object({
              physicalLocation: optional(
                object({
                  artifactLocation: optional(object({ uri: optional(string) })),
                  region: optional(object({ startLine: optional(number), startColumn: optional(number) })),
                }),
              ),
            }),
          ),
        ),
      }),
    ),
  ),
  invocations: optional(array(object({ toolExecutionNotifications: optional(array(object({}))) }))),
});

const sarifLog = object({
  runs: (value, at) =>
    array(sarifRun)(value, at) ??
    (Array.isArray(value) && value.length === 0 ? `${at}: expected at least one run` : undefined),
});
