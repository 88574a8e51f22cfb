import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { relative } from 'node:path';
import { type AnalyzeOptions, type Category, CATEGORY_INFO, outOfScopeReason, type Severity } from '../core/index.js';
import { fingerprintBase } from './analyze-file.js';
import { cacheFolder, cacheKey, ResultCache } from './cache.js';
import { UsageError } from './errors.js';
import { discover, fileKind, isOutside, type Selection, toPosix } from './files.js';
import { link } from './link.js';
import { analyzeAll } from './pool.js';
import { ProjectLayout } from './project.js';
import { DEFAULT_LIMITS, readSource, sourceLines } from './source.js';
import { analyzeTyped } from './typed.js';
import {
  type AnalysisSettings,
  type FileResult,
  type FileJob,
  type Finding,
  type Limits,
  type ScanError,
  type ScanResult,
  SKIP_KINDS,
  type SkipKind,
  type SkippedFile,
  UNUSED_DIRECTIVE,
} from './types.js';
import { packageVersion } from './package.js';

export interface ScanOptions {
  cwd: string;
  paths: readonly string[];
  analyze?: AnalyzeOptions;
  /** Severity per category; default `error`. `off` drops the category. */
  severity?: Partial<Record<Category, Severity | 'off'>>;
  /** Include stacks of internal errors. */
  debug?: boolean;
  /** Configuration globs and scope, and a changed-file list. */
  selection?: Selection;
  /** Called as files are analysed (for a progress line on a terminal). */
  onProgress?: (done: number, total: number) => void;
  /** Worker threads; 1 analyses in this thread. */
  jobs?: number;
  /** Folder of the result cache; `false` disables it. */
  cache?: string | false;
  /** `{ index: 1, count: 3 }`: analyse only the first of three deterministic shards. */
  shard?: { index: number; count: number };
  /** Files skipped on purpose: over a size, generated or minified. */
  limits?: Limits;
  /** Whole-program analysis (default on): state, wrappers and callers across files. */
  crossFile?: boolean;
  /** tsconfig.json or jsconfig.json whose path aliases apply to every file (`--project`). */
  project?: string;
  /** Use a type-checked program (`--typed`). */
  typed?: boolean;
  /** Told about what the run passed over that concerns no one file (a cache folder not used, a walk cut short). */
  onNotice?: (message: string) => void;
}

