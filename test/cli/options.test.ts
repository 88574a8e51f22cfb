import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { type Options, parseOptions, type ScanCommand } from '../../cli/options.js';

// Option validation, without a process or a file: what each command line asks for, and the
// message and hint of each one that does not fit. run() prints them as `statecheck: <message>`
// and `  <hint>` with exit code 2 (test/cli/cli.test.ts).

const DEFAULTS: ScanCommand = {
  command: 'scan',
  paths: [],
  format: 'pretty',
  changed: false,
  noBaseline: false,
  updateBaseline: false,
  failOn: 'error',
  quiet: false,
  cache: true,
  typed: false,
  crossFile: true,
  analyseGenerated: false,
  debug: false,
  init: false,
};

const scan = (options: Partial<ScanCommand>): ScanCommand => ({ ...DEFAULTS, ...options });

describe('parseOptions', () => {
  it('gives the defaults for an empty command line: the working directory, pretty output, cache and cross-file analysis on', () => {
    expect(parseOptions([])).toEqual(DEFAULTS);
  });

  it.each<[string[], Options]>([
    [['src', 'apps/api'], scan({ paths: ['src', 'apps/api'] })],
    [['-f', 'json', '-o', 'out.json'], scan({ format: 'json', output: 'out.json' })],
    [['--format=sarif', '--config', 'x.json'], scan({ format: 'sarif', config: 'x.json' })],
    [['--changed'], scan({ changed: true })],
    [['--since', 'origin/main'], scan({ since: 'origin/main' })],
    [['--baseline', 'b.json'], scan({ baseline: 'b.json' })],
    [['--no-baseline', '--update-baseline'], scan({ noBaseline: true, updateBaseline: true })],
    [['--fail-on', 'warn', '--max-warnings', '0', '-q'], scan({ failOn: 'warn', maxWarnings: 0, quiet: true })],
    [['-j', '3'], scan({ jobs: 3 })],
    [['--no-cache'], scan({ cache: false })],
    [['--cache-location', '/tmp/c'], scan({ cacheLocation: '/tmp/c' })],
    [['--shard', '2/4'], scan({ shard: { index: 2, count: 4 } })],
    [['-p', 'tsconfig.app.json', '--typed'], scan({ project: 'tsconfig.app.json', typed: true })],
    [['--no-cross-file'], scan({ crossFile: false })],
    [['--max-file-size', '0', '--no-skip-generated'], scan({ maxFileSize: 0, analyseGenerated: true })],
    [['--color'], scan({ color: true })],
    [['--no-color'], scan({ color: false })],
    [['--color', '--no-color'], scan({ color: false })],
    [['--debug'], scan({ debug: true })],
    [['--help', '--format', 'xml'], { command: 'help' }],
    [['-v'], { command: 'version' }],
    [['merge', 'a.json', 'b.json'], { command: 'merge', reports: ['a.json', 'b.json'] }],
    [['merge', '-o', 'all.sarif', 'a.sarif'], { command: 'merge', reports: ['a.sarif'], output: 'all.sarif' }],
  ])('%j', (argv, expected) => {
    expect(parseOptions(argv)).toEqual(expected);
  });

  it.each<[string[], string, string | undefined]>([
    [
      ['--bogus'],
      "Unknown option '--bogus'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--bogus\"",
      undefined,
    ],
    [['--format'], "Option '-f, --format <value>' argument missing", undefined],
    [['--format', 'xml'], 'unknown format "xml"', 'use one of: pretty, json, sarif, github, gitlab, junit, markdown'],
    [
      ['--format', 'constructor'],
      'unknown format "constructor"',
      'use one of: pretty, json, sarif, github, gitlab, junit, markdown',
    ],
    [['--fail-on', 'info'], '--fail-on: expected "error" or "warn", got "info"', undefined],
    [['--max-warnings', 'many'], '--max-warnings: expected a whole number, got "many"', undefined],
    [['--max-warnings=-1'], '--max-warnings: expected a whole number, got "-1"', undefined],
    [['--changed', '--since', 'main'], '--changed and --since cannot be combined', undefined],
    [['--jobs', '0'], '--jobs: expected a whole number of at least 1, got "0"', undefined],
    [['-j', '1.5'], '--jobs: expected a whole number of at least 1, got "1.5"', undefined],
    [
      ['--shard', '4/3'],
      '--shard: expected <index>/<count> with 1 <= index <= count, got "4/3"',
      'e.g. --shard 1/4 in the first of four CI jobs',
    ],
    [
      ['--shard', '0/3'],
      '--shard: expected <index>/<count> with 1 <= index <= count, got "0/3"',
      'e.g. --shard 1/4 in the first of four CI jobs',
    ],
    [
      ['--shard', '1-3'],
      '--shard: expected <index>/<count> with 1 <= index <= count, got "1-3"',
      'e.g. --shard 1/4 in the first of four CI jobs',
    ],
    [
      ['--max-file-size', '1mb'],
      '--max-file-size: expected a whole number of bytes, got "1mb"',
      'e.g. --max-file-size 2097152 for 2 MiB, or 0 for no limit',
    ],
    [
      ['--max-file-size=-1'],
      '--max-file-size: expected a whole number of bytes, got "-1"',
      'e.g. --max-file-size 2097152 for 2 MiB, or 0 for no limit',
    ],
    [
      ['--max-file-size', '99999999999999999999'],
      '--max-file-size: expected a whole number of bytes, got "99999999999999999999"',
      'e.g. --max-file-size 2097152 for 2 MiB, or 0 for no limit',
    ],
    [
      ['--typed', '--no-cross-file'],
      '--typed and --no-cross-file cannot be combined',
      '--typed is part of the whole-program analysis',
    ],
    [['--baseline', 'b.json', '--no-baseline'], '--baseline and --no-baseline cannot be combined', undefined],
    [['merge'], 'merge: no reports given', 'usage: statecheck merge [--output <file>] <report.json|report.sarif>...'],
    [
      ['merge', '--format', 'json', 'a.json'],
      "Unknown option '--format'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--format\"",
      undefined,
    ],
  ])('%j is a usage error', (argv, message, hint) => {
    let thrown: unknown;
    try {
      parseOptions(argv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect(thrown).toMatchObject({ message, hint });
  });
});
