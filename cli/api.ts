/**
 * `import { scan } from 'statecheck/api'`: what `statecheck --format json` does, without
 * spawning it. The options are the CLI's, by their long names in camelCase; the result is the
 * JSON report's object.
 */
import { resolve } from 'node:path';
import { closest } from '../core/index.js';
import { UsageError } from './errors.js';
import { parseOptions } from './options.js';
import { reportJson } from './reporters/escape.js';
import { jsonReport } from './reporters/json.js';
import { type Io, scanReport } from './run.js';
import type { JsonReport } from './contract.js';

export type {
  BaselineSummary,
  Finding,
  JsonReport,
  RelatedLocation,
  ReportSummary,
  ScanError,
  ScopeSummary,
  SkippedFile,
  SkipKind,
} from './contract.js';
export type { Category, Severity, Suggestion } from '../core/ids.js';

/** The options of `scan()`: the CLI's, by their long names in camelCase (`--fail-on` is `failOn`). */
export interface ScanOptions {
  /** The working directory: paths, the configuration and the baseline are found from it (default: `process.cwd()`). */
  cwd?: string;
  /** Files and folders to scan, relative to `cwd` (default: `cwd`). */
  paths?: string[];
  /** `--config <file>` */
  config?: string;
  /** `--changed` */
  changed?: boolean;
  /** `--since <git-ref>` */
  since?: string;
  /** `--baseline <file>` */
  baseline?: string;
  /** `--no-baseline` */
  noBaseline?: boolean;
  /** `--fail-on <level>`: what `exitCode` counts. */
  failOn?: 'error' | 'warn';
  /** `--max-warnings <n>` */
  maxWarnings?: number;
  /** `--quiet` */
  quiet?: boolean;
  /** `--jobs <n>` */
  jobs?: number;
  /** `--no-cache` */
  noCache?: boolean;
  /** `--cache-location <dir>` */
  cacheLocation?: string;
  /** `--shard <i>/<n>`, as `'2/4'`. */
  shard?: string;
  /** `--project <file>` */
  project?: string;
  /** `--typed` */
  typed?: boolean;
  /** `--no-cross-file` */
  noCrossFile?: boolean;
  /** `--max-file-size <bytes>` */
  maxFileSize?: number;
  /** `--no-skip-generated` */
  noSkipGenerated?: boolean;
  /** `--report-unused-disable-directives`; `false`: `--no-report-unused-disable-directives`. */
  reportUnusedDisableDirectives?: boolean;
  /** `--debug` */
  debug?: boolean;
  /** Warnings and notices the CLI prints on stderr (configuration warnings, cache notices). Default: dropped. */
  onWarning?: (message: string) => void;
}

/** What `scan()` returns: the JSON report, and the exit code the CLI would give. */
export interface ScanReport extends JsonReport {
  /** 0: nothing at or above `failOn`; 1: findings at or above it, or more warnings than `maxWarnings`. */
  exitCode: 0 | 1;
}

/** A usage or configuration problem: the CLI's exit code 2, with its message and hint. */
export class StatecheckError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'StatecheckError';
  }
}

type Flag = { flag: string; kind: 'boolean' | 'string' | 'number' | 'negatable' };

// camelCase key → the CLI option it stands for.
const FLAGS: Record<string, Flag> = {
  config: { flag: '--config', kind: 'string' },
  changed: { flag: '--changed', kind: 'boolean' },
  since: { flag: '--since', kind: 'string' },
  baseline: { flag: '--baseline', kind: 'string' },
  noBaseline: { flag: '--no-baseline', kind: 'boolean' },
  failOn: { flag: '--fail-on', kind: 'string' },
  maxWarnings: { flag: '--max-warnings', kind: 'number' },
  quiet: { flag: '--quiet', kind: 'boolean' },
  jobs: { flag: '--jobs', kind: 'number' },
  noCache: { flag: '--no-cache', kind: 'boolean' },
  cacheLocation: { flag: '--cache-location', kind: 'string' },
  shard: { flag: '--shard', kind: 'string' },
  project: { flag: '--project', kind: 'string' },
  typed: { flag: '--typed', kind: 'boolean' },
  noCrossFile: { flag: '--no-cross-file', kind: 'boolean' },
  maxFileSize: { flag: '--max-file-size', kind: 'number' },
  noSkipGenerated: { flag: '--no-skip-generated', kind: 'boolean' },
  reportUnusedDisableDirectives: { flag: '--report-unused-disable-directives', kind: 'negatable' },
  debug: { flag: '--debug', kind: 'boolean' },
};

