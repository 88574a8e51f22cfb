import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  analyzeSourceFile,
  type AnalyzeOptions,
  type CoreFinding,
  lineOf,
  lineStarts,
  type ModuleSummary,
  parseErrors,
  parseSource,
  ruleIdOf,
  type TS,
  type TypeScript,
} from '../core/index.js';
import { readRegularFile, SYMBOLIC_LINK } from './files.js';
import type { FileFinding, FileSummary, Located } from './link.js';
import type { ScanError, SkipKind, SkippedFile } from './scan.js';

const require = createRequire(import.meta.url);
let loaded: typeof import('ts-morph') | undefined;

/**
 * ts-morph, loaded on first use: a warm run whose files are all cached never parses and never
 * pays for loading TypeScript. `require` also spares the ES module loader's scan of the
 * exports of TypeScript's CommonJS bundle.
 */
export function tsMorph(): typeof import('ts-morph') {
  return (loaded ??= require('ts-morph') as typeof import('ts-morph'));
}

/** The core receives ts-morph's own TypeScript: nodes of one copy only. */
export function typescript(): TypeScript {
  return tsMorph().ts as unknown as TypeScript;
}

/** Which files are skipped (listed in `skipped`) instead of analysed. */
export interface Limits {
  /** Files larger than this many bytes are skipped; 0: no limit. */
  maxFileSize: number;
  /** Skip files that say they are generated, and minified bundles. */
  skipGenerated: boolean;
}

export const DEFAULT_LIMITS: Limits = { maxFileSize: 1024 * 1024, skipGenerated: true };

/** What every file of a run is analysed with; plain data, so it can cross to a worker thread. */
export interface AnalysisSettings {
  analyze: AnalyzeOptions;
  debug: boolean;
  limits?: Limits;
}

/** One file's outcome: findings (severity applied later by the run), errors, or why it was skipped. */
export interface FileAnalysis {
  findings: FileFinding[];
  errors: ScanError[];
  /** The file was not analysed on purpose (generated, minified, too large, binary, …). */
  skipped?: SkippedFile;
  /** With cross-file analysis: the file's exports, exported state and uses of other modules. */
  summary?: FileSummary;
}

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
  if ('notRegular' in read && read.notRegular === SYMBOLIC_LINK) return { error: 'cannot read: a symbolic link (swapped in after the file was found; not followed)' };
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
  if (marker !== undefined) return { skip: 'generated', reason: `looks generated: its header says "${marker}" (skipGenerated)` };
  const minified = minifiedReason(decoded.text);
  return minified !== undefined ? { skip: 'minified', reason: `looks minified: ${minified} (skipGenerated)` } : decoded;
}

/** The result of a file that was not read: an `errors` entry, or a `skipped` one. */
export function notAnalysed(file: string, read: { error: string } | { skip: SkipKind; reason: string }): FileAnalysis {
  return 'error' in read ? { findings: [], errors: [{ file, message: read.error }] } : { findings: [], errors: [], skipped: { file, kind: read.skip, reason: read.reason } };
}

/** `1536` → `1.5 KiB`, `10485760` → `10 MiB`. */
function formatSize(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MiB'] : bytes >= 1024 ? [bytes / 1024, 'KiB'] : [bytes, 'bytes'];
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
  return invalid ? { text, notice: `invalid ${encoding}: undecodable bytes were replaced with U+FFFD and the file was analysed` } : { text };
}

const BINARY: SourceRead = { skip: 'binary', reason: 'binary file (NUL or control bytes; a UTF-16 file needs a byte order mark)' };

