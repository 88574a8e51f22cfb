import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import {
  type AnalyzeOptions,
  type Category,
  CATEGORY_INFO,
  confidenceOf,
  ownDoubt,
  type Severity,
  withDoubt,
} from '../core/index.js';
import {
  cacheFolder,
  cacheKey,
  filesHash,
  ResultCache,
  type Stamp,
  stampOf,
  storedReport,
  storeReport,
} from './cache.js';
import { UsageError } from './errors.js';
import { discover, fileKind, isOutside, type Selection, toPosix } from './files.js';
import { linkProgram } from '../core/program/link.js';
import type { ProgramFinding } from '../core/program/types.js';
import { internalError } from './errors.js';
import { fingerprintBase, Reported } from './positions.js';
import { analyzeAll } from './pool.js';
import { packageManifests, ProjectLayout, recordInputs } from './project.js';
import { runScope } from './scope.js';
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
  /**
   * With the cache: return the last run's report when nothing it was made from changed, and
   * store this run's (default true). Off for `--explain-scope`, which asks the program itself.
   */
  storedReport?: boolean;
}

/** Scans files and returns findings in the output contract's shape, sorted by file, line, column. */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  const recording = recordInputs();
  try {
    return await scanRecorded(options, recording.inputs);
  } finally {
    recording.stop();
  }
}

