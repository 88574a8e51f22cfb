import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BASELINE_FILE } from './baseline.js';
import { closest } from '../core/index.js';
import { UsageError } from './errors.js';
import { FORMATS, REPORTERS } from './reporters/index.js';

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
      --report-unused-disable-directives
                           report statecheck-disable comments that silence nothing, as warnings
                           (default: on for json, sarif, github, gitlab and junit; --no-… turns it off)
      --max-file-size <b>  skip files larger than <b> bytes, with a notice (default: 1048576; 0: no limit)
      --no-skip-generated  also analyse generated files and minified bundles (skipped by default)
      --color              force coloured output
      --no-color           disable coloured output (NO_COLOR=1 works too)
      --explain-scope <f>  say why a file is or is not server code (entry point, import chain), exit 0
      --print-config <f>   print the configuration that applies to a file: its configuration file, rules and
                           severities, scope verdict and why, baseline (--format json: as JSON), exit 0
      --init               write a commented statecheck.config.json with the layout found (workspaces,
                           entry points, front-end packages and scripts folders left out), exit 0;
                           with --baseline [file], also record today's findings in a baseline
      --debug              print stack traces of internal errors (with --explain-scope: the scope summary)
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
  statecheck --init --baseline           start: a commented configuration and a baseline of today's findings
  statecheck --explain-scope src/lib/cache.ts
  statecheck --print-config src/app.ts
  statecheck --since origin/main --format github
  statecheck --update-baseline           adopt on a legacy codebase: known findings stop failing CI
  statecheck --shard 2/4 --format json -o shard-2.json && statecheck merge shard-*.json

Suppress a finding with a reason:
  // statecheck-disable-next-line process-cache -- immutable lookup table, safe per instance
`;

export const MERGE_HELP = `Usage: statecheck merge [--output <file>] <reports...>

