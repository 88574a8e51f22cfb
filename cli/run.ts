import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { applyBaseline, BASELINE_FILE, baselineExists, readBaseline, writeBaseline } from './baseline.js';
import { loadConfig } from './config.js';
import { changedFiles } from './git.js';
import { summaryLine } from './reporters/pretty.js';
import { FORMATS, REPORTERS } from './reporters/index.js';
import { scan, type ScanResult, UsageError } from './scan.js';
import { packageVersion } from './version.js';

export const HELP = `statecheck: find process-bound state in Node.js server code before you scale out

Usage: statecheck [options] [paths...]

Scans the given files and directories (default: the current directory) for state kept in the
server process: module-level maps, local file writes, in-memory sessions, caches, rate limits,
socket registries, in-process schedulers and locks, and global mutation.

Options:
  -f, --format <name>      output format: ${FORMATS.join(', ')} (default: pretty)
  -o, --output <file>      write the report to a file; the terminal gets the summary
  -c, --config <file>      use this configuration file instead of searching for one
      --changed            only files changed against HEAD (staged included) and untracked files
      --since <git-ref>    only files changed since the merge base with <git-ref> (pull requests)
      --baseline <file>    report only findings not in this baseline (default: ${BASELINE_FILE} if present)
      --no-baseline        ignore any baseline
      --update-baseline    record every current finding in the baseline file and exit 0
      --fail-on <level>    exit 1 on findings at or above: error (default) or warn
      --max-warnings <n>   exit 1 when there are more than <n> warnings
  -q, --quiet              report errors only, not warnings
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
export function run(argv: readonly string[], io: Io): number {
  let debug = argv.includes('--debug');
  try {
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
    const reporter = REPORTERS[values.format];
    if (!reporter) throw new UsageError(`unknown format "${values.format}"`, `use one of: ${FORMATS.join(', ')}`);
    const failOn = values['fail-on'];
    if (failOn !== 'error' && failOn !== 'warn') throw new UsageError(`--fail-on: expected "error" or "warn", got "${failOn}"`);
    const maxWarnings = values['max-warnings'] === undefined ? undefined : Number(values['max-warnings']);
    if (maxWarnings !== undefined && (!Number.isInteger(maxWarnings) || maxWarnings < 0)) {
      throw new UsageError(`--max-warnings: expected a whole number, got "${values['max-warnings']}"`);
    }
    if (values.changed && values.since !== undefined) throw new UsageError('--changed and --since cannot be combined');
    if (values.baseline !== undefined && values['no-baseline']) throw new UsageError('--baseline and --no-baseline cannot be combined');
    const useColor = values['no-color'] ? false : values.color ? true : colorByEnvironment(io);
    const colors = pc.createColors(useColor);

    const config = loadConfig(io.cwd, values.config);
    for (const warning of config.warnings) io.stderr(`statecheck: ${warning}\n`);
    const only = values.changed || values.since !== undefined ? changedFiles(io.cwd, values.since) : undefined;
    const machine = values.format !== 'pretty' && values.format !== 'markdown';
    const progress = io.stderrIsTTY && !machine && values.output === undefined ? progressLine(io) : undefined;
    const result = scan({
      cwd: io.cwd,
      paths: positionals,
      debug,
      selection: { base: config.base, include: config.include, exclude: config.exclude, defaultScope: config.defaultScope, only },
      severity: config.severity,
      analyze: { allow: config.allow, singleInstance: config.singleInstance, packages: config.packages },
      onProgress: progress?.update,
    });
    progress?.done();

    const baselineFile = values.baseline ?? BASELINE_FILE;
    if (values['update-baseline']) {
      writeBaseline(io.cwd, baselineFile, result.findings);
      io.stdout(`statecheck: wrote ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} to ${baselineFile}\n`);
      return 0;
    }
    if (!values['no-baseline'] && (values.baseline !== undefined || baselineExists(io.cwd, baselineFile))) {
      if (!baselineExists(io.cwd, baselineFile)) throw new UsageError(`baseline not found: ${baselineFile}`, 'create it with `statecheck --update-baseline`');
      const outcome = applyBaseline(result.findings, readBaseline(io.cwd, baselineFile));
      result.findings = outcome.fresh;
      result.baseline = { file: baselineFile, suppressed: outcome.suppressed, stale: outcome.stale };
    }
    const errors = result.findings.filter((f) => f.severity === 'error').length;
    const warnings = result.findings.length - errors;
    const reported: ScanResult = values.quiet ? { ...result, findings: result.findings.filter((f) => f.severity === 'error') } : result;
    reported.summary = { ...reported.summary, findings: reported.findings.length };

    const text = reporter(reported, { cwd: io.cwd, colors });
    if (values.output !== undefined) {
      const target = resolve(io.cwd, values.output);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      io.stdout(`${summaryLine(reported, { cwd: io.cwd, colors })}\n${colors.dim(`report written to ${values.output}`)}\n`);
    } else {
      io.stdout(text);
    }
    const failing = failOn === 'warn' ? errors + warnings : errors;
    return failing > 0 || (maxWarnings !== undefined && warnings > maxWarnings) ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = error instanceof UsageError && error.hint ? error.hint : 'run `statecheck --help` for usage';
      io.stderr(`statecheck: ${message}\n  ${hint}\n`);
      return 2;
    }
    io.stderr(`statecheck: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
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

function colorByEnvironment(io: Io): boolean {
  if ('NO_COLOR' in io.env && io.env.NO_COLOR !== '') return false;
  if ('FORCE_COLOR' in io.env) return io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false';
  return io.isTTY && io.env.TERM !== 'dumb';
}

function isParseArgsError(error: unknown): error is Error {
  const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