async function scanRecorded(options: ScanOptions, inputs: ReadonlyMap<string, string>): Promise<ScanResult> {
  const started = performance.now();
  const crossFile = options.crossFile ?? true;
  const selection = options.selection ?? { base: options.cwd, include: [], exclude: [], defaultScope: true };
  const named = options.paths.length > 0 ? options.paths : ['.'];
  // With cross-file analysis the path scope does not pick the files to report: the program's
  // scope decides, once every file is read.
  const discovery = discover(options.cwd, named, crossFile ? { ...selection, program: true } : selection);
  if (discovery.missing.length > 0) {
    throw new UsageError(
      `no such file or directory: ${discovery.missing.join(', ')}`,
      'check the paths passed to statecheck',
    );
  }
  const categories = (Object.keys(CATEGORY_INFO) as Category[]).filter((c) => options.severity?.[c] !== 'off');
  const analyze: AnalyzeOptions = { ...options.analyze, categories };
  // The project layout is read twice (before and after the analysis): its notices once.
  const noticed = new Set<string>();
  // Types flow between files, so a file's typed result is not a function of its content alone:
  // --typed does not use the cache.
  const folder =
    options.cache === false || options.cache === undefined || options.typed
      ? undefined
      : cacheFolderOf(options.cache, options);
  const reportKey =
    folder !== undefined && options.storedReport !== false ? runKey(options, named, analyze) : undefined;
  // The folder exists before the layout lists the project's folders: its creation later on would
  // count as a change of the project.
  if (reportKey !== undefined) makeFolder(folder!);
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
  const inShard = (file: string) => !options.shard || shardOf(file, options.shard.count) === options.shard.index - 1;
  const scanned = discovery.files.map(({ path, source }) => ({
    path,
    ...(source !== undefined ? { source } : {}),
    file: display(options.cwd, path),
    selected: true as const,
  }));
  // Cross-file analysis reads the whole program under the working directory (other shards,
  // unchanged files, tests, scripts, browser code), to learn what is server code and who writes
  // and calls what; it reports only the selection's server code.
  const context = crossFile ? programFiles(options, named, new Set(scanned.map((f) => f.path))) : [];
  // Without the program, other shards' files are not read at all.
  const files: ProgramJob[] = [...scanned.filter((f) => crossFile || inShard(f.file)), ...context];
  // Nothing changed since the last run: its report, without reading a summary or linking.
  // Each file is stat'ed once, before it is read: for the stored report and the per-file results.
  const stamps = new Map<string, Stamp>(folder === undefined ? [] : files.map((f) => [f.path, stampOf(f.path)]));
  const filesKey =
    reportKey === undefined
      ? undefined
      : filesHash(files, stamps, { unreadable: discovery.unreadable, outOfScope: discovery.outOfScope });
  const stored = filesKey === undefined ? undefined : storedReport(folder!, reportKey!, filesKey);
  if (stored) {
    for (const message of stored.notices) options.onNotice?.(message);
    options.onProgress?.(files.length, files.length);
    return {
      ...stored.result,
      summary: { ...stored.result.summary, durationMs: Math.round(performance.now() - started) },
      sourceLines: linesOf(scanned, settings.limits),
    };
  }
  if (crossFile) {
    const manifests = packageManifests(
      options.cwd,
      files.map((f) => f.path),
    );
    const roots = manifests.map((m) => m.dir).sort((a, b) => b.length - a.length);
    for (const f of files) {
      const root = roots.find((dir) => f.path.startsWith(dir + sep));
      if (root !== undefined) f.packagePath = toPosix(relative(root, f.path));
    }
  }

  const cache = folder === undefined ? undefined : openCache(folder, options, settings);
  const results: FileResult[] = new Array<FileResult>(files.length);
  const pending: (FileJob & { index: number })[] = [];
  files.forEach((job, index) => {
    const hit = cache?.lookup(job.path, stamps.get(job.path));
    // What a file says about where it runs depends on the package it is in: a result computed
    // for another package folder is not reused.
    const samePackage = cache?.cached(job.path)?.packagePath === job.packagePath;
    if (hit && 'fresh' in hit && samePackage) results[index] = hit.fresh;
    else {
      const knownHash = hit && 'knownHash' in hit && samePackage ? hit.knownHash : undefined;
      pending.push({ ...job, index, ...(knownHash ? { knownHash } : {}) });
    }
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
    if (job.packagePath !== undefined) result.packagePath = job.packagePath;
    else delete result.packagePath;
    results[job.index] = result;
    cache?.store(job.path, outcome.hash, result);
  });
  cache?.save();
  options.onProgress?.(files.length, files.length);

  const findings: Finding[] = [];
  const errors: ScanError[] = [];
  const skipped: SkippedFile[] = [];
  const layout = new ProjectLayout(options.cwd, new Set(files.map((f) => f.path)), options.project, notice);
  const scope = crossFile
    ? runScope(files, results, layout, {
        cwd: options.cwd,
        base: selection.base,
        defaultScope: selection.defaultScope,
      })
    : undefined;
  // Reported: selected, in the shard, and server code.
  const reported = files.map((f, i) => f.selected === true && inShard(f.file) && (scope?.isServer(i) ?? true));
  for (const { path, reason } of discovery.unreadable) {
    const file = display(options.cwd, path);
    if (!inShard(file)) continue;
    const kind = notRegularKind(path);
    if (kind !== undefined) skipped.push({ file, kind: 'not-regular', reason: `not a regular file (${kind})` });
    else errors.push({ file, message: reason });
  }
  const positions = new Reported(files, results);
  const linked = crossFile
    ? linkProgram({
        files: files.map((f, i) => ({
          path: f.path,
          context: !reported[i],
          // Tests, scripts, CLIs and browser code call server modules, never at request time.
          ...(scope?.isServer(i) === false ? { outside: true } : {}),
          findings: results[i]!.findings,
          ...(results[i]!.summary ? { summary: results[i]!.summary } : {}),
        })),
        resolve: (from, specifier) => layout.resolve(from, specifier),
        options: analyze,
        where: (file, offset) => positions.where(file, offset),
      })
    : { findings: results.flatMap((r, i) => (reported[i] ? ownFindings(i, r) : [])), failures: [] };
  for (const found of linked.findings) {
    const f = positions.finding(found);
    const confidence = confidenceOf(found.doubt);
    // A configured severity wins; else certain findings are errors and likely ones warnings.
    const severity =
      (options.severity?.[found.category] as Severity | undefined) ?? (confidence === 'certain' ? 'error' : 'warn');
    // The contract's order of keys; `subject` and `confidence`, added later, last.
    const { ruleId, category, subject, ...rest } = f;
    rest.message = withDoubt(rest.message, found.doubt);
    findings.push({ ruleId, category, severity, ...rest, subject, confidence });
  }
  for (const failure of linked.failures)
    errors.push({
      file: files[failure.file]!.file,
      message:
        failure.error === undefined
          ? UNSETTLED
          : internalError('cross-file analysis of this module failed', failure.error, options.debug ?? false),
    });
  const unusedDirectives: Finding[] = [];
  results.forEach((result, i) => {
    if (!reported[i]) {
      // Files skipped on purpose have no scope of their own: the path scope says whether to list them.
      if (result.skipped && files[i]!.selected && inShard(files[i]!.file) && scope?.isServer(i) !== false)
        skipped.push(result.skipped);
      return;
    }
    errors.push(...result.errors);
    if (result.skipped) skipped.push(result.skipped);
    for (const d of result.unusedDirectives ?? []) unusedDirectives.push(unusedDirective(files[i]!.file, d));
  });
  findings.sort(compareFindings);
  errors.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.message < b.message ? -1 : a.message > b.message ? 1 : 0,
  );
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  // Named files that are not server code are listed as left out, with why.
  const outOfScope = discovery.outOfScope.map((s) => ({ file: display(options.cwd, s.path), reason: s.reason }));
  if (scope) {
    const namedFiles = new Set(named.map((p) => resolve(options.cwd, p)));
    files.forEach((f, i) => {
      const why = namedFiles.has(f.path) ? scope.whyNot(i) : undefined;
      if (why !== undefined) outOfScope.push({ file: f.file, reason: why });
    });
  }
  const result: ScanResult = {
    findings,
    errors,
    skipped,
    outOfScope,
    summary: {
      files: reported.filter(Boolean).length,
      findings: findings.length,
      errors: errors.length,
      skipped: countSkipped(skipped),
      ...(scope ? { scope: scope.summary } : {}),
      durationMs: Math.round(performance.now() - started),
    },
    sourceLines: linesOf(scanned, settings.limits),
    ...(unusedDirectives.length > 0 ? { unusedDirectives } : {}),
    ...(scope
      ? {
          explainScope: (path: string) => scope.explain(path),
          entryPoints: scope.entries.map((e) => ({ path: e.path, why: e.why })),
          fileScopes: files.map((f, i) => ({ path: f.path, scope: scope.contextOf(i) ?? ('server' as const) })),
        }
      : {}),
  };
  if (filesKey !== undefined) {
    const { sourceLines: _lines, explainScope: _explain, ...plain } = result;
    storeReport(folder!, {
      key: reportKey!,
      files: filesKey,
      inputs: [...inputs],
      notices: [...noticed],
      result: { ...plain, summary: { ...plain.summary, durationMs: 0 } },
    });
  }
  return result;
}

