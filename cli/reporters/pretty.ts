import type { Finding, ReporterOptions, ScanResult } from '../types.js';
import { guardCommands, oneLine, plural, printableName, sanitize, summaryLine } from './util.js';

const CONTEXT_LINES = 1;

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
    const lines = result.sourceLines?.(file);
    for (const f of findings) {
      const severity = f.severity === 'error' ? c.red('error') : c.yellow('warn ');
      out.push(`  ${c.dim(`${f.line}:${f.column}`)}  ${severity}  ${oneLine(f.message)}  ${c.dim(oneLine(f.ruleId))}`);
      if (lines) out.push(...frame(lines, f, c));
      if (f.suggestion.packages.length > 0)
        out.push(`    ${c.green('→')} ${c.dim('use:')} ${oneLine(f.suggestion.packages.join(', '))}`);
      for (const related of f.related.slice(0, 5)) {
        const where =
          related.file === f.file
            ? `line ${related.line}:${related.column}`
            : `${printableName(related.file)}:${related.line}:${related.column}`;
        out.push(`    ${c.dim(`${oneLine(related.message)}: ${where}`)}`);
      }
      if (f.related.length > 5) out.push(`    ${c.dim(`… and ${f.related.length - 5} more`)}`);
      out.push('');
    }
  }
  if (result.errors.length > 0) {
    out.push(
      c.yellow(`statecheck could not fully analyse ${plural(new Set(result.errors.map((e) => e.file)).size, 'file')}:`),
    );
    // A message has several lines only with --debug (a stack): they are indented under it.
    for (const e of result.errors)
      out.push(
        `  ${printableName(e.file)}: ${sanitize(e.message.replace(/\r\n|[\r\u2028\u2029]/g, '\n')).replace(/\n/g, '\n    ')}`,
      );
    out.push('');
  }
  out.push(summaryLine(result, options));
  // Names are escaped and messages sanitized above; what is left that a CI runner would read as
  // a command (a root file named `::error::x.js`, `##[` in a message) is neutralised here.
  return `${guardCommands(out.join('\n'))}\n`;
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
      const length =
        f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : Math.max(1, source.length - f.column + 1);
      out.push(
        `    ${c.dim(`  ${' '.repeat(width)} │`)} ${' '.repeat(prefix.length)}${c.red('^'.repeat(Math.min(length, 80)))}`,
      );
    }
  }
  return out;
}
