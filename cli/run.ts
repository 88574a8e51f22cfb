import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { applyBaseline, type Baseline, BASELINE_FILE, baselineName, covers, coversAll, entryPath, findBaseline, readBaseline, type RunExtent, writeBaseline } from './baseline.js';
import { DEFAULT_CACHE_LOCATION } from './cache.js';
import { loadConfig } from './config.js';
import { describe, readRegularFile } from './files.js';
import { mergeReports } from './merge.js';
import { defaultJobs } from './pool.js';
import { isFile } from './project.js';
import { changedFiles } from './git.js';
import { terminalLine, terminalLines } from './reporters/escape.js';
import { FORMATS, REPORTERS } from './reporters/index.js';
import { plural, summaryLine } from './reporters/util.js';
import { UsageError } from './errors.js';
import { scan } from './scan.js';
import type { ScanResult } from './types.js';
import { packageVersion } from './version.js';

export const HELP = `statecheck: find process-bound state in Node.js server code before you scale out

Usage: statecheck [options] [paths...]
       statecheck merge [--output <file>] <reports...>

Scans the given files and directories (default: the current directory) for state kept in the
server process: module-level maps, local file writes, in-memory sessions, caches, rate limits,
socket registries, in-process schedulers and locks, and global mutation.

Options:
  -f, --format <name>      output format: ${FORMATS.join(', ')} (default: pretty)
  -o, --output <file>      write the report to a file; the terminal gets the summary
  -c, --config <file>      use this configuration file instead of searching for one
      --changed            only files changed against HEAD (staged included) and untracked files
      --since <git-ref>    only files changed since the merge base with <git-ref> (pull requests)
      --baseline <file>    report only findings not in this baseline (default: ${BASELINE_FILE},
                           found from the working directory upward)
      --no-baseline        ignore any baseline
      --update-baseline    record the current findings in the baseline and exit 0 (with paths,
                           --changed, --since or --shard: only the entries of the files scanned)
      --fail-on <level>    exit 1 on findings at or above: error (default) or warn
      --max-warnings <n>   exit 1 when there are more than <n> warnings
  -q, --quiet              report errors only, not warnings
  -j, --jobs <n>           worker threads (default: CPU cores minus one)
      --no-cache           do not read or write the result cache
      --cache-location <d> where the cache lives (default: node_modules/.cache/statecheck)
      --shard <i>/<n>      scan only shard i of n (CI matrices); combine with \`statecheck merge\`
  -p, --project <file>     tsconfig.json or jsconfig.json whose path aliases apply to every file
                           (default: the nearest one to each file)
      --typed              also use the type checker: containers and stores recognised by type
      --no-cross-file      analyse each file on its own, as the ESLint plugin does
      --max-file-size <b>  skip files larger than <b> bytes, with a notice (default: 1048576; 0: no limit)
      --no-skip-generated  also analyse generated files and minified bundles (skipped by default)
      --color              force coloured output
      --no-color           disable coloured output (NO_COLOR=1 works too)
      --debug              print stack traces of internal errors
  -h, --help               show this help
  -v, --version            print the version

Configuration: statecheck.config.json (or .jsonc, or a "statecheck" key in package.json),
found from the working directory upward.

Exit codes:
  0  no findings at or above the failing severity
  1  findings at or above the failing severity (or more warnings than --max-warnings)
  2  usage, configuration or internal error

Examples:
  statecheck                             scan the current directory
  statecheck src apps/api                scan two folders
  statecheck --format json > statecheck.json
  statecheck --format sarif --output statecheck.sarif
  statecheck --changed                   pre-commit: staged and modified files only
  statecheck --since origin/main --format github
  statecheck --update-baseline           adopt on a legacy codebase: known findings stop failing CI
  statecheck --shard 2/4 --format json -o shard-2.json && statecheck merge shard-*.json

Suppress a finding with a reason:
  // statecheck-disable-next-line process-cache -- immutable lookup table, safe per instance
`;

/** Where the CLI writes; tests pass their own. */
export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colours). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress line). */
  stderrIsTTY?: boolean;
  env: NodeJS.ProcessEnv;
}


