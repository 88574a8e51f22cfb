import { createHash } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATEGORIES } from '../core/index.js';
import { buildId } from './build-id.js';
import { projectRoot, readRegularFile, realPath, writeFileAtomic } from './files.js';
import { array, boolean, either, isRecord, number, object, oneOf, optional, string, tuple } from './shape.js';
import { inputSignature } from './project.js';
import { SKIP_KINDS, UNUSED_DIRECTIVE, type FileResult, type ScanResult } from './types.js';

/** One cached file: its content hash, the stat data that lets a warm run skip reading it, the result. */
interface Entry {
  hash: string;
  size: number;
  mtimeMs: number;
  result: FileResult;
}

interface CacheFile {
  /** statecheck's code, version and analysis settings: a different key means a different cache. */
  key: string;
  entries: Record<string, Entry>;
}

export const DEFAULT_CACHE_LOCATION = join('node_modules', '.cache', 'statecheck');

/**
 * The folder the cache really lives in, or undefined when it is inside the project by name but a
 * symbolic link takes it out: a restored or committed cache folder must not make statecheck
 * write elsewhere on the machine (the run goes on without the cache, and says so).
 */
export function cacheFolder(location: string, cwd: string): string | undefined {
  return realPath(location, projectRoot(cwd));
}

/**
 * Per-file results keyed on content hash, statecheck's code (a hash of the build), its version
 * and the effective settings. A warm run stats each file; size and mtime unchanged means the
 * content hash is reused without reading (as git's index does); otherwise the file is read and
 * hashed. A corrupt, foreign or unreadable cache file, and any entry not of the expected shape,
 * is ignored (the file is analysed again), never fatal.
 */
export class ResultCache {
  private readonly entries: Map<string, Entry>;
  private readonly next = new Map<string, Entry>();
  /** Whether this run stored a result (a file new or changed since the cache was written). */
  private changed = false;
  readonly file: string;

  /** `folder`: from cacheFolder(). */
  constructor(
    folder: string,
    private readonly key: string,
  ) {
    this.file = resolve(folder, 'results.json');
    this.entries = load(this.file, key);
  }

  /**
   * The cached entry of `path`: `fresh` when size and mtime are unchanged (the result is reused
   * without reading the file); otherwise its content hash, for the analysis to compare.
   */
  lookup(path: string, stamp: Stamp = stampOf(path)): { fresh: FileResult } | { knownHash?: string } {
    const entry = this.entries.get(path);
    if (!entry || stamp === undefined) return {};
    if (entry.size === stamp.size && entry.mtimeMs === stamp.mtimeMs) {
      this.next.set(path, entry);
      return { fresh: entry.result };
    }
    return { knownHash: entry.hash };
  }

  /** The cached result whose hash the analysis found unchanged. */
  cached(path: string): FileResult | undefined {
    return this.entries.get(path)?.result;
  }

  store(path: string, hash: string | undefined, result: FileResult): void {
    if (hash === undefined) return;
    try {
      const stats = statSync(path);
      this.next.set(path, { hash, size: stats.size, mtimeMs: stats.mtimeMs, result });
      this.changed = true;
    } catch {
      // Deleted during the scan: nothing to remember.
    }
  }

  /**
   * Writes the entries seen in this run (others are dropped), atomically; not at all when they
   * are the cache's entries unchanged (a warm run over the same files).
   */
  save(): void {
    if (!this.changed && this.next.size === this.entries.size) return;
    try {
      writeFileAtomic(
        this.file,
        JSON.stringify({ key: this.key, entries: Object.fromEntries(this.next) } satisfies CacheFile),
      );
    } catch {
      // A read-only checkout or a full disk must not fail the scan.
    }
  }
}

/** A stable hash of what the analysis depends on: statecheck's code and version, and the settings. */
export function cacheKey(version: string, settings: unknown, code = buildId()): string {
  return createHash('sha1')
    .update(`${version}\0${code}\0${JSON.stringify(settings)}`)
    .digest('hex');
}

function load(file: string, key: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  try {
    // Never through a link: the cache folder is checked, a file planted in it is not.
    const read = readRegularFile(file, 1024 * 1024 * 1024, { follow: false });
    if (!('bytes' in read)) return entries;
    const parsed: unknown = JSON.parse(read.bytes.toString('utf8'));
    if (!isRecord(parsed) || parsed.key !== key || !isRecord(parsed.entries)) return entries;
    for (const [path, entry] of Object.entries(parsed.entries)) {
      if (entryShape(entry, '') === undefined) entries.set(path, entry as Entry);
    }
  } catch {
    // Missing, corrupt or foreign: start empty.
  }
  return entries;
}

