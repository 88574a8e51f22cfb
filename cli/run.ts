import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pc from 'picocolors';
import {
  applyBaseline,
  type Baseline,
  BASELINE_FILE,
  baselineName,
  covers,
  coversAll,
  entryPath,
  findBaseline,
  readBaseline,
  type RunExtent,
  writeBaseline,
} from './baseline.js';
import { DEFAULT_CACHE_LOCATION } from './cache.js';
import { loadConfig } from './config.js';
import { errorMessage, UsageError } from './errors.js';
import { describe, readRegularFile } from './files.js';
import { mergeReports } from './merge.js';
import { checkInit, detectLayout, initConfig, writeInitConfig } from './init.js';
import { printConfig } from './print-config.js';
import { HELP, MERGE_HELP, type MergeOptions, type Options, parseOptions, type ScanCommand } from './options.js';
import { packageVersion } from './package.js';
import { changedFiles } from './git.js';
import { defaultJobs } from './pool.js';
import { isFile } from './project.js';
import { terminalLine, terminalLines } from './reporters/escape.js';
import { REPORTERS } from './reporters/index.js';
import { DEFAULT_WIDTH, plural, scopeLine, summaryLine } from './reporters/util.js';
import { compareFindings, display, scan } from './scan.js';
import type { ScanResult } from './types.js';

/** Where the CLI writes; tests pass their own. */
export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colours). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress line). */
  stderrIsTTY?: boolean;
  /** The terminal's width in columns, when stdout is one. */
  columns?: number;
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI and returns its exit code. Never throws for user errors. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const options = parseOptions(argv);
    if (options.command === 'scan') debug = options.debug;
    return await execute(options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const hint = error.hint || 'run `statecheck --help` for usage';
      // Messages quote names and text from files (configuration keys, a baseline's first bytes).
      io.stderr(`statecheck: ${terminalLine(error.message)}\n  ${terminalLine(hint)}\n`);
      return 2;
    }
    io.stderr(`statecheck: internal error: ${terminalLine(errorMessage(error))}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${terminalLines(error.stack)}\n`);
    else io.stderr('  run with --debug for the stack trace, and please report it\n');
    return 2;
  }
}

/** Carries out checked options and returns the exit code. Throws a UsageError for a problem of the run (a path, the configuration, a report that cannot be written). */
export async function execute(options: Options, io: Io): Promise<number> {
  switch (options.command) {
    case 'help':
      io.stdout(options.topic === 'merge' ? MERGE_HELP : HELP);
      return 0;
    case 'version':
      io.stdout(`${packageVersion() ?? 'unknown'}\n`);
      return 0;
    case 'merge':
      return mergeCommand(options, io);
    case 'scan':
      return scanCommand(options, io);
  }
}

/** What a scan reports, after the baseline and `--quiet`, and the exit code it gives; or, with `--update-baseline`, what was written. */
export type ScanOutcome =
  | { reported: ScanResult; exitCode: number }
  | { updated: string }
  /** `--explain-scope`: the explanation, to print instead of a report. */
  | { explained: string };

/**
 * Everything a scan command does but print: the configuration, the scan, the baseline (read, or
 * written with `--update-baseline`), `--quiet`, the exit code. The CLI and the programmatic API
 * (cli/api.ts) both run this.
 */