/** Runs the CLI and returns its exit code. Never throws for user errors. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    if (argv[0] === 'merge') return mergeCommand(argv.slice(1), io);
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f', default: 'pretty' },
        output: { type: 'string', short: 'o' },
        config: { type: 'string', short: 'c' },
        changed: { type: 'boolean' },
        since: { type: 'string' },
        baseline: { type: 'string' },
        'no-baseline': { type: 'boolean' },
        'update-baseline': { type: 'boolean' },
        'fail-on': { type: 'string', default: 'error' },
        'max-warnings': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        jobs: { type: 'string', short: 'j' },
        cache: { type: 'boolean' },
        'no-cache': { type: 'boolean' },
        'cache-location': { type: 'string' },
        shard: { type: 'string' },
        project: { type: 'string', short: 'p' },
        typed: { type: 'boolean' },
        'no-cross-file': { type: 'boolean' },
        'max-file-size': { type: 'string' },
        'no-skip-generated': { type: 'boolean' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        debug: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
    debug = values.debug ?? false;
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    if (values.version) {
      io.stdout(`${packageVersion() ?? 'unknown'}\n`);
      return 0;
    }
    // An own key only: `--format constructor` names no reporter.
    const reporter = Object.hasOwn(REPORTERS, values.format) ? REPORTERS[values.format] : undefined;
    if (!reporter) throw new UsageError(`unknown format "${values.format}"`, `use one of: ${FORMATS.join(', ')}`);
    const failOn = values['fail-on'];
    if (failOn !== 'error' && failOn !== 'warn') throw new UsageError(`--fail-on: expected "error" or "warn", got "${failOn}"`);
    const maxWarnings = values['max-warnings'] === undefined ? undefined : Number(values['max-warnings']);
    if (maxWarnings !== undefined && (!Number.isInteger(maxWarnings) || maxWarnings < 0)) {
      throw new UsageError(`--max-warnings: expected a whole number, got "${values['max-warnings']}"`);
    }
    if (values.changed && values.since !== undefined) throw new UsageError('--changed and --since cannot be combined');
    const jobs = values.jobs === undefined ? defaultJobs() : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs: expected a whole number of at least 1, got "${values.jobs}"`);
    const shard = values.shard === undefined ? undefined : parseShard(values.shard);
    const maxFileSize = values['max-file-size'] === undefined ? undefined : Number(values['max-file-size']);
    if (maxFileSize !== undefined && (!/^\d+$/.test(values['max-file-size']!) || !Number.isSafeInteger(maxFileSize))) {
      throw new UsageError(`--max-file-size: expected a whole number of bytes, got "${values['max-file-size']}"`, 'e.g. --max-file-size 2097152 for 2 MiB, or 0 for no limit');
    }
    const project = values.project === undefined ? undefined : resolve(io.cwd, values.project);
    if (project !== undefined && !isFile(project)) throw new UsageError(`--project: no such file: ${values.project}`, 'name a tsconfig.json or jsconfig.json');
    if (values.typed && values['no-cross-file']) throw new UsageError('--typed and --no-cross-file cannot be combined', '--typed is part of the whole-program analysis');
    const cache = values['no-cache'] ? false : resolve(io.cwd, values['cache-location'] ?? DEFAULT_CACHE_LOCATION);
    if (values.baseline !== undefined && values['no-baseline']) throw new UsageError('--baseline and --no-baseline cannot be combined');
    const useColor = values['no-color'] ? false : values.color ? true : colorByEnvironment(io);
    const colors = pc.createColors(useColor);

    const config = loadConfig(io.cwd, values.config);
    // Warnings quote the configuration file (its keys): escaped, like everything printed from a file.
    for (const warning of config.warnings) io.stderr(`statecheck: ${terminalLine(warning)}\n`);
    const only = values.changed || values.since !== undefined ? changedFiles(io.cwd, values.since) : undefined;
    const machine = values.format !== 'pretty' && values.format !== 'markdown';
    const progress = io.stderrIsTTY && !machine && values.output === undefined ? progressLine(io) : undefined;
    const result = await scan({
      jobs,
      cache,
      shard,
      cwd: io.cwd,
      paths: positionals,
      debug,
      selection: { base: config.base, include: config.include, exclude: config.exclude, defaultScope: config.defaultScope, only },
      severity: config.severity,
      analyze: { allow: config.allow, singleInstance: config.singleInstance, packages: config.packages },
      onProgress: progress?.update,
      crossFile: !values['no-cross-file'],
      ...(project !== undefined ? { project } : {}),
      ...(values.typed ? { typed: true } : {}),
      limits: { maxFileSize: maxFileSize ?? config.maxFileSize, skipGenerated: values['no-skip-generated'] ? false : config.skipGenerated },
      onNotice: (message) => io.stderr(`statecheck: ${message}\n`),
    });
    progress?.done();

    // What this run looked at: a partial run updates and judges only its own part of the baseline.
    const extent: RunExtent = {
      cwd: io.cwd,
      paths: positionals.length > 0 ? positionals.map((p) => resolve(io.cwd, p)) : [io.cwd],
      ...(only ? { only } : {}),
      ...(shard ? { shard } : {}),
    };
    const baselinePath = findBaseline(io.cwd, values.baseline);
    if (values['update-baseline']) {
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
      io.stdout(`statecheck: wrote ${written} to ${terminalLine(name)}${kept > 0 ? ` and kept ${plural(kept, 'entry', 'entries')} of files outside this run` : ''}\n`);
      return 0;
    }
    if (!values['no-baseline'] && baselinePath !== undefined) {
      const name = values.baseline ?? baselineName(io.cwd, baselinePath);
      if (!existsSync(baselinePath)) throw new UsageError(`baseline not found: ${name}`, 'create it with `statecheck --update-baseline`');
      const outcome = applyBaseline(result.findings, readBaseline(io.cwd, baselinePath, name), (entry) => {
        const file = entryPath(baselinePath, entry);
        return file !== undefined && covers(extent, file);
      });
      result.findings = outcome.fresh;
      result.baseline = { file: name, suppressed: outcome.suppressed, stale: outcome.stale };
    }
    const errors = result.findings.filter((f) => f.severity === 'error').length;
    const warnings = result.findings.length - errors;
    const reported: ScanResult = values.quiet ? { ...result, findings: result.findings.filter((f) => f.severity === 'error') } : result;
    reported.summary = { ...reported.summary, findings: reported.findings.length };

    const text = reporter(reported, { cwd: io.cwd, colors });
    if (values.output !== undefined) {
      writeReport(io.cwd, values.output, text);
      io.stdout(`${summaryLine(reported, { cwd: io.cwd, colors })}\n${colors.dim(`report written to ${terminalLine(values.output)}`)}\n`);
    } else {
      io.stdout(text);
    }
    const failing = failOn === 'warn' ? errors + warnings : errors;
    return failing > 0 || (maxWarnings !== undefined && warnings > maxWarnings) ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = error instanceof UsageError && error.hint ? error.hint : 'run `statecheck --help` for usage';
      // Messages quote names and text from files (configuration keys, a baseline's first bytes).
      io.stderr(`statecheck: ${terminalLine(message)}\n  ${terminalLine(hint)}\n`);
      return 2;
    }
    io.stderr(`statecheck: internal error: ${terminalLine(error instanceof Error ? error.message : String(error))}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${terminalLines(error.stack)}\n`);
    else io.stderr('  run with --debug for the stack trace, and please report it\n');
    return 2;
  }
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

// --shard 2/4
function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: expected <index>/<count> with 1 <= index <= count, got "${value}"`, 'e.g. --shard 1/4 in the first of four CI jobs');
  }
  return { index, count };
}

/** `statecheck merge <reports...>`: one JSON or SARIF report from shard reports. */
function mergeCommand(argv: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { output: { type: 'string', short: 'o' } },
  });
  if (positionals.length === 0) throw new UsageError('merge: no reports given', 'usage: statecheck merge [--output <file>] <report.json|report.sarif>...');
  const merged = mergeReports(positionals.map((file) => ({ file, text: readReport(io.cwd, file) })));
  if (values.output !== undefined) writeReport(io.cwd, values.output, merged.text);
  else io.stdout(merged.text);
  return merged.failing ? 1 : 0;
}

/** `--output`: a full disk or a read-only folder is a message and exit code 2, not an internal error. */
function writeReport(cwd: string, output: string, text: string): void {
  try {
    const target = resolve(cwd, output);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${describe(error)}`, 'check the path given to --output');
  }
}

/** A shard report: regular files only (a pipe or a device would hang the merge), of a size a string can hold. */
function readReport(cwd: string, file: string): string {
  const read = readRegularFile(resolve(cwd, file), MAX_REPORT_BYTES);
  if ('bytes' in read) return read.bytes.toString('utf8');
  const why = 'error' in read ? read.error : 'notRegular' in read ? `not a regular file (${read.notRegular})` : 'larger than 256 MiB';
  throw new UsageError(`merge: cannot read ${file}: ${why}`, 'merge takes report files written with --output');
}

const MAX_REPORT_BYTES = 256 * 1024 * 1024;

function colorByEnvironment(io: Io): boolean {
  if ('NO_COLOR' in io.env && io.env.NO_COLOR !== '') return false;
  if ('FORCE_COLOR' in io.env) return io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false';
  return io.isTTY && io.env.TERM !== 'dumb';
}

function isParseArgsError(error: unknown): error is Error {
  const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