// The shape of a cached entry, as the program and the reporters read it (core/program/, positions.ts).
const category = oneOf(CATEGORIES);
const condition = object({ exports: array(string), need: number });
const facts = object({ connection: boolean, ipKey: boolean });
const modulePath = { specifier: string, viaDefault: boolean, path: array(string) };
const span = { start: number, end: number };
const located = object({ line: number, column: number });
const finding = object({
  category,
  ...span,
  message: string,
  suggestion: object({ summary: string, packages: array(string) }),
  related: array(object({ ...span, message: string, condition: optional(condition), unsure: optional(boolean) })),
  subject: string,
  condition: optional(either(oneOf(['related']), condition)),
  unsure: optional(boolean),
  evidence: optional(oneOf(['related', 'any', 'library'])),
  doubt: optional(oneOf(['value'])),
  factory: optional(string),
  what: optional(string),
  suppressed: optional(boolean),
});
const summary = object({
  exports: array(tuple(string, either(object({ local: string }), object({ from: object(modulePath) })))),
  starExports: array(string),
  frameworkModule: boolean,
  commonJs: boolean,
  state: array(
    object({
      name: string,
      exports: array(string),
      container: oneOf(['map', 'set', 'array', 'object', 'value', 'instance']),
      ...span,
      writes: array(object({ ...span, condition: optional(condition), unsure: optional(boolean), facts })),
      suppressed: optional(array(category)),
    }),
  ),
  classes: array(
    object({
      name: string,
      exports: array(string),
      instances: array(string),
      singleton: boolean,
      constructed: object({ mask: number, via: array(string) }),
      fields: array(
        object({
          name: string,
          container: oneOf(['map', 'set', 'array', 'object', 'value', 'instance']),
          readonly: boolean,
          ...span,
          resettable: boolean,
          writes: array(object({ ...span, condition: optional(condition), facts })),
          suppressed: optional(array(category)),
        }),
      ),
    }),
  ),
  uses: array(
    object({
      ...modulePath,
      ...span,
      context: object({ mask: number, via: array(string) }),
      write: optional(
        object({
          op: oneOf(['assign', 'update', 'delete', 'call', 'define']),
          method: optional(string),
          facts,
          reset: optional(oneOf([true])),
        }),
      ),
      call: optional(string),
      construct: optional(oneOf([true])),
      singleton: optional(oneOf([true])),
      registered: optional(oneOf([true])),
      returnedBy: optional(array(string)),
      suppressed: optional(array(category)),
    }),
  ),
});
const scopeFacts = object({
  imports: array(object({ specifier: string, typeOnly: boolean, server: optional(oneOf([true])) })),
  entry: optional(
    object({
      kind: oneOf(['server-start', 'framework', 'page', 'worker']),
      why: string,
      certain: boolean,
      base: optional(string),
    }),
  ),
  browser: optional(string),
  cli: optional(string),
  test: optional(string),
  exports: array(string),
});
const entryShape = object({
  hash: string,
  size: number,
  mtimeMs: number,
  result: object({
    findings: array(finding),
    errors: array(object({ file: string, message: string })),
    skipped: optional(object({ file: string, kind: string, reason: string })),
    summary: optional(summary),
    unusedDirectives: optional(array(object({ at: located, end: located, directive: string, lineText: string }))),
    scopeFacts: optional(scopeFacts),
    lines: optional(object({ at: array(tuple(number, number, number)), texts: array(tuple(number, string)) })),
  }),
});

/** What a stored report holds of a scan's result: all of it but the functions and the duration. */
export type StoredResult = Omit<ScanResult, 'sourceLines' | 'explainScope' | 'baseline'>;

/**
 * The whole report of the last run, with what it was made from: the run's options (`key`), the
 * files read with their sizes and modification times (`files`, a hash), and every other input
 * (configuration files read, files looked for, folders listed) with its signature. A run whose
 * options, files and inputs are all as they were returns it without reading a summary or linking.
 */
