import { reportJson } from './reporters/escape.js';
import { compareFindings, countSkipped, type SkippedFile, UsageError } from './scan.js';

interface JsonReport {
  version: 1;
  findings: { file: string; line: number; column: number; ruleId: string; severity: string }[];
  errors: { file: string; message: string }[];
  skipped?: SkippedFile[];
  summary: { files: number; findings: number; errors: number; skipped?: Partial<Record<SkippedFile['kind'], number>>; durationMs: number };
}

interface SarifLog {
  version: string;
  runs: { results?: { level?: string; locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number; startColumn?: number } } }[] }[]; invocations?: { toolExecutionNotifications?: unknown[] }[] }[];
}

/**
 * Combines shard reports of one format into one: JSON reports per the output contract
 * (findings re-sorted, summaries added), or SARIF logs (results of every run in the first run).
 */
export function mergeReports(reports: readonly { file: string; text: string }[]): { text: string; failing: boolean } {
  const parsed = reports.map(({ file, text }) => {
    try {
      return { file, value: JSON.parse(text) as unknown };
    } catch {
      throw new UsageError(`merge: ${file} is not JSON`, 'merge takes reports written with --format json or --format sarif');
    }
  });
  const isSarif = (v: unknown): v is SarifLog => typeof v === 'object' && v !== null && (v as SarifLog).version === '2.1.0' && Array.isArray((v as SarifLog).runs);
  const isJson = (v: unknown): v is JsonReport => typeof v === 'object' && v !== null && (v as JsonReport).version === 1 && Array.isArray((v as JsonReport).findings);
  if (parsed.every((p) => isJson(p.value))) {
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
      summary: { files: sum('files'), findings: findings.length, errors: errors.length, skipped: countSkipped(skipped), durationMs: sum('durationMs') },
    };
    return { text: reportJson(merged), failing: findings.some((f) => f.severity === 'error') };
  }
  if (parsed.every((p) => isSarif(p.value))) {
    const logs = parsed.map((p) => p.value as SarifLog);
    const [first, ...rest] = logs;
    const run = first!.runs[0]!;
    run.results = [...(run.results ?? []), ...rest.flatMap((log) => log.runs.flatMap((r) => r.results ?? []))];
    const key = (r: NonNullable<typeof run.results>[number]) => {
      const location = r.locations?.[0]?.physicalLocation;
      return `${location?.artifactLocation?.uri ?? ''}\0${String(location?.region?.startLine ?? 0).padStart(9, '0')}\0${String(location?.region?.startColumn ?? 0).padStart(9, '0')}`;
    };
    run.results.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const notifications = rest.flatMap((log) => log.runs.flatMap((r) => r.invocations?.[0]?.toolExecutionNotifications ?? []));
    if (run.invocations?.[0] && notifications.length > 0) {
      run.invocations[0].toolExecutionNotifications = [...(run.invocations[0].toolExecutionNotifications ?? []), ...notifications];
    }
    return { text: reportJson(first), failing: run.results.some((r) => r.level === 'error') };
  }
  throw new UsageError('merge: reports must all be statecheck JSON (version 1) or all SARIF 2.1.0', 'write each shard with the same --format');
}
