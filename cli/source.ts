import { lineStarts } from '../core/index.js';
import { readRegularFile, SYMBOLIC_LINK } from './files.js';
import type { Limits, SkipKind } from './types.js';

// Source files as statecheck reads them: bounded reads of regular files only, decoded as
// editors decode them, binary files and (with `skipGenerated`) generated files and minified
// bundles recognised and passed over.

export const DEFAULT_LIMITS: Limits = { maxFileSize: 1024 * 1024, skipGenerated: true };

/**
 * A source file's text, with `notice` when it had to be repaired to be read (invalid UTF-8);
 * `error` when it cannot be read; `skip` when it is not analysed on purpose: not a regular
 * file, over `maxFileSize`, binary, or (with `skipGenerated`) generated or minified.
 */
export type SourceRead = { text: string; notice?: string } | { error: string } | { skip: SkipKind; reason: string };

/**
 * Reads a source file as text, or says why it cannot be read. `path` is the file itself, never a
 * symbolic link (discovery resolves the links it follows): a link found here was swapped in
 * after discovery and is not read.
 */
export function readSource(path: string, limits: Limits = DEFAULT_LIMITS): SourceRead {
  const max = limits.maxFileSize > 0 ? limits.maxFileSize : Number.POSITIVE_INFINITY;
  const read = readRegularFile(path, max, { follow: false });
  if ('error' in read) return { error: `cannot read: ${read.error}` };
  // A link swapped in after discovery is not followed (O_NOFOLLOW): an error, like every link not followed.
  if ('notRegular' in read && read.notRegular === SYMBOLIC_LINK)
    return { error: 'cannot read: a symbolic link (swapped in after the file was found; not followed)' };
  if ('notRegular' in read) return { skip: 'not-regular', reason: `not a regular file (${read.notRegular})` };
  if ('tooLarge' in read) {
    let [size, limit] = [formatSize(read.tooLarge), formatSize(max)];
    if (size === limit) [size, limit] = [`${read.tooLarge} bytes`, `${max} bytes`];
    limit = limit.replace(/ bytes$/, '-byte');
    return { skip: 'too-large', reason: `${size} is over the ${limit} limit (maxFileSize)` };
  }
  const decoded = decodeSource(read.bytes);
  if (!('text' in decoded) || !limits.skipGenerated) return decoded;
  const marker = generatedMarker(decoded.text);
  if (marker !== undefined)
    return { skip: 'generated', reason: `looks generated: its header says "${marker}" (skipGenerated)` };
  const minified = minifiedReason(decoded.text);
  return minified !== undefined ? { skip: 'minified', reason: `looks minified: ${minified} (skipGenerated)` } : decoded;
}

/** `1536` → `1.5 KiB`, `10485760` → `10 MiB`. */
function formatSize(bytes: number): string {
  const [value, unit] =
    bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MiB'] : bytes >= 1024 ? [bytes / 1024, 'KiB'] : [bytes, 'bytes'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/** How much of a file the binary check looks at. */
const SNIFF_BYTES = 8 * 1024;

/**
 * Source text from a file's bytes, as editors show it: UTF-8, or UTF-16 LE/BE when a byte order
 * mark says so; a leading BOM is dropped (columns on line 1 count from the first character, as
 * in ESLint). Invalid UTF-8 is decoded with U+FFFD and says so in `notice`. A file with NUL
 * bytes or many control bytes near its start is binary, whatever its extension.
 */
export function decodeSource(bytes: Uint8Array): SourceRead {
  let text: string;
  let invalid: boolean;
  let encoding = 'UTF-8';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    ({ text, invalid } = decode('utf-8', bytes.subarray(3)));
  } else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    encoding = bytes[0] === 0xff ? 'UTF-16 LE' : 'UTF-16 BE';
    const body = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    // utf-16le is the one UTF-16 decoder every Node.js build has: big-endian input is swapped first.
    if (bytes[0] === 0xfe) body.swap16();
    ({ text, invalid } = decode('utf-16le', body));
    invalid ||= bytes.length % 2 === 1;
    if (text.slice(0, SNIFF_BYTES).includes('\0')) return BINARY;
  } else {
    if (looksBinary(bytes.subarray(0, SNIFF_BYTES))) return BINARY;
    ({ text, invalid } = decode('utf-8', bytes));
  }
  return invalid
    ? { text, notice: `invalid ${encoding}: undecodable bytes were replaced with U+FFFD and the file was analysed` }
    : { text };
}