export interface StoredReport {
  key: string;
  files: string;
  inputs: [string, string][];
  /** Notices the run gave (a workspace glob that leads out of the project): given again with the report. */
  notices: string[];
  result: StoredResult;
}

/**
 * One stored report per set of options (a whole-project run and a pre-commit hook's run over
 * staged files take turns), the most recent few only.
 */
const reportFile = (key: string) => `report-${key.slice(0, 16)}.json`;
const KEPT_REPORTS = 4;

/** The stored report in `folder` for a run of `key`, when its inputs are unchanged; else undefined. */
export function storedReport(folder: string, key: string, files: string): StoredReport | undefined {
  try {
    const read = readRegularFile(resolve(folder, reportFile(key)), 1024 * 1024 * 1024, { follow: false });
    if (!('bytes' in read)) return undefined;
    const parsed: unknown = JSON.parse(read.bytes.toString('utf8'));
    if (!isRecord(parsed) || parsed.key !== key || parsed.files !== files) return undefined;
    if (reportShape(parsed, '') !== undefined) return undefined;
    const report = parsed as unknown as StoredReport;
    for (const [path, signature] of report.inputs) if (inputSignature(path) !== signature) return undefined;
    return report;
  } catch {
    return undefined;
  }
}

/** Stores the report of this run (atomically; never fatal). */
export function storeReport(folder: string, report: StoredReport): void {
  try {
    writeFileAtomic(resolve(folder, reportFile(report.key)), JSON.stringify(report));
    const reports = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isFile() && /^report-[0-9a-f]{16}\.json$/.test(entry.name))
      .map((entry) => ({ file: join(folder, entry.name), at: statSync(join(folder, entry.name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const { file } of reports.slice(KEPT_REPORTS)) rmSync(file, { force: true });
  } catch {
    // A read-only checkout or a full disk must not fail the scan.
  }
}

/** A file's size and modification time (undefined when it cannot be stat'ed). */
export type Stamp = { size: number; mtimeMs: number } | undefined;

export function stampOf(path: string): Stamp {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats && { size: stats.size, mtimeMs: stats.mtimeMs };
  } catch {
    return undefined;
  }
}

/** A hash of a run's files: each path, link target, whether selected, size and modification time. */
export function filesHash(
  files: readonly { path: string; source?: string; selected?: true }[],
  stamps: ReadonlyMap<string, Stamp>,
  extra: unknown,
): string {
  const hash = createHash('sha1');
  for (const f of files) {
    const stamp = stamps.get(f.path);
    const stamped = stamp ? `${stamp.size}:${stamp.mtimeMs}` : '-';
    hash.update(`${f.path}\0${f.source ?? ''}\0${f.selected ? 1 : 0}\0${stamped}\n`);
  }
  return hash.update(JSON.stringify(extra)).digest('hex');
}

// The shape of a stored report, as the reporters read it.
const place = { file: string, line: number, column: number };
const reportShape = object({
  key: string,
  files: string,
  inputs: array(tuple(string, string)),
  notices: array(string),
  result: object({
    findings: array(
      object({
        ruleId: string,
        category: oneOf([...CATEGORIES, UNUSED_DIRECTIVE]),
        severity: oneOf(['error', 'warn']),
        ...place,
        endLine: number,
        endColumn: number,
        message: string,
        suggestion: object({ summary: string, packages: array(string) }),
        related: array(object({ ...place, message: string })),
        fingerprint: string,
        subject: string,
        confidence: oneOf(['certain', 'likely']),
      }),
    ),
    errors: array(object({ file: string, message: string })),
    skipped: array(object({ file: string, kind: oneOf(SKIP_KINDS), reason: string })),
    outOfScope: array(object({ file: string, reason: string })),
    summary: object({
      files: number,
      findings: number,
      errors: number,
      skipped: isRecordCheck,
      scope: optional(
        object({
          mode: oneOf(['entry-points', 'path-scope']),
          entryPoints: number,
          server: number,
          context: object({ browser: number, cli: number, test: number, tooling: number, 'not-reached': number }),
          skipped: number,
        }),
      ),
    }),
    entryPoints: optional(array(object({ path: string, why: string }))),
  }),
});

function isRecordCheck(value: unknown, at: string): string | undefined {
  return isRecord(value) && Object.values(value).every((n) => typeof n === 'number')
    ? undefined
    : `${at}: expected counts`;
}
