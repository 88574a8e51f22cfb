import type { JsonReport, ReporterOptions, ScanResult } from '../types.js';
import { reportJson } from './escape.js';

/** The JSON output contract, version 1 (docs/output-contract.md), as an object. */
export function jsonReport(result: ScanResult): JsonReport {
  return {
    version: 1,
    findings: result.findings,
    errors: result.errors,
    skipped: result.skipped,
    summary: result.baseline ? { ...result.summary, baseline: result.baseline } : result.summary,
  };
}

/** The JSON output contract, version 1 (docs/output-contract.md). */
export function json(result: ScanResult, _options: ReporterOptions): string {
  return reportJson(jsonReport(result));
}