Merges the JSON or SARIF reports of sharded runs (\`statecheck --shard i/n\`) into one report of
the same format, with the findings of all shards and one summary; the exit code is the one a
single run would give.

Options:
  -o, --output <file>  write the merged report to a file instead of standard output
  -h, --help           show this help

Example:
  statecheck --shard 1/2 --format json -o shard-1.json
  statecheck --shard 2/2 --format json -o shard-2.json
  statecheck merge shard-1.json shard-2.json > statecheck.json
`;

const MERGE_OPTIONS = {
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

/** What a command line asks for. */
export type Options = { command: 'help'; topic?: 'merge' } | { command: 'version' } | MergeOptions | ScanCommand;

/** `statecheck merge [--output <file>] <reports...>`. */
export interface MergeOptions {
  command: 'merge';
  /** Shard reports, as given. */
  reports: string[];
  output?: string;
}

/** `statecheck [options] [paths...]`. Paths are as given: the run resolves them against its working directory. */
export interface ScanCommand {
  command: 'scan';
  /** Files and folders to scan; none: the working directory. */
  paths: string[];
  /** A name in the reporter registry. */
  format: string;
  output?: string;
  config?: string;
  changed: boolean;
  since?: string;
  baseline?: string;
  noBaseline: boolean;
  updateBaseline: boolean;
  failOn: 'error' | 'warn';
  maxWarnings?: number;
  quiet: boolean;
  /** Worker threads; undefined: CPU cores minus one. */
  jobs?: number;
  /** `--no-cache`: false. */
  cache: boolean;
  cacheLocation?: string;
  shard?: { index: number; count: number };
  /** Checked to be a file when the run starts. */
  project?: string;
  typed: boolean;
  crossFile: boolean;
  /** Undefined: the configuration's. */
  maxFileSize?: number;
  /** `--no-skip-generated`: generated and minified files are analysed whatever the configuration says. */
  analyseGenerated: boolean;
  /** `--report-unused-disable-directives` true, `--no-…` false; undefined: on for the CI formats. */
  reportUnusedDisableDirectives?: boolean;
  /** `--explain-scope <file>`: explain the scope of this file instead of reporting. */
  explainScope?: string;
  /** `--print-config <file>`: print the configuration that applies to this file instead of reporting. */
  printConfig?: string;
  /** `--init`: write a statecheck.config.json (and, with `--baseline`, a baseline) instead of reporting. */
  init: boolean;
  /** `--color` true, `--no-color` false; undefined: decided by the environment. */
  color?: boolean;
  debug: boolean;
}

/** The options of a scan, as node:util's parseArgs reads them. */
const SCAN_OPTIONS = {
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
  'report-unused-disable-directives': { type: 'boolean' },
  'no-report-unused-disable-directives': { type: 'boolean' },
  'max-file-size': { type: 'string' },
  'no-skip-generated': { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  debug: { type: 'boolean' },
  'explain-scope': { type: 'string' },
  'print-config': { type: 'string' },
  init: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies ParseArgsConfig['options'];

/**
 * The options of a command line, checked: touches no file and reads no environment. Throws a
 * UsageError for an unknown option, a missing value or one that does not fit.
 */
export function parseOptions(argv: readonly string[]): Options {
  if (argv[0] === 'merge') {
    const { values, positionals } = usageErrors(
      () =>
        parseArgs({
          args: argv.slice(1),
          allowPositionals: true,
          strict: true,
          options: MERGE_OPTIONS,
        }),
      Object.keys(MERGE_OPTIONS),
    );
    if (values.help) return { command: 'help', topic: 'merge' };
    if (positionals.length === 0)
      throw new UsageError(
        'merge: no reports given',
        'usage: statecheck merge [--output <file>] <report.json|report.sarif>...',
      );
    return { command: 'merge', reports: positionals, output: values.output };
  }
  const { values, positionals } = usageErrors(
    () => parseArgs({ args: initArgs(argv), allowPositionals: true, strict: true, options: SCAN_OPTIONS }),
    Object.keys(SCAN_OPTIONS),
  );
  if (values.help) return { command: 'help' };
  if (values.version) return { command: 'version' };
  // An own key only: `--format constructor` names no reporter.
  if (!Object.hasOwn(REPORTERS, values.format)) {
    const near = closest(values.format, FORMATS);
    throw new UsageError(
      `unknown format "${values.format}"`,
      `${near ? `did you mean "${near}"? ` : ''}use one of: ${FORMATS.join(', ')}`,
    );
  }
  const failOn = values['fail-on'];
  if (failOn !== 'error' && failOn !== 'warn')
    throw new UsageError(`--fail-on: expected "error" or "warn", got "${failOn}"`);
  const maxWarnings = values['max-warnings'] === undefined ? undefined : Number(values['max-warnings']);
  if (maxWarnings !== undefined && (!Number.isInteger(maxWarnings) || maxWarnings < 0)) {
    throw new UsageError(`--max-warnings: expected a whole number, got "${values['max-warnings']}"`);
  }
  if (values.changed && values.since !== undefined) throw new UsageError('--changed and --since cannot be combined');
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1))
    throw new UsageError(`--jobs: expected a whole number of at least 1, got "${values.jobs}"`);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const maxFileSize = parseMaxFileSize(values['max-file-size']);
  if (values.typed && values['no-cross-file'])
    throw new UsageError(
      '--typed and --no-cross-file cannot be combined',
      '--typed is part of the whole-program analysis',
    );
  if (values.baseline !== undefined && values['no-baseline'])
    throw new UsageError('--baseline and --no-baseline cannot be combined');
  if (values['explain-scope'] !== undefined && values['no-cross-file'])
    throw new UsageError(
      '--explain-scope and --no-cross-file cannot be combined',
      'what is server code is decided by the whole-program analysis',
    );
  const init = values.init ?? false;
  if (init && positionals.length > 0)
    throw new UsageError('--init takes no paths', 'run it in the folder the configuration is for');
  const only = [values['explain-scope'] !== undefined, values['print-config'] !== undefined, init];
  if (only.filter(Boolean).length > 1)
    throw new UsageError('--init, --explain-scope and --print-config cannot be combined', 'run them one at a time');
  if (values['print-config'] !== undefined && values['no-cross-file'])
    throw new UsageError(
      '--print-config and --no-cross-file cannot be combined',
      'what is server code is decided by the whole-program analysis',
    );
  if (init && (values['no-cross-file'] || values['no-baseline'] || values['update-baseline']))
    throw new UsageError('--init takes --baseline only', 'usage: statecheck --init [--baseline [file]]');
  return {
    command: 'scan',
    paths: positionals,
    format: values.format,
    output: values.output,
    config: values.config,
    changed: values.changed ?? false,
    since: values.since,
    baseline: values.baseline,
    noBaseline: values['no-baseline'] ?? false,
    updateBaseline: values['update-baseline'] ?? false,
    failOn,
    maxWarnings,
    quiet: values.quiet ?? false,
    jobs,
    cache: !values['no-cache'],
    cacheLocation: values['cache-location'],
    shard,
    project: values.project,
    typed: values.typed ?? false,
    crossFile: !values['no-cross-file'],
    maxFileSize,
    analyseGenerated: values['no-skip-generated'] ?? false,
    ...(values['no-report-unused-disable-directives']
      ? { reportUnusedDisableDirectives: false }
      : values['report-unused-disable-directives']
        ? { reportUnusedDisableDirectives: true }
        : {}),
    // `--no-color` wins over `--color`.
    color: values['no-color'] ? false : values.color ? true : undefined,
    debug: values.debug ?? false,
    ...(values['explain-scope'] !== undefined ? { explainScope: values['explain-scope'] } : {}),
    ...(values['print-config'] !== undefined ? { printConfig: values['print-config'] } : {}),
    init,
  };
}

/** `--init --baseline` with no file after it: the default baseline file. */
function initArgs(argv: readonly string[]): string[] {
  const args = [...argv];
  if (!args.includes('--init')) return args;
  const at = args.indexOf('--baseline');
  if (at >= 0 && (at === args.length - 1 || args[at + 1]!.startsWith('-'))) args.splice(at + 1, 0, BASELINE_FILE);
  return args;
}

/** parseArgs' own errors (an unknown option, a missing value) as usage errors; a did-you-mean for a misspelt option. */
function usageErrors<T>(parse: () => T, known: readonly string[]): T {
  try {
    return parse();
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    const unknown = /^Unknown option '--([^'=]+)'/.exec(error.message)?.[1];
    const near = unknown === undefined ? undefined : closest(unknown, known);
    throw new UsageError(error.message, near ? `did you mean "--${near}"?` : undefined);
  }
}

function isParseArgsError(error: unknown): error is Error {
  const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

// --shard 2/4
function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `--shard: expected <index>/<count> with 1 <= index <= count, got "${value}"`,
      'e.g. --shard 1/4 in the first of four CI jobs',
    );
  }
  return { index, count };
}

// --max-file-size 2097152
function parseMaxFileSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const bytes = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(
      `--max-file-size: expected a whole number of bytes, got "${value}"`,
      'e.g. --max-file-size 2097152 for 2 MiB, or 0 for no limit',
    );
  }
  return bytes;
}
