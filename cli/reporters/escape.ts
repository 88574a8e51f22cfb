import { guardCommands, printableName, sanitize } from './util.js';

/**
 * Text from a file (a configuration key, a name, a parse error quoting the file) on one line of
 * the terminal or of a CI log: control, line-breaking and bidirectional characters as visible
 * escapes, workflow commands neutralised.
 */
export function terminalLine(text: string): string {
  return guardCommands(printableName(text));
}

/** Several lines (a stack trace): each line as `terminalLine` shows it. */
export function terminalLines(text: string): string {
  return text
    .split(/\r\n|\n/)
    .map(terminalLine)
    .join('\n');
}

/**
 * JSON for a report: the same value once parsed, with `#` of `##[` written `\u0023`, so the raw
 * text holds no workflow command when a CI step prints it. (Pretty-printed JSON never starts a
 * line with `::`: every string is indented and quoted.)
 */
export function reportJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/##\[/g, '#\\u0023[')}\n`;
}

// GitHub Actions workflow commands: `::name key=value,key=value::data`, one per line.
// The runner unescapes exactly these sequences (actions/runner ActionCommand.cs).

/** Escapes the data part of a workflow command: it can never end the line or start another command. */
export function commandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command: also `:` (it would end the properties) and `,`. */
export function commandProperty(text: string): string {
  return commandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// Markdown (CommonMark + GitHub tables). Text that comes from scanned code or paths goes
// through these helpers only; `cell` is true inside a table row, where `|` ends a cell even
// inside a code span unless it is written `\|`.

const NEWLINE = /\r\n|\r|\n/g;

/** Escapes prose: Markdown punctuation, `$` (GitHub math), HTML, pipes; line breaks become `<br>`. */
function escapeText(text: string): string {
  return sanitize(text.replace(NEWLINE, '\n'))
    .replace(/[\\`*_[\]|~$]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\n/g, '<br>');
}

/**
 * Prose with `@name` and `@scope/name` tokens (npm scopes, decorators) shown as code, so a
 * PR comment never mentions a user or a team.
 */
export function mdText(text: string, cell = false): string {
  const out: string[] = [];
  let last = 0;
  for (const match of text.matchAll(/(?<![\w@])@[\w-]+(?:\.[\w-]+)*(?:\/[\w-]+(?:\.[\w-]+)*)?/g)) {
    out.push(escapeText(text.slice(last, match.index)), mdCode(match[0], cell));
    last = match.index + match[0].length;
  }
  out.push(escapeText(text.slice(last)));
  return out.join('');
}

/**
 * Inline code that survives any content: a fence longer than the longest run of backticks
 * inside, padded when the content starts or ends with a backtick (`` `x`.ts `` stays one span).
 */
export function mdCode(text: string, cell = false): string {
  const flat = sanitize(text.replace(NEWLINE, ' '));
  if (flat === '') return '';
  // `a\|b` cannot be written as a code span in a table: `\\|` would end the cell there. Nor can
  // `##[` be escaped inside a code span: HTML code, where `\[` is an escape, holds both.
  if ((cell && /\\\|/.test(flat)) || flat.includes('##[')) return `<code>${escapeText(flat)}</code>`;
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^`|`$/.test(flat) || (/^ /.test(flat) && / $/.test(flat) && flat.trim() !== '') ? ' ' : '';
  const content = cell ? flat.replace(/\|/g, '\\|') : flat;
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A piece of a statecheck message: prose, or code the core quoted in backticks. */
interface Segment {
  code: boolean;
  text: string;
}

/**
 * Splits a message into prose and code. The core quotes code in single backticks without
 * escaping the code itself, so a quote opens after a space or bracket and closes at the first
 * backtick followed by the end, a space or punctuation: `` `x[`${id}`]` `` stays one piece.
 */
function splitCodeSpans(text: string): Segment[] {
  const segments: Segment[] = [];
  let prose = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '`' && (i === 0 || /[\s([{"']/.test(text[i - 1]!))) {
      const close = closingQuote(text, i + 1);
      if (close > i + 1) {
        if (prose) segments.push({ code: false, text: prose });
        segments.push({ code: true, text: text.slice(i + 1, close) });
        prose = '';
        i = close + 1;
        continue;
      }
    }
    prose += text.charAt(i);
    i++;
  }
  if (prose) segments.push({ code: false, text: prose });
  return segments;
}

function closingQuote(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '`' && (j + 1 === text.length || /[\s.,:;!?)\]}'"]/.test(text[j + 1]!))) return j;
  }
  return -1;
}

/**
 * A path as inline code, with control, line-breaking and bidirectional characters shown as
 * escapes (`\u202e`, `\n`), as pretty output shows them: a crafted name cannot pass for another.
 */
export function mdPath(file: string, cell = false): string {
  return mdCode(printableName(file), cell);
}

/** A statecheck message (prose with quoted code) as safe Markdown. */
export function mdMessage(text: string, cell = false): string {
  return splitCodeSpans(text)
    .map((s) => (s.code ? mdCode(s.text, cell) : mdText(s.text, cell)))
    .join('');
}