const OWN_KEYS = new Set(['cwd', 'paths', 'onWarning']);

// CLI options that are about printing or that do something else than a scan: not options of scan().
const NOT_SCAN_OPTIONS: Record<string, string> = {
  format: 'scan() returns the JSON report; format it yourself, or run the CLI',
  output: 'scan() returns the report; write it yourself, or run the CLI',
  color: 'scan() prints nothing',
  noColor: 'scan() prints nothing',
  updateBaseline: 'run `statecheck --update-baseline`',
  explainScope: 'run `statecheck --explain-scope <file>`',
  printConfig: 'run `statecheck --print-config <file> --format json`',
  init: 'run `statecheck --init`',
  help: 'the options are the ScanOptions type',
  version: "read the version from statecheck's package.json",
};

/**
 * Scans as `statecheck --format json` does (configuration, `.gitignore`, the cache, the baseline,
 * the cross-file analysis) and returns the report the JSON format prints, parsed. Throws a
 * `StatecheckError` where the CLI exits with code 2 (a bad option, a broken configuration).
 */
export async function scan(options: ScanOptions = {}): Promise<ScanReport> {
  const argv = toArgv(options);
  const io: Io = {
    cwd: resolve(options.cwd ?? process.cwd()),
    stdout: () => undefined,
    stderr: (text) => options.onWarning?.(text.replace(/^statecheck: /, '').replace(/\n$/, '')),
    isTTY: false,
    stderrIsTTY: false,
    env: {},
  };
  try {
    const parsed = parseOptions(argv);
    if (parsed.command !== 'scan') throw new UsageError('not a scan');
    const outcome = await scanReport(parsed, io);
    if (!('reported' in outcome)) throw new UsageError('not a scan');
    // The very object the JSON format prints, once parsed (no undefined fields, no functions).
    const report = JSON.parse(reportJson(jsonReport(outcome.reported))) as JsonReport;
    return { ...report, exitCode: outcome.exitCode === 0 ? 0 : 1 };
  } catch (error) {
    if (error instanceof UsageError) throw new StatecheckError(error.message, error.hint);
    throw error;
  }
}

function toArgv(options: ScanOptions): string[] {
  const argv = ['--format', 'json'];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || OWN_KEYS.has(key)) continue;
    const flag = Object.hasOwn(FLAGS, key) ? FLAGS[key] : undefined;
    if (Object.hasOwn(NOT_SCAN_OPTIONS, key))
      throw new StatecheckError(`${key} is not an option of scan()`, NOT_SCAN_OPTIONS[key]);
    if (!flag) {
      const near = closest(key, [...Object.keys(FLAGS), ...OWN_KEYS]);
      throw new StatecheckError(`unknown option "${key}"`, near ? `did you mean "${near}"?` : undefined);
    }
    const expected = flag.kind === 'negatable' ? 'boolean' : flag.kind;
    if (typeof value !== expected) throw new StatecheckError(`${key}: expected a ${expected}, got ${typeof value}`);
    if (flag.kind === 'negatable') argv.push(value === true ? flag.flag : flag.flag.replace(/^--/, '--no-'));
    else if (flag.kind === 'boolean') {
      if (value === true) argv.push(flag.flag);
    } else argv.push(flag.flag, String(value));
  }
  const paths = options.paths ?? [];
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string'))
    throw new StatecheckError('paths: expected an array of strings');
  // `--` ends the options: a path that starts with `-` stays a path.
  return [...argv, '--', ...paths];
}