export async function scanReport(options: ScanCommand, io: Io): Promise<ScanOutcome> {
  const project = options.project === undefined ? undefined : resolve(io.cwd, options.project);
  if (project !== undefined && !isFile(project))
    throw new UsageError(`--project: no such file: ${options.project}`, 'name a tsconfig.json or jsconfig.json');
  const cache = options.cache ? resolve(io.cwd, options.cacheLocation ?? DEFAULT_CACHE_LOCATION) : false;

  if (options.init) checkInit(io.cwd);
  const config = loadConfig(io.cwd, options.config);
  // Warnings quote the configuration file (its keys): escaped, like everything printed from a file.
  for (const warning of config.warnings) io.stderr(`statecheck: ${terminalLine(warning)}\n`);
  const only = options.changed || options.since !== undefined ? changedFiles(io.cwd, options.since) : undefined;
  const machine = options.format !== 'pretty' && options.format !== 'markdown';
  const reportUnused = options.reportUnusedDisableDirectives ?? CI_FORMATS.includes(options.format);
  const progress = io.stderrIsTTY && !machine && options.output === undefined ? progressLine(io) : undefined;
  const result = await scan({
    jobs: options.jobs ?? defaultJobs(),
    cache,
    shard: options.shard,
    cwd: io.cwd,
    paths: options.paths,
    debug: options.debug,
    selection: {
      base: config.base,
      include: config.include,
      exclude: config.exclude,
      defaultScope: config.defaultScope,
      only,
    },
    severity: config.severity,
    analyze: {
      allow: config.allow,
      singleInstance: config.singleInstance,
      packages: config.packages,
      ...(reportUnused ? { reportUnusedDirectives: true } : {}),
    },
    onProgress: progress?.update,
    crossFile: options.crossFile,
    ...(project !== undefined ? { project } : {}),
    ...(options.typed ? { typed: true } : {}),
    limits: {
      maxFileSize: options.maxFileSize ?? config.maxFileSize,
      skipGenerated: options.analyseGenerated ? false : config.skipGenerated,
    },
    onNotice: (message) => io.stderr(`statecheck: ${message}\n`),
    ...(options.explainScope !== undefined ? { storedReport: false } : {}),
  });
  progress?.done();
  if (options.explainScope !== undefined) return { explained: explainScope(options.explainScope, options, result, io) };
  if (options.printConfig !== undefined) {
    const why = result.explainScope?.(resolve(io.cwd, options.printConfig)) ?? [];
    return { explained: printConfig({ ...options, cwd: io.cwd, file: options.printConfig }, config, result, why) };
  }
  let initialised = '';
  if (options.init) {
    const name = writeInitConfig(io.cwd, initConfig(io.cwd, detectLayout(io.cwd, result)));
    initialised = `statecheck: wrote ${name}: the layout it found is in its comments\n`;
    if (options.baseline === undefined) return { explained: initialised };
  }

  // What this run looked at: a partial run updates and judges only its own part of the baseline.
  const extent: RunExtent = {
    cwd: io.cwd,
    paths: options.paths.length > 0 ? options.paths.map((p) => resolve(io.cwd, p)) : [io.cwd],
    ...(only ? { only } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  };
  const baselinePath = findBaseline(io.cwd, options.baseline);
  if (options.updateBaseline || options.init) {
    const target = baselinePath ?? resolve(io.cwd, BASELINE_FILE);
    const name = baselineName(io.cwd, target);
    let previous: Baseline | undefined;
    try {
      if (existsSync(target)) previous = readBaseline(io.cwd, target, name);
    } catch (error) {
      // A broken baseline is replaced by a run that covers all of it; a partial run would lose the rest.
      if (!coversAll(extent, target)) throw error;
    }
    const kept = writeBaseline(io.cwd, target, result.findings, previous, extent);
    const written = plural(result.findings.length, 'finding');
    return {
      updated: `${initialised}statecheck: wrote ${written} to ${terminalLine(name)}${kept > 0 ? ` and kept ${plural(kept, 'entry', 'entries')} of files outside this run` : ''}\n`,
    };
  }
  if (!options.noBaseline && baselinePath !== undefined) {
    const name = options.baseline ?? baselineName(io.cwd, baselinePath);
    if (!existsSync(baselinePath))
      throw new UsageError(`baseline not found: ${name}`, 'create it with `statecheck --update-baseline`');
    const outcome = applyBaseline(result.findings, readBaseline(io.cwd, baselinePath, name), (entry) => {
      const file = entryPath(baselinePath, entry);
      return file !== undefined && covers(extent, file);
    });
    result.findings = outcome.fresh;
    result.baseline = { file: name, suppressed: outcome.suppressed, stale: outcome.stale };
  }
  // Unused suppressions are about the comments of this checkout: never baselined.
  if (result.unusedDirectives) result.findings = [...result.findings, ...result.unusedDirectives].sort(compareFindings);
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const reported: ScanResult = options.quiet
    ? { ...result, findings: result.findings.filter((f) => f.severity === 'error') }
    : result;
  reported.summary = { ...reported.summary, findings: reported.findings.length };
  const failing = options.failOn === 'warn' ? errors + warnings : errors;
  const exitCode = failing > 0 || (options.maxWarnings !== undefined && warnings > options.maxWarnings) ? 1 : 0;
  return { reported, exitCode };
}

/** `statecheck [options] [paths...]`: scan, apply the baseline, report. */
async function scanCommand(options: ScanCommand, io: Io): Promise<number> {
  const reporter = REPORTERS[options.format]!;
  const colors = pc.createColors(options.color ?? colorByEnvironment(io));
  const outcome = await scanReport(options, io);
  if ('updated' in outcome) {
    io.stdout(outcome.updated);
    return 0;
  }
  if ('explained' in outcome) {
    io.stdout(outcome.explained);
    return 0;
  }
  const { reported, exitCode } = outcome;
  const text = reporter(reported, { cwd: io.cwd, colors, width: terminalWidth(io) });
  if (options.output !== undefined) {
    writeReport(io.cwd, options.output, text);
    io.stdout(
      `${summaryLine(reported, { cwd: io.cwd, colors })}\n${colors.dim(`report written to ${terminalLine(options.output)}`)}\n`,
    );
  } else {
    io.stdout(text);
  }
  return exitCode;
}

/** `--explain-scope <file>`: why the file is or is not server code; with `--debug`, the scope summary too. */
function explainScope(file: string, options: ScanCommand, result: ScanResult, io: Io): string {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UsageError(`--explain-scope: no such file: ${file}`, 'name a file of the project');
  const lines = result.explainScope?.(path) ?? [];
  if (options.debug) {
    lines.push('', scopeLine(result) ?? '');
    for (const entry of result.entryPoints ?? [])
      lines.push(`  entry point: ${display(io.cwd, entry.path)} (${entry.why})`);
  }
  return `${terminalLines(lines.join('\n'))}\n`;
}

/** `scanned 120/5000 files` on stderr, redrawn at most ten times a second, only on long runs. */
function progressLine(io: Io): { update: (done: number, total: number) => void; done: () => void } {
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - started < 500 || now - last < 100) return;
      last = now;
      shown = true;
      io.stderr(`\r\u001b[2Kstatecheck: scanned ${done}/${total} files`);
    },
    done() {
      if (shown) io.stderr('\r\u001b[2K');
    },
  };
}

