import { type ReporterOptions, type ScanResult, SKIP_KINDS, type SkipKind } from '../types.js';

// Helpers the reporters share: making text from files safe to print, counting words, the summary line.

/**
 * Strips terminal control sequences so file contents cannot drive the terminal, and the
 * bidirectional overrides that make text display in another order than it runs ("Trojan
 * Source"). Tabs and line feeds stay.
 */
export function sanitize(text: string): string {
  return text.replace(
    /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    '',
  );
}

/** A message on one line: sanitized, line breaks as spaces, so it cannot fake a line of the report. */
export function oneLine(text: string): string {
  return sanitize(text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' '));
}

/** Columns when the output is not a terminal, or its width is unknown. */
export const DEFAULT_WIDTH = 100;

/**
 * Breaks `text` (one line, no control characters) into lines of at most `width` columns at
 * spaces, never inside a word: a word longer than the line (a URL, a long name) gets a line of
 * its own. `first` columns of the first line are already taken by what precedes it.
 */
export function wrap(text: string, width: number, first = 0): string[] {
  const lines: string[] = [];
  let line = '';
  let room = width - first;
  for (const word of text.split(' ')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= room) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
      room = width;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * A file name as the terminal shows it: control and bidi characters as escapes (`\n`, `\x1b`,
 * `\u202e`), so the name cannot drive the terminal or fake a line, and can still be found.
 */
export function printableName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = c.charCodeAt(0);
    return (
      named[c] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

/** `1 file`, `2 files`; `plural(n, 'entry', 'entries')`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

// GitHub Actions runners read every line a step prints, stdout and stderr, for workflow
// commands: `::name …::data` at the start of a line (after white space), and the older
// `##[name …]data` anywhere in a line. Text that came from a scanned or configuration file must
// not be able to start one (`::add-mask::`, `::stop-commands::` would hide every later
// annotation).

/**
 * Neutralises workflow commands in text for people: `::` at the start of a line becomes
 * `\x3a:`, `##[` becomes `#\x23[`, both visible escapes like those of `printableName`.
 */
export function guardCommands(text: string): string {
  return text.replace(/^((?:\s|\u001b\[[0-9;]*m)*):(?=:)/gm, '$1\\x3a').replace(/##\[/g, '#\\x23[');
}

/** A clause as a sentence: capital first letter, one final period. */
export function sentence(text: string): string {
  const trimmed = text.trim().replace(/[.\s]+$/, '');
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

/** The one-line summary, also printed on the terminal when a report goes to a file. */
export function summaryLine(result: ScanResult, options: ReporterOptions): string {
  const c = options.colors;
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const scanned = `${plural(result.summary.files, 'file')} scanned in ${result.summary.durationMs} ms`;
  let skipped =
    result.outOfScope.length > 0
      ? `, ${plural(result.outOfScope.length, 'named file')} outside the server-code scope skipped`
      : '';
  if (result.skipped.length > 0) skipped += `; ${skippedCounts(result)}`;
  if (result.baseline) {
    skipped += `; ${plural(result.baseline.suppressed, 'known finding')} suppressed by ${printableName(result.baseline.file)}`;
    if (result.baseline.stale > 0)
      skipped += `, ${plural(result.baseline.stale, 'baseline entry', 'baseline entries')} no longer found (prune with --update-baseline)`;
  }
  const scope = scopeLine(result);
  const second = scope === undefined ? '' : `\n${c.dim(scope)}`;
  if (result.findings.length === 0)
    return guardCommands(`${c.green('✔')} no process-bound state found (${scanned}${skipped})${second}`);
  const counts = `${plural(result.findings.length, 'finding')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  return guardCommands(`${errors > 0 ? c.red('✖') : c.yellow('⚠')} ${c.bold(counts)} in ${scanned}${skipped}${second}`);
}

const CONTEXT_LABELS = [
  ['browser', 'browser'],
  ['cli', 'CLI'],
  ['test', 'tests'],
  ['tooling', 'tooling'],
  ['not-reached', 'not reached'],
] as const;

/**
 * How the run decided what is server code, and how many files it read as what:
 * `scope (1 entry point): 16 files read as server code, 2 as context (1 tests, 1 tooling)`.
 */
export function scopeLine(result: Pick<ScanResult, 'summary'>): string | undefined {
  const scope = result.summary.scope;
  if (!scope) return undefined;
  const how =
    scope.mode === 'entry-points' ? plural(scope.entryPoints, 'entry point') : 'no entry point found: path scope';
  const parts = CONTEXT_LABELS.flatMap(([kind, label]) =>
    scope.context[kind] > 0 ? [`${scope.context[kind]} ${label}`] : [],
  );
  const context = Object.values(scope.context).reduce((a, b) => a + b, 0);
  const skipped = scope.skipped > 0 ? `, ${scope.skipped} not analysed` : '';
  return `scope (${how}): ${plural(scope.server, 'file')} read as server code, ${context} as context${parts.length > 0 ? ` (${parts.join(', ')})` : ''}${skipped}`;
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
  const counts = SKIP_KINDS.flatMap((kind) =>
    result.summary.skipped[kind] ? [`${result.summary.skipped[kind]} ${SKIP_LABELS[kind]}`] : [],
  );
  return `${plural(result.skipped.length, 'file')} skipped (${counts.join(', ')})`;
}
