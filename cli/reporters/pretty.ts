import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding, ScanResult } from '../scan.js';
import type { ReporterOptions } from './index.js';

const CONTEXT_LINES = 1;

/** Strips terminal control sequences so file contents cannot drive the terminal. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Human output: findings grouped by file, each with a code frame and the packages to use instead. */
export function pretty(result: ScanResult, options: ReporterOptions): string {
  const c = options.colors;
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
  }
  for (const [file, findings] of byFile) {
    out.push(c.underline(sanitize(file)));
    const lines = readLines(resolve(options.cwd, file));
    for (const f of findings) {
      const severity = f.severity === 'error' ? c.red('error') : c.yellow('warn ');
      out.push(`  ${c.dim(`${f.line}:${f.column}`)}  ${severity}  ${sanitize(f.message)}  ${c.dim(f.ruleId)}`);
      if (lines) out.push(...frame(lines, f, c));
      if (f.suggestion.packages.length > 0) out.push(`    ${c.green('→')} ${c.dim('use:')} ${f.suggestion.packages.join(', ')}`);
      for (const related of f.related.slice(0, 5)) {
        const where = related.file === f.file ? `line ${related.line}:${related.column}` : `${sanitize(related.file)}:${related.line}:${related.column}`;
        out.push(`    ${c.dim(`${sanitize(related.message)}: ${where}`)}`);
      }
      if (f.related.length > 5) out.push(`    ${c.dim(`… and ${f.related.length - 5} more`)}`);
      out.push('');
    }
  }
  if (result.errors.length > 0) {
    out.push(c.yellow(`statecheck could not fully analyse ${plural(result.errors.length, 'file')}:`));
    for (const e of result.errors) out.push(`  ${sanitize(e.file)}: ${sanitize(e.message)}`);
    out.push('');
  }
  out.push(summaryLine(result, options));
  return `${out.join('\n')}\n`;
}

/** The one-line summary, also printed on the terminal when a report goes to a file. */
export function summaryLine(result: ScanResult, options: ReporterOptions): string {
  const c = options.colors;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const scanned = `${plural(result.summary.files, 'file')} scanned in ${result.summary.durationMs} ms`;
  let skipped = result.skipped.length > 0 ? `, ${plural(result.skipped.length, 'named file')} outside the server-code scope skipped` : '';
  if (result.baseline) {
    skipped += `; ${plural(result.baseline.suppressed, 'known finding')} suppressed by ${result.baseline.file}`;
    if (result.baseline.stale > 0) skipped += `, ${plural(result.baseline.stale, 'baseline entry', 'baseline entries')} no longer found (prune with --update-baseline)`;
  }
  if (result.findings.length === 0) return `${c.green('✔')} no process-bound state found (${scanned}${skipped})`;
  const counts = `${plural(result.findings.length, 'finding')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  return `${errors > 0 ? c.red('✖') : c.yellow('⚠')} ${c.bold(counts)} in ${scanned}${skipped}`;
}

function readLines(path: string): string[] | undefined {
  try {
    return readFileSync(path, 'utf8').split(/\r\n|\r|\n/);
  } catch {
    return undefined;
  }
}

function frame(lines: readonly string[], f: Finding, c: ReporterOptions['colors']): string[] {
  const first = Math.max(1, f.line - CONTEXT_LINES);
  const last = Math.min(lines.length, f.line + CONTEXT_LINES);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = sanitize((lines[n - 1] ?? '').replace(/\t/g, '  ')).slice(0, 160);
    const gutter = `${n === f.line ? c.red('>') : ' '} ${String(n).padStart(width)} │`;
    out.push(`    ${n === f.line ? gutter : c.dim(gutter)} ${text}`);
    if (n === f.line) {
      const source = lines[n - 1] ?? '';
      const prefix = source.slice(0, f.column - 1).replace(/\t/g, '  ');
      const length = f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : Math.max(1, source.length - f.column + 1);
      out.push(`    ${c.dim(`  ${' '.repeat(width)} │`)} ${' '.repeat(prefix.length)}${c.red('^'.repeat(Math.min(length, 80)))}`);
    }
  }
  return out;
}