/** `statecheck merge <reports...>`: one JSON or SARIF report from shard reports. */
function mergeCommand(options: MergeOptions, io: Io): number {
  const merged = mergeReports(options.reports.map((file) => ({ file, text: readReport(io.cwd, file) })));
  if (options.output !== undefined) writeReport(io.cwd, options.output, merged.text);
  else io.stdout(merged.text);
  return merged.failing ? 1 : 0;
}

/** `--output`: a full disk or a read-only folder is a message and exit code 2, not an internal error. */
function writeReport(cwd: string, output: string, text: string): void {
  try {
    const target = resolve(cwd, output);
    mkdirSync(dirname(target), { recursive: true });
    // statecheck-disable-next-line file-write -- --output asks for the report on the local disk
    writeFileSync(target, text);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${describe(error)}`, 'check the path given to --output');
  }
}

/** A shard report: regular files only (a pipe or a device would hang the merge), of a size a string can hold. */
function readReport(cwd: string, file: string): string {
  const read = readRegularFile(resolve(cwd, file), MAX_REPORT_BYTES);
  if ('bytes' in read) return read.bytes.toString('utf8');
  const why =
    'error' in read
      ? read.error
      : 'notRegular' in read
        ? `not a regular file (${read.notRegular})`
        : 'larger than 256 MiB';
  throw new UsageError(`merge: cannot read ${file}: ${why}`, 'merge takes report files written with --output');
}

const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** The formats CI reads, where unused suppressions are reported unless `--no-report-unused-disable-directives`. */
const CI_FORMATS = ['json', 'sarif', 'github', 'gitlab', 'junit'];

/** The terminal's columns when standard output is one (at least 40 of them), else 100. */
function terminalWidth(io: Io): number {
  return io.isTTY && io.columns !== undefined && io.columns >= 40 ? io.columns : DEFAULT_WIDTH;
}

function colorByEnvironment(io: Io): boolean {
  if ('NO_COLOR' in io.env && io.env.NO_COLOR !== '') return false;
  if ('FORCE_COLOR' in io.env) return io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false';
  return io.isTTY && io.env.TERM !== 'dumb';
}
