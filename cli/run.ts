import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { FORMATS, REPORTERS } from './reporters/index.js';
import { scan, UsageError } from './scan.js';

export const HELP = `statecheck: find process-bound state in Node.js server code before you scale out

Usage: statecheck [options] [paths...]

Scans the given files and directories (default: the current directory) for state kept in the
server process: module-level maps, local file writes, in-memory sessions, caches, rate limits,
socket registries, in-process schedulers and locks, and global mutation.

Options:
  -f, --format <name>   output format: ${FORMATS.join(', ')} (default: pretty)
      --color           force coloured output
      --no-color        disable coloured output (NO_COLOR=1 works too)
      --debug           print stack traces of internal errors
  -h, --help            show this help
  -v, --version         print the version

Exit codes:
  0  no error-severity findings
  1  error-severity findings
  2  usage, configuration or internal error

Examples:
  statecheck                       scan the current directory
  statecheck src apps/api          scan two folders
  statecheck --format json > statecheck.json
  NO_COLOR=1 statecheck src/server.ts

Suppress a finding with a reason:
  // statecheck-disable-next-line process-cache -- immutable lookup table, safe per instance
`;

/** Where the CLI writes; tests pass their own. */
export interface Io {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colours, progress). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
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
      io.stdout(`${version()}\n`);
      return 0;
    }
    const reporter = REPORTERS[values.format];
    if (!reporter) throw new UsageError(`unknown format "${values.format}"`, `use one of: ${FORMATS.join(', ')}`);
    const useColor = values['no-color'] ? false : values.color ? true : colorByEnvironment(io);
    const result = scan({ cwd: io.cwd, paths: positionals, debug });
    io.stdout(reporter(result, { cwd: io.cwd, colors: pc.createColors(useColor) }));
    return result.findings.some((f) => f.severity === 'error') ? 1 : 0;
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

function colorByEnvironment(io: Io): boolean {
  if ('NO_COLOR' in io.env && io.env.NO_COLOR !== '') return false;
  if ('FORCE_COLOR' in io.env) return io.env.FORCE_COLOR !== '0' && io.env.FORCE_COLOR !== 'false';
  return io.isTTY && io.env.TERM !== 'dumb';
}

function isParseArgsError(error: unknown): error is Error {
  const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
