import { resolve } from 'node:path';
import { lineStarts } from '../../core/index.js';
import { readRegularFile } from '../files.js';
import { decodeSource } from '../source.js';
import { type Finding, type ReporterOptions, type ScanResult, SKIP_KINDS, type SkipKind } from '../types.js';
import { guardCommands } from './escape.js';

const CONTEXT_LINES = 1;

/**
 * Strips terminal control sequences so file contents cannot drive the terminal, and the
 * bidirectional overrides that make text display in another order than it runs ("Trojan
 * Source"). Tabs and line feeds stay.
 */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '');
}

/** A message on one line: sanitized, line breaks as spaces, so it cannot fake a line of the report. */
function oneLine(text: string): string {
  return sanitize(text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' '));
}

/**
 * A file name as the terminal shows it: control and bidi characters as escapes (`\n`, `\x1b`,
 * `\u202e`), so the name cannot drive the terminal or fake a line, and can still be found.
 */
export function printableName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = c.charCodeAt(0);
    return named[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
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
    out.push(c.underline(printableName(file)));
    const lines = readLines(resolve(options.cwd, file));
    for (const f of findings) {
      const severity = f.severity === 'error' ? c.red('error') : c.yellow('warn ');
      out.push(`  ${c.dim(`${f.line}:${f.column}`)}  ${severity}  ${oneLine(f.message)}  ${c.dim(oneLine(f.ruleId))}`);
      if (lines) out.push(...frame(lines, f, c));
      if (f.suggestion.packages.length > 0) out.push(`    ${c.green('→')} ${c.dim('use:')} ${oneLine(f.suggestion.packages.join(', '))}`);
      for (const related of f.related.slice(0, 5)) {
        const where = related.file === f.file ? `line ${related.line}:${related.column}` : `${printableName(related.file)}:${related.line}:${related.column}`;
        out.push(`    ${c.dim(`${oneLine(related.message)}: ${where}`)}`);
      }
      if (f.related.length > 5) out.push(`    ${c.dim(`… and ${f.related.length - 5} more`)}`);
      out.push('');
    }
  }
  if (result.errors.length > 0) {
    out.push(c.yellow(`statecheck could not fully analyse ${plural(new Set(result.errors.map((e) => e.file)).size, 'file')}:`));
    // A message has several lines only with --debug (a stack): they are indented under it.
    for (const e of result.errors) out.push(`  ${printableName(e.file)}: ${sanitize(e.message.replace(/\r\n|[\r\u2028\u2029]/g, '\n')).replace(/\n/g, '\n    ')}`);
    out.push('');
  }
  out.push(summaryLine(result, options));
  // Names are escaped and messages sanitized above; what is left that a CI runner would read as
  // a command (a root file named `::error::x.js`, `##[` in a message) is neutralised here.
  return `${guardCommands(out.join('\n'))}\n`;
}

/** The one-line summary, also printed on the terminal when a report goes to a file. */
export function summaryLine(result: ScanResult, options: ReporterOptions): string {
  const c = options.colors;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const scanned = `${plural(result.summary.files, 'file')} scanned in ${result.summary.durationMs} ms`;
  let skipped = result.outOfScope.length > 0 ? `, ${plural(result.outOfScope.length, 'named file')} outside the server-code scope skipped` : '';
  if (result.skipped.length > 0) skipped += `; ${skippedCounts(result)}`;
  if (result.baseline) {
    skipped += `; ${plural(result.baseline.suppressed, 'known finding')} suppressed by ${printableName(result.baseline.file)}`;
    if (result.baseline.stale > 0) skipped += `, ${plural(result.baseline.stale, 'baseline entry', 'baseline entries')} no longer found (prune with --update-baseline)`;
  }
  if (result.findings.length === 0) return guardCommands(`${c.green('✔')} no process-bound state found (${scanned}${skipped})`);
  const counts = `${plural(result.findings.length, 'finding')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  return guardCommands(`${errors > 0 ? c.red('✖') : c.yellow('⚠')} ${c.bold(counts)} in ${scanned}${skipped}`);
}

const SKIP_LABELS: Record<SkipKind, string> = {
  generated: 'generated',
  minified: 'minified',
  'too-large': 'too large',
  binary: 'binary',
  'not-regular': 'not a regular file',
  flow: 'Flow',
};

/** `3 files skipped (2 generated, 1 minified)`: the files not analysed on purpose, by reason. */
export function skippedCounts(result: Pick<ScanResult, 'skipped' | 'summary'>): string {
  const counts = SKIP_KINDS.flatMap((kind) => (result.summary.skipped[kind] ? [`${result.summary.skipped[kind]} ${SKIP_LABELS[kind]}`] : []));
  return `${plural(result.skipped.length, 'file')} skipped (${counts.join(', ')})`;
}

/**
 * The lines of a file as the analysis saw them, for code frames: the same decoding (BOM, UTF-16)
 * and the same line ends (LF, CR, CRLF, U+2028, U+2029: JavaScript's, as ESLint counts them).
 */
function readLines(path: string): string[] | undefined {
  const read = readRegularFile(path, 64 * 1024 * 1024);
  if (!('bytes' in read)) return undefined;
  const decoded = decodeSource(read.bytes);
  if (!('text' in decoded)) return undefined;
  const text = decoded.text;
  const starts = lineStarts(text);
  return starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length).replace(/(?:\r\n|[\r\n\u2028\u2029])$/, ''));
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
      const prefix = sanitize(source.slice(0, f.column - 1).replace(/\t/g, '  '));
      const length = f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : Math.max(1, source.length - f.column + 1);
      out.push(`    ${c.dim(`  ${' '.repeat(width)} │`)} ${' '.repeat(prefix.length)}${c.red('^'.repeat(Math.min(length, 80)))}`);
    }
  }
  return out;
}