/** Code frames read a reported file again, as its job did: its own path (a link's target), its decoding. */
function linesOf(
  scanned: readonly { file: string; path: string; source?: string }[],
  settingsLimits: Limits | undefined,
): (file: string) => readonly string[] | undefined {
  const readFrom = new Map(scanned.map((f) => [f.file, f.source ?? f.path]));
  const limits = { maxFileSize: settingsLimits?.maxFileSize ?? DEFAULT_LIMITS.maxFileSize, skipGenerated: false };
  return (file) => {
    const path = readFrom.get(file);
    const read = path === undefined ? undefined : readSource(path, limits);
    return read && 'text' in read ? sourceLines(read.text) : undefined;
  };
}

/**
 * What a stored report depends on besides the files and inputs: statecheck's code and version,
 * and every option of the run that changes its result.
 */
function runKey(options: ScanOptions, named: readonly string[], analyze: AnalyzeOptions): string {
  const selection = options.selection;
  return cacheKey(packageVersion() ?? '', {
    cwd: options.cwd,
    named: named.map((p) => resolve(options.cwd, p)),
    analyze,
    selection: selection && { ...selection, only: selection.only && [...selection.only].sort() },
    severity: options.severity,
    shard: options.shard,
    crossFile: options.crossFile ?? true,
    project: options.project,
    limits: options.limits ?? DEFAULT_LIMITS,
    debug: options.debug ?? false,
  });
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
    confidence: 'certain',
  };
}

const UNSETTLED =
  'cross-file analysis stopped at its bound before settling (a very long chain of calls between modules): findings that depend on this module may be missing';

/** A file's own findings, as they are without the program (no cross-file analysis). */
function ownFindings(file: number, result: FileResult): ProgramFinding[] {
  return result.findings.map((f, own) => ({
    file,
    category: f.category,
    subject: f.subject,
    start: f.start,
    end: f.end,
    message: f.message,
    suggestion: f.suggestion,
    related: f.related.map((r) => ({ file, start: r.start, message: r.message })),
    ...(ownDoubt(f) ? { doubt: ownDoubt(f) } : {}),
    own,
  }));
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

function cacheFolderOf(location: string, options: ScanOptions): string | undefined {
  const folder = cacheFolder(location, options.cwd);
  if (folder === undefined)
    options.onNotice?.(
      `cache not used: ${display(options.cwd, location)} leads out of the project through a symbolic link`,
    );
  return folder;
}

function makeFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch {
    // Read-only: the report is not stored, the run goes on.
  }
}

function openCache(folder: string, options: ScanOptions, settings: AnalysisSettings): ResultCache {
  return new ResultCache(folder, cacheKey(packageVersion() ?? '', { cwd: options.cwd, settings }));
}

/** A file of the run: `selected` when the command line (and configuration) selects it for reporting. */
interface ProgramJob {
  path: string;
  source?: string;
  file: string;
  selected?: true;
  packagePath?: string;
}

/**
 * The rest of the program, read without being selected: every source file under the working
 * directory (and under named paths outside it) but those never read (dependencies, build
 * output, bundles), whatever the configuration's globs and the changed-file list say.
 */
function programFiles(options: ScanOptions, named: readonly string[], selected: ReadonlySet<string>): ProgramJob[] {
  const selection = options.selection;
  // The whole project selected, without globs or a changed-file list: discovery walked it already.
  const whole =
    named.every((p) => resolve(options.cwd, p) === options.cwd) &&
    (selection === undefined ||
      (selection.include.length === 0 && selection.exclude.length === 0 && selection.only === undefined));
  if (whole) return [];
  const outside = named.filter((p) => isOutside(relative(options.cwd, resolve(options.cwd, p))));
  const wide = discover(options.cwd, ['.', ...outside], {
    base: options.cwd,
    include: [],
    exclude: [],
    defaultScope: false,
    program: true,
  });
  return wide.files.flatMap(({ path, source }) =>
    selected.has(path) ? [] : [{ path, ...(source !== undefined ? { source } : {}), file: display(options.cwd, path) }],
  );
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