/** Scans files and returns findings in the output contract's shape, sorted by file, line, column. */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const discovery = discover(options.cwd, options.paths.length > 0 ? options.paths : ['.'], options.selection);
  if (discovery.missing.length > 0) {
    throw new UsageError(
      `no such file or directory: ${discovery.missing.join(', ')}`,
      'check the paths passed to statecheck',
    );
  }
  const categories = (Object.keys(CATEGORY_INFO) as Category[]).filter((c) => options.severity?.[c] !== 'off');
  const crossFile = options.crossFile ?? true;
  const analyze: AnalyzeOptions = { ...options.analyze, categories };
  // The project layout is read twice (before and after the analysis): its notices once.
  const noticed = new Set<string>();
  const notice = (message: string) => {
    if (noticed.has(message)) return;
    noticed.add(message);
    options.onNotice?.(message);
  };
  if (crossFile)
    Object.assign(analyze, {
      crossFile: true,
      projectSpecifiers: ProjectLayout.specifiers(options.cwd, options.project, notice),
    });
  const settings: AnalysisSettings = {
    analyze,
    debug: options.debug ?? false,
    limits: options.limits ?? DEFAULT_LIMITS,
  };
  const reported = (file: string) => !options.shard || shardOf(file, options.shard.count) === options.shard.index - 1;
  const scanned = discovery.files.map(({ path, source }) => ({
    path,
    ...(source !== undefined ? { source } : {}),
    file: display(options.cwd, path),
    context: false,
  }));
  // Cross-file analysis reads the rest of the program too (other shards, unchanged files, scripts
  // that call server modules), to learn who writes and calls what; it reports only the selection.
  const context = crossFile ? contextFiles(options, new Set(scanned.map((f) => f.path))) : [];
  // Without the link step, other shards' files are not read at all.
  const files = [
    ...scanned.map((f) => ({ ...f, context: !reported(f.file) })).filter((f) => crossFile || !f.context),
    ...context,
  ];

  // Types flow between files, so a file's typed result is not a function of its content alone:
  // --typed does not use the cache.
  const cache =
    options.cache === false || options.cache === undefined || options.typed
      ? undefined
      : openCache(options.cache, options, settings);
  const results: FileResult[] = new Array(files.length);
  const pending: (FileJob & { index: number })[] = [];
  files.forEach((job, index) => {
    const hit = cache?.lookup(job.path);
    if (hit && 'fresh' in hit) results[index] = hit.fresh;
    else pending.push({ ...job, index, ...(hit?.knownHash ? { knownHash: hit.knownHash } : {}) });
  });
  const reused = files.length - pending.length;
  const outcomes = options.typed
    ? analyzeTyped(pending, settings, options.cwd, options.project)
    : await analyzeAll(pending, settings, options.jobs ?? 1, (done) =>
        options.onProgress?.(reused + done, files.length),
      );
  outcomes.forEach((outcome, i) => {
    const job = pending[i]!;
    const result = outcome.result ?? cache?.cached(job.path) ?? { findings: [], errors: [] };
    results[job.index] = result;
    cache?.store(job.path, outcome.hash, result);
  });
  cache?.save();
  options.onProgress?.(files.length, files.length);

  const findings: Finding[] = [];
  const errors: ScanError[] = [];
  const skipped: SkippedFile[] = [];
  for (const { path, reason } of discovery.unreadable) {
    const file = display(options.cwd, path);
    if (!reported(file)) continue;
    const kind = notRegularKind(path);
    if (kind !== undefined) skipped.push({ file, kind: 'not-regular', reason: `not a regular file (${kind})` });
    else errors.push({ file, message: reason });
  }
  const linked = crossFile
    ? link(
        files.map((f, i) => ({
          ...f,
          findings: results[i]!.findings,
          ...(results[i]!.summary ? { summary: results[i]!.summary } : {}),
        })),
        new ProjectLayout(options.cwd, new Set(files.map((f) => f.path)), options.project, notice),
        analyze,
        options.debug ?? false,
      )
    : { findings: results.flatMap((r, i) => (files[i]!.context ? [] : r.findings)), errors: [] };
  for (const f of linked.findings) {
    const severity =
      f.category === UNUSED_DIRECTIVE ? 'warn' : ((options.severity?.[f.category] as Severity | undefined) ?? 'error');
    // The contract's order of keys; `subject`, added later, last.
    const { ruleId, category, subject, ...rest } = f;
    findings.push({ ruleId, category, severity, ...rest, subject });
  }
  errors.push(...linked.errors);
  const unusedDirectives: Finding[] = [];
  results.forEach((result, i) => {
    if (files[i]!.context) return;
    errors.push(...result.errors);
    if (result.skipped) skipped.push(result.skipped);
    for (const d of result.unusedDirectives ?? []) unusedDirectives.push(unusedDirective(files[i]!.file, d));
  });
  findings.sort(compareFindings);
  errors.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0,
  );
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  // Code frames read a reported file again, as its job did: its own path (a link's target), its decoding.
  const readFrom = new Map(scanned.map((f) => [f.file, f.source ?? f.path]));
  const limits = { maxFileSize: settings.limits?.maxFileSize ?? DEFAULT_LIMITS.maxFileSize, skipGenerated: false };
  const lines = (file: string): readonly string[] | undefined => {
    const path = readFrom.get(file);
    const read = path === undefined ? undefined : readSource(path, limits);
    return read && 'text' in read ? sourceLines(read.text) : undefined;
  };
  return {
    findings,
    errors,
    skipped,
    outOfScope: discovery.outOfScope.map((s) => ({ file: display(options.cwd, s.path), reason: s.reason })),
    summary: {
      files: files.filter((f) => !f.context).length,
      findings: findings.length,
      errors: errors.length,
      skipped: countSkipped(skipped),
      durationMs: Math.round(performance.now() - started),
    },
    sourceLines: lines,
    ...(unusedDirectives.length > 0 ? { unusedDirectives } : {}),
  };
}