const BINARY: SourceRead = {
  skip: 'binary',
  reason: 'binary file (NUL or control bytes; a UTF-16 file needs a byte order mark)',
};

/** Decoders are stateless between `decode` calls without `stream`: one of each serves every file. */
const DECODERS = {
  strict: {
    'utf-8': new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
    'utf-16le': new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }),
  },
  lenient: {
    'utf-8': new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }),
    'utf-16le': new TextDecoder('utf-16le', { fatal: false, ignoreBOM: true }),
  },
};

function decode(encoding: 'utf-8' | 'utf-16le', bytes: Uint8Array): { text: string; invalid: boolean } {
  try {
    return { text: DECODERS.strict[encoding].decode(bytes), invalid: false };
  } catch {
    return { text: DECODERS.lenient[encoding].decode(bytes), invalid: true };
  }
}

/** Control bytes other than white space and ESC. */
const CONTROL_BYTE = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]/;

/** A NUL byte, or more than one byte in ten a control character other than white space and ESC. */
function looksBinary(head: Uint8Array): boolean {
  // Most files have no control byte at all: one native search says so.
  if (!CONTROL_BYTE.test(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1'))) return false;
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return true;
    if (
      (byte < 0x20 &&
        byte !== 0x09 &&
        byte !== 0x0a &&
        byte !== 0x0b &&
        byte !== 0x0c &&
        byte !== 0x0d &&
        byte !== 0x1b) ||
      byte === 0x7f
    )
      control++;
  }
  return control * 10 > head.length;
}

/**
 * The comments before a file's first line of code (after a `#!` line), within its first 4 KiB.
 * Line comments on consecutive lines are one comment; each comes as its text without `//` or
 * `/*`…`*\/`.
 */
function headerComments(text: string): string[] {
  const head = text.slice(0, 4096);
  const comments: string[] = [];
  let i = head.startsWith('#!') ? head.indexOf('\n') : 0;
  // Whether the last comment was a line comment that a line comment on the next line continues.
  let continues = false;
  while (i >= 0 && i < head.length) {
    const c = head[i]!;
    if (c === '\n') {
      if (continues && head.startsWith('//', skipBlanks(head, i + 1))) i = skipBlanks(head, i + 1);
      else {
        continues = false;
        i++;
      }
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (head.startsWith('//', i)) {
      const end = lineEnd(head, i);
      const body = head.slice(i + 2, end);
      if (continues) comments.push(`${comments.pop() ?? ''}\n${body}`);
      else comments.push(body);
      continues = true;
      i = end;
      continue;
    }
    if (head.startsWith('/*', i)) {
      const end = head.indexOf('*/', i + 2);
      comments.push(head.slice(i + 2, end === -1 ? head.length : end));
      continues = false;
      i = end === -1 ? head.length : end + 2;
      continue;
    }
    break;
  }
  return comments;
}

/** Spaces and tabs from `i` on (not line breaks). */
function skipBlanks(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/** Where the line holding `i` ends (JavaScript line terminators). */
function lineEnd(text: string, i: number): number {
  const match = /[\n\r\u2028\u2029]/.exec(text.slice(i));
  return match ? i + match.index : text.length;
}

/**
 * Established markers of generated code, looked for in the file's header comments only (see
 * `headerComments`; never in a comment that follows code, never a phrase anywhere). The README
 * lists them ("Files it does not analyse"):
 * - `@generated`, in any header comment: Meta's convention (Relay, Hermes), also written by
 *   protobuf-ts, Apollo codegen and others;
 * - `DO NOT EDIT` or `DO NOT MODIFY`, in the file's first comment (lint and type-check
 *   directives aside);
 * - a generator's banner at the start of a comment line: `Code generated by … DO NOT EDIT.` (Go's
 *   convention, kept by ts-proto, buf, sqlc and protoc plugins), `This file was (automatically)
 *   generated by …` / `This file is generated automatically by …` (json-schema-to-typescript,
 *   openapi-typescript, kysely-codegen, date-fns' build), `auto-generated by …` (NAPI-RS).
 */
const GENERATED_TAG = /(?:^|[\s*])(@generated)\b/;
const DO_NOT_EDIT = /\b(do not (?:edit|modify))\b/i;
const BANNERS = [
  /^[\s*]*(Code generated\b.*?\bDO NOT EDIT)\b/m,
  /^[\s*]*(This file (?:was|is|has been) (?:automatically |auto[- ]?)?generated (?:automatically )?by)\b/im,
  /^[\s*]*(auto[- ]?generated by)\b/im,
];
/** Comments that are directives to a tool, not the file's own first comment. */
const TOOL_DIRECTIVE = /^[\s*]*(?:eslint|tslint:|jshint|prettier-ignore|istanbul |c8 |@ts-|@flow\b|@jsx)/;

/** The marker a header comment carries, as written. */
function generatedMarker(text: string): string | undefined {
  const comments = headerComments(text);
  const first = comments.find((c) => !TOOL_DIRECTIVE.test(c));
  for (const comment of comments) {
    const marker =
      GENERATED_TAG.exec(comment) ??
      (comment === first ? DO_NOT_EDIT.exec(comment) : null) ??
      BANNERS.map((b) => b.exec(comment)).find((m) => m !== null);
    if (marker) return marker[1]!.replace(/\s+/g, ' ').slice(0, 80);
  }
  return undefined;
}

/** Why a file looks like a minified bundle (`skipGenerated`), if it does. */
export function minifiedReason(text: string): string | undefined {
  // A source map comment asks for the longest line; without one only the average line length
  // matters, and counting can stop once the lines are too many for it to be over 500.
  const mapped = /^\/\/[#@] sourceMappingURL=/m.test(text.slice(-4096));
  if (text.length < 2048 && !mapped) return undefined;
  // Lines end at LF, CR and CRLF, as in lineStarts().
  let lines = 1;
  let longest = 0;
  let start = 0;
  const lf = !text.includes('\r');
  for (let i = lf ? text.indexOf('\n') : 0; i !== -1 && i < text.length; i = lf ? text.indexOf('\n', start) : i + 1) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
    longest = Math.max(longest, i - start);
    start = i + 1;
    lines++;
    if (!mapped && lines * 500 >= text.length) return undefined;
  }
  longest = Math.max(longest, text.length - start);
  const average = Math.round(text.length / lines);
  // Hand-written code averages well under 100 characters a line; bundlers write one huge line.
  if (text.length >= 2048 && average > 500) return `lines average ${average} characters`;
  if (longest > 1000 && mapped) return `a source map comment and a ${longest}-character line`;
  return undefined;
}

/** A `@flow` (or `@flow strict`) pragma in the header comments: Flow's own test. */
export function isFlow(text: string): boolean {
  return headerComments(text).some((comment) => /(?:^|[\s*])@flow\b/.test(comment));
}

/**
 * A text's lines without their ends, as the analysis counts them: LF, CR, CRLF, U+2028 and
 * U+2029 end a line (JavaScript's line terminators, as in ESLint).
 */
export function sourceLines(text: string): string[] {
  const starts = lineStarts(text);
  return starts.map((start, i) =>
    text.slice(start, starts[i + 1] ?? text.length).replace(/(?:\r\n|[\r\n\u2028\u2029])$/, ''),
  );
}
