import { docsUrl, REPOSITORY_URL } from '../package.js';
import { type Finding, type ReporterOptions, type ScanResult, UNUSED_DIRECTIVE } from '../types.js';
import { DEFAULT_WIDTH, guardCommands, oneLine, plural, printableName, sanitize, summaryLine, wrap } from './util.js';

const CONTEXT_LINES = 1;

/** On a very narrow terminal, messages still get this many columns. */
const MIN_MESSAGE_WIDTH = 40;

/** The page that documents a finding's rule. */
function ruleDocs(f: Finding): string {
  return f.category === UNUSED_DIRECTIVE
    ? `${REPOSITORY_URL}#suppressing-a-finding`
    : docsUrl(f.ruleId.replace(/^statecheck\//, ''));
}

/** Human output: findings grouped by file, each with a code frame and the packages to use instead. */
export function pretty(result: ScanResult, options: ReporterOptions): string {
  const c = options.colors;
  const width = options.width ?? DEFAULT_WIDTH;
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
      const at = `${f.line}:${f.column}`;
      // `  4:9  error  ` then the message, wrapped under its first word.
      const indent = 2 + at.length + 2 + 5 + 2;
      const [head = '', ...rest] = wrap(oneLine(f.message), Math.max(width - indent, MIN_MESSAGE_WIDTH));
      out.push(`  ${c.dim(at)}  ${severity}  ${head}`, ...rest.map((line) => `${' '.repeat(indent)}${line}`));
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
      out.push(`    ${c.dim(`${oneLine(f.ruleId)}: ${ruleDocs(f)}`)}`, '');
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