/** An unused `statecheck-disable` comment as a warning, in the contract's shape. */
function unusedDirective(file: string, d: NonNullable<FileResult['unusedDirectives']>[number]): Finding {
  return {
    ruleId: `statecheck/${UNUSED_DIRECTIVE}`,
    category: UNUSED_DIRECTIVE,
    severity: 'warn',
    file,
    line: d.at.line,
    column: d.at.column,
    endLine: d.end.line,
    endColumn: d.end.column,
    message: `Unused \`${d.directive}\` comment: nothing it names is reported here. Remove it, or move it to the line it is meant for.`,
    suggestion: { summary: 'Remove the comment.', packages: [] },
    related: [],
    fingerprint: `${fingerprintBase(UNUSED_DIRECTIVE, d.directive, d.lineText)}:0`,
    subject: d.directive,
  };
}

/** `summary.skipped`: how many files were skipped for each reason, in the order of SKIP_KINDS. */
export function countSkipped(skipped: readonly Pick<SkippedFile, 'kind'>[]): Partial<Record<SkipKind, number>> {
  const counts: Partial<Record<SkipKind, number>> = {};
  for (const kind of SKIP_KINDS) {
    const n = skipped.filter((s) => s.kind === kind).length;
    if (n > 0) counts[kind] = n;
  }
  return counts;
}

/**
 * What a path discovery passed over is, when it is itself a pipe, socket or device (skipped on
 * purpose: reading it could block or never end), rather than a file or link that could not be
 * read.
 */
function notRegularKind(path: string): string | undefined {
  try {
    const stats = lstatSync(path);
    return stats.isFile() || stats.isDirectory() || stats.isSymbolicLink() ? undefined : fileKind(stats);
  } catch {
    return undefined;
  }
}

function openCache(location: string, options: ScanOptions, settings: AnalysisSettings): ResultCache | undefined {
  const folder = cacheFolder(location, options.cwd);
  if (folder === undefined) {
    options.onNotice?.(
      `cache not used: ${display(options.cwd, location)} leads out of the project through a symbolic link`,
    );
    return undefined;
  }
  return new ResultCache(folder, cacheKey(packageVersion() ?? '', { cwd: options.cwd, settings }));
}

/** Folders outside the server whose files call server modules: read for cross-file analysis only. */
const CONTEXT_DIRECTORIES: ReadonlySet<string> = new Set(['scripts', 'migrations', 'seeds', 'seeders']);

/**
 * Files the link step reads without reporting them: with `--changed`/`--since`, the rest of the
 * selection; always, scripts and migrations (their calls of server modules are not requests).
 */
function contextFiles(
  options: ScanOptions,
  selected: ReadonlySet<string>,
): { path: string; source?: string; file: string; context: true; outside: boolean }[] {
  const selection = options.selection ?? { base: options.cwd, include: [], exclude: [], defaultScope: true };
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  const wide = discover(options.cwd, paths, { ...selection, only: undefined, defaultScope: false });
  return wide.files.flatMap(({ path, source }) => {
    if (selected.has(path)) return [];
    const reason = selection.defaultScope ? outOfScopeReason(toPosix(relative(selection.base, path))) : undefined;
    const wanted =
      reason === undefined
        ? selection.only !== undefined
        : reason.kind === 'directory' && CONTEXT_DIRECTORIES.has(reason.name);
    return wanted
      ? [
          {
            path,
            ...(source !== undefined ? { source } : {}),
            file: display(options.cwd, path),
            context: true as const,
            outside: reason !== undefined,
          },
        ]
      : [];
  });
}

/** Which of `count` shards a file belongs to: a hash of its path, so shards stay stable as files come and go. */
export function shardOf(file: string, count: number): number {
  return createHash('sha1').update(file).digest().readUInt32BE(0) % count;
}

/** Path relative to the working directory with forward slashes (absolute when outside it). */
export function display(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return isOutside(rel) ? toPosix(path) : toPosix(rel);
}

/** Output order: file, line, column, rule. */
export function compareFindings(
  a: Pick<Finding, 'file' | 'line' | 'column' | 'ruleId'>,
  b: Pick<Finding, 'file' | 'line' | 'column' | 'ruleId'>,
): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}