/** Decoders are stateless between `decode` calls without `stream`: one of each serves every file. */
const DECODERS = {
  strict: { 'utf-8': new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }), 'utf-16le': new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }) },
  lenient: { 'utf-8': new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }), 'utf-16le': new TextDecoder('utf-16le', { fatal: false, ignoreBOM: true }) },
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
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0b && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) || byte === 0x7f) control++;
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
      if (continues) comments[comments.length - 1] += `\n${body}`;
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
    const marker = GENERATED_TAG.exec(comment) ?? (comment === first ? DO_NOT_EDIT.exec(comment) : null) ?? BANNERS.map((b) => b.exec(comment)).find((m) => m !== null);
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

/** A file to analyse; `knownHash` is the content hash of a cached result, if any. */
export interface FileJob {
  path: string;
  file: string;
  /** For a symbolic link: its target (see SelectedFile). */
  source?: string;
  knownHash?: string;
}

/**
 * What analysing a job gives: the content hash, and the result unless the content matched
 * `knownHash`. `overflow`: the parser or a detector ran out of stack, which depends on the
 * thread's stack size (see pool.ts).
 */
export interface JobOutcome {
  hash?: string;
  result?: FileAnalysis;
  overflow?: boolean;
}

/** Reads a job's file, skips the analysis when its content hash is the cached one, else analyses it. */
export function runJob(job: FileJob, settings: AnalysisSettings): JobOutcome {
  const read = readSource(job.source ?? job.path, settings.limits);
  if (!('text' in read)) return { result: notAnalysed(job.file, read) };
  const hash = contentHash(read.text);
  if (hash === job.knownHash) return { hash };
  const { result, overflow } = analyzeText(job.path, job.file, settings, read.text);
  if (read.notice) result.errors.unshift({ file: job.file, message: read.notice });
  return { hash, result, ...(overflow ? { overflow } : {}) };
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Reads, parses and analyses one file. Never throws: problems become `errors` entries. */
export function analyzeFile(path: string, file: string, settings: AnalysisSettings, text?: string): FileAnalysis {
  if (text !== undefined) return analyzeText(path, file, settings, text).result;
  const outcome = runJob({ path, file }, settings);
  return outcome.result!;
}

function analyzeText(path: string, file: string, settings: AnalysisSettings, text: string): { result: FileAnalysis; overflow: boolean } {
  let sourceFile: TS.SourceFile;
  try {
    sourceFile = parseSource(typescript(), path, text);
  } catch (error) {
    // TypeScript's parser recurses: `((((…))))` thousands deep exhausts the stack.
    const message = isStackOverflow(error)
      ? 'not analysed: nested too deeply for the parser (Maximum call stack size exceeded)'
      : internalError('parsing failed', error, settings.debug);
    return { result: { findings: [], errors: [{ file, message }] }, overflow: isStackOverflow(error) };
  }
  return analyzeParsed(file, settings, text, sourceFile);
}

/** Analyses a parsed file (with the program's checker under `--typed`). Never throws. */
export function analyzeParsed(file: string, settings: AnalysisSettings, text: string, sourceFile: TS.SourceFile, checker?: TS.TypeChecker): { result: FileAnalysis; overflow: boolean } {
  const errors: ScanError[] = [];
  try {
    const problems = parseErrors(typescript(), sourceFile);
    // TypeScript reads Flow's annotations as syntax errors: what it recovers is not the file.
    if (problems.length > 0 && isFlow(text)) return { result: { findings: [], errors: [], skipped: { file, kind: 'flow', reason: FLOW } }, overflow: false };
    for (const problem of problems.slice(0, 1)) {
      const starts = lineStarts(text);
      const line = lineOf(starts, problem.start);
      errors.push({ file, message: `syntax error at ${line}:${problem.start - starts[line - 1]! + 1}: ${problem.message} (the rest of the file was still analysed)` });
    }
    const result = analyzeSourceFile(typescript(), sourceFile, { ...settings.analyze, honourEslintComments: true }, checker);
    for (const notice of result.notices ?? []) errors.push({ file, message: notice });
    for (const failure of result.errors) {
      errors.push({ file, message: internalError(failure.category ? `detector ${failure.category} failed` : 'cross-file summary failed', failure.error, settings.debug) });
    }
    const pos = positions(text);
    const analysis: FileAnalysis = { findings: toFindings(file, pos, result.findings), errors };
    if (result.summary) analysis.summary = toFileSummary(pos, result.summary);
    return { result: analysis, overflow: result.errors.some((e) => isStackOverflow(e.error)) };
  } catch (error) {
    return { result: { findings: [], errors: [...errors, { file, message: internalError('analysis failed', error, settings.debug) }] }, overflow: isStackOverflow(error) };
  }
}

const FLOW = 'Flow syntax is not supported (`@flow` file with Flow annotations)';

/** A `@flow` (or `@flow strict`) pragma in the header comments: Flow's own test. */
function isFlow(text: string): boolean {
  return headerComments(text).some((comment) => /(?:^|[\s*])@flow\b/.test(comment));
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

export function internalError(what: string, error: unknown, debug: boolean | undefined): string {
  const detail = error instanceof Error ? error.message : String(error);
  return debug && error instanceof Error && error.stack ? `${what}: ${error.stack}` : `${what}: ${detail} (run with --debug for the stack)`;
}

/** Offsets of one text as 1-based lines and columns, and the text of a line. */
function positions(text: string) {
  let computed: number[] | undefined;
  const starts = () => (computed ??= lineStarts(text));
  return {
    at(offset: number): Located {
      const line = lineOf(starts(), offset);
      return { line, column: offset - starts()[line - 1]! + 1 };
    },
    lineText(line: number): string {
      return text.slice(starts()[line - 1], starts()[line] ?? text.length).trim().replace(/\s+/g, ' ');
    },
  };
}

type Positions = ReturnType<typeof positions>;

/** The fingerprint leaves out the path and line: it survives edits above the finding and file moves. */
export function fingerprintBase(category: string, subject: string, lineText: string): string {
  return createHash('sha256').update(`${category}\0${subject}\0${lineText}`).digest('hex').slice(0, 24);
}

/** Converts core findings (offsets) to reported findings (1-based lines and columns). */
function toFindings(file: string, pos: Positions, found: readonly CoreFinding[]): FileFinding[] {
  const occurrences = new Map<string, number>();
  return found.map((f) => {
    const start = pos.at(f.start);
    const end = pos.at(f.end);
    const base = fingerprintBase(f.category, f.subject, pos.lineText(start.line));
    const occurrence = occurrences.get(base) ?? 0;
    occurrences.set(base, occurrence + 1);
    return {
      ruleId: ruleIdOf(f.category),
      category: f.category,
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      message: f.message,
      suggestion: f.suggestion,
      related: f.related.map((r) => ({ file, ...pos.at(r.start), message: r.message, ...(r.condition ? { condition: r.condition } : {}) })),
      fingerprint: `${base}:${occurrence}`,
      ...(f.condition ? { condition: f.condition } : {}),
      ...(f.factory !== undefined ? { factory: f.factory, what: f.what, subject: f.subject } : {}),
      ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    };
  });
}

/** A module summary with lines and columns for the link step (which never sees the text). */
function toFileSummary(pos: Positions, summary: ModuleSummary): FileSummary {
  return {
    exports: summary.exports,
    starExports: summary.starExports,
    frameworkModule: summary.frameworkModule,
    commonJs: summary.commonJs,
    state: summary.state.map(({ start, end, writes, ...rest }) => {
      const at = pos.at(start);
      return { ...rest, at, end: pos.at(end), lineText: pos.lineText(at.line), writes: writes.map(({ start: w, end: _, ...write }) => ({ ...write, at: pos.at(w) })) };
    }),
    uses: summary.uses.map(({ start, end, ...rest }) => {
      const at = pos.at(start);
      return { ...rest, at, end: pos.at(end), ...(rest.call !== undefined ? { lineText: pos.lineText(at.line) } : {}) };
    }),
  };
}
