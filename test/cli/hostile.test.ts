import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../cli/analyze-file.js';
import { DEFAULT_LIMITS } from '../../cli/source.js';
import type { AnalysisSettings } from '../../cli/types.js';
import { flatFile, type FlatShape } from '../../bench/flat.js';
import { DETECTORS } from '../../core/detectors/index.js';
import { lineOf, lineStarts } from '../../core/index.js';
import { BIN, type CliResult, runCli, spawnCli } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const POSIX = process.platform !== 'win32';
const SETTINGS: AnalysisSettings = { analyze: {}, debug: false, limits: DEFAULT_LIMITS };

interface Report {
  findings: {
    file: string;
    line: number;
    column: number;
    category: string;
    related: { line: number; column: number }[];
  }[];
  errors: { file: string; message: string }[];
  skipped: { file: string; kind: string; reason: string }[];
  summary: {
    files: number;
    findings: number;
    errors: number;
    skipped: Record<string, number>;
    scope?: unknown;
    durationMs: number;
  };
}

function json(stdout: string): Report {
  return JSON.parse(stdout) as Report;
}

const where = (r: Report) => r.findings.map((f) => `${f.file} ${f.line}:${f.column} ${f.category}`);

/** 20,000 levels, one per line (a single long line would be skipped as minified first). */
const deeplyNested = (open: string, close: string) =>
  `export const x =\n${`${open}\n`.repeat(20_000)}1${`\n${close}`.repeat(20_000)};\n`;

describe('fixtures/hostile as committed', () => {
  it('gives the findings and errors its README lists', async () => {
    const { code, stdout, stderr } = await runCli(['--format', 'json', '--no-cache', 'src'], join(FIXTURES, 'hostile'));
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = json(stdout);
    expect(where(report)).toEqual([
      'src/ansi.js 2:7 module-state',
      'src/crlf.js 5:9 memory-session',
      'src/mixed-endings.js 3:7 module-state',
      'src/syntax-error.ts 3:7 module-state',
      'src/utf16be.ts 2:7 module-state',
      'src/utf16le.ts 2:7 module-state',
      'src/utf8-bom.ts 1:7 module-state',
    ]);
    expect(report.errors).toEqual([
      {
        file: 'src/syntax-error.ts',
        message: 'syntax error at 2:16: Expression expected. (the rest of the file was still analysed)',
      },
    ]);
    expect(report.skipped).toEqual([
      {
        file: 'src/generated.ts',
        kind: 'generated',
        reason: 'looks generated: its header says "@generated" (skipGenerated)',
      },
    ]);
    expect(report.summary).toMatchObject({ files: 10, findings: 7, errors: 1, skipped: { generated: 1 } });
  });
});

// The hostile tree: fixtures/hostile plus what cannot live in git or would bloat it (names
// with newlines and escapes, symbolic links, a named pipe: POSIX only).
describe.runIf(POSIX)('a scan of hostile input', () => {
  let dir = '';
  let outside = '';
  const weirdNames = [
    '$(rm -rf x).js',
    'a;b.ts',
    'name with spaces.ts',
    'ünïcödé.ts',
    'new\nline.js',
    '\u001b[31mred.js',
    'dir.js/inner.js',
  ];
  let result: CliResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-hostile-'));
    outside = mkdtempSync(join(tmpdir(), 'statecheck-outside-'));
    cpSync(join(FIXTURES, 'hostile'), dir, { recursive: true });
    const src = (name: string, content: string | Buffer) => {
      mkdirSync(dirname(join(dir, 'src', name)), { recursive: true });
      writeFileSync(join(dir, 'src', name), content);
    };
    src('binary.js', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x3e, 0x00, 0xff, 0xfe]));
    src(
      'invalid-utf8.js',
      Buffer.concat([
        Buffer.from('// caf'),
        Buffer.from([0xe9]),
        Buffer.from(' (Latin-1)\nconst seen = new Set();\nmodule.exports = (req) => { seen.add(req.ip); };\n'),
      ]),
    );
    src('bundle-10mb.js', `var a=${'1+'.repeat(5 * 1024 * 1024 - 4)}1;`);
    src('one-line-1mb.js', `var s = "${'a'.repeat(999_990)}";`);
    src('bundle-sourcemap.js', `(function(){${'a+'.repeat(750)}})();\n//# sourceMappingURL=bundle-sourcemap.js.map\n`);
    src('deep-parens.js', deeplyNested('(', ')'));
    src('deep-arrays.ts', deeplyNested('[', ']'));
    // Parsed iteratively by TypeScript, and walked iteratively by statecheck.
    src('deep-chain.js', `module.exports =\n${'1 +\n'.repeat(20_000)}1;\n`);
    for (const name of weirdNames) src(name, SAMPLE_APP);
    writeFileSync(join(outside, 'secret.js'), SAMPLE_APP);
    symlinkSync(join(outside, 'secret.js'), join(dir, 'src', 'link-outside.js'));
    symlinkSync('loop.js', join(dir, 'src', 'loop.js'));
    symlinkSync('nowhere.js', join(dir, 'src', 'broken.js'));
    symlinkSync('ok.js', join(dir, 'src', 'link-inside.js'));
    symlinkSync(outside, join(dir, 'src', 'linked-folder'));
    spawnSync('mkfifo', [join(dir, 'src', 'fifo.js')]);
    // A name that is not UTF-8: readdir cannot give a path that opens it.
    writeFileSync(
      Buffer.concat([Buffer.from(join(dir, 'src', 'latin1-')), Buffer.from([0xe9]), Buffer.from('.js')]),
      SAMPLE_APP,
    );
    if (existsSync('/dev/zero')) symlinkSync('/dev/zero', join(dir, 'src', '.gitignore'));
    result = await runCli(['--format', 'json', '--no-cache', 'src'], dir);
  }, 60_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('finishes with exit code 1 (findings) and valid JSON, nothing on stderr', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(() => json(result.stdout)).not.toThrow();
  });

  it('reports the findings of every readable file, at the lines and columns an editor shows', () => {
    const weird = weirdNames.flatMap((name) => [`src/${name} 4:9 memory-session`, `src/${name} 5:7 module-state`]);
    expect(where(json(result.stdout)).sort()).toEqual(
      [
        'src/ansi.js 2:7 module-state',
        'src/crlf.js 5:9 memory-session',
        'src/invalid-utf8.js 2:7 module-state',
        'src/mixed-endings.js 3:7 module-state',
        'src/syntax-error.ts 3:7 module-state',
        'src/utf16be.ts 2:7 module-state',
        'src/utf16le.ts 2:7 module-state',
        'src/utf8-bom.ts 1:7 module-state',
        ...weird,
      ].sort(),
    );
    const related = json(result.stdout).findings.find((f) => f.file === 'src/mixed-endings.js')!.related;
    expect(related).toMatchObject([{ line: 5, column: 3 }]);
  });

  it('lists every file it could not fully analyse in errors, with the reason', () => {
    const errors = json(result.stdout).errors.map((e) => `${e.file}: ${e.message}`);
    expect(errors).toEqual(
      [
        'src/broken.js: skipped: broken symbolic link (its target does not exist)',
        'src/deep-arrays.ts: not analysed: nested too deeply for the parser (Maximum call stack size exceeded)',
        'src/deep-parens.js: not analysed: nested too deeply for the parser (Maximum call stack size exceeded)',
        'src/invalid-utf8.js: invalid UTF-8: undecodable bytes were replaced with U+FFFD and the file was analysed',
        'src/link-outside.js: skipped: symbolic link to a file outside the scanned folder (not followed)',
        'src/loop.js: skipped: symbolic link loop (not followed)',
        'src/syntax-error.ts: syntax error at 2:16: Expression expected. (the rest of the file was still analysed)',
        'src/latin1-\uFFFD.js: cannot read: the file name is not valid UTF-8',
      ].sort(),
    );
  });

  it('lists the files it skipped on purpose in skipped, with the kind and the reason, and counts them by kind', () => {
    const report = json(result.stdout);
    expect(report.skipped.map((s) => `${s.file}: ${s.kind}: ${s.reason}`)).toEqual([
      'src/binary.js: binary: binary file (NUL or control bytes; a UTF-16 file needs a byte order mark)',
      'src/bundle-10mb.js: too-large: 10 MiB is over the 1 MiB limit (maxFileSize)',
      'src/bundle-sourcemap.js: minified: looks minified: a source map comment and a 1517-character line (skipGenerated)',
      'src/fifo.js: not-regular: not a regular file (a named pipe)',
      'src/generated.ts: generated: looks generated: its header says "@generated" (skipGenerated)',
      'src/one-line-1mb.js: minified: looks minified: lines average 1000001 characters (skipGenerated)',
    ]);
    expect(report.summary.skipped).toEqual({ generated: 1, minified: 2, 'too-large': 1, binary: 1, 'not-regular': 1 });
  });

  it('loses no file: each is in findings, in errors, in skipped, or has nothing to report', () => {
    const report = json(result.stdout);
    const accounted = new Set([
      ...report.findings.map((f) => f.file),
      ...report.errors.map((e) => e.file),
      ...report.skipped.map((s) => s.file),
    ]);
    const silent = ['src/deep-chain.js', 'src/empty.js', 'src/link-inside.js', 'src/ok.js'];
    const names = (sub: string): string[] =>
      readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() && !e.isSymbolicLink()
          ? names(`${sub}/${e.name}`)
          : /\.[jt]s$/.test(e.name)
            ? [`${sub}/${e.name}`]
            : [],
      );
    for (const file of names('src')) expect(accounted.has(file) || silent.includes(file), file).toBe(true);
    for (const file of silent) expect(accounted.has(file), file).toBe(false);
    // Scanned: the regular files and the link inside the folder; the other links, the pipe and the undecodable name are errors only.
    expect(report.summary).toEqual({
      files: 26,
      findings: report.findings.length,
      errors: report.errors.length,
      skipped: report.summary.skipped,
      scope: report.summary.scope,
      durationMs: report.summary.durationMs,
    });
    expect(report.findings.some((f) => f.file.includes('secret') || f.file.startsWith('src/linked-folder'))).toBe(
      false,
    );
  });

  it('pretty output shows the same files without letting their names or contents drive the terminal', async () => {
    const pretty = await runCli(['--no-cache', 'src'], dir);
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(pretty.stdout).toMatch(/^src\/new\\nline\.js$/m);
    expect(pretty.stdout).toMatch(/^src\/\\x1b\[31mred\.js$/m);
    expect(pretty.stdout).toContain('    > 2 │ const seen = new Set(); //  fake line  reversed \n');
    expect(pretty.stdout).toContain('  src/loop.js: skipped: symbolic link loop (not followed)\n');
    // Files skipped on purpose: one line, counted by kind.
    expect(pretty.stdout).toMatch(
      / in 26 files scanned in \d+ ms; 6 files skipped \(1 generated, 2 minified, 1 too large, 1 binary, 1 not a regular file\)\nscope \(no entry point found: path scope\): [^\n]*\n$/,
    );
    expect(pretty.stdout).not.toContain('src/fifo.js');
  });
});

describe('deep nesting', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-deep-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'app.js'), SAMPLE_APP);
    // Too deep for the parser on the main thread (about 800 levels), fine on a worker's stack:
    // analysed the same whatever --jobs says.
    writeFileSync(
      join(dir, 'src', 'deep-1500.js'),
      `const seen = new Set();\nexport const x =\n${'(\n'.repeat(1500)}1${'\n)'.repeat(1500)};\nexport function track(req) { seen.add(req.ip); }\n`,
    );
    writeFileSync(join(dir, 'src', 'deep.ts'), deeplyNested('{ a:', '}'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('20,000 levels: the file gets an errors entry, the others their findings; 1,500 levels are analysed', async () => {
    const { code, stdout } = await runCli(['--format', 'json', '--no-cache', 'src'], dir);
    expect(code).toBe(1);
    const report = json(stdout);
    expect(where(report)).toEqual([
      'src/app.js 4:9 memory-session',
      'src/app.js 5:7 module-state',
      'src/deep-1500.js 1:7 module-state',
    ]);
    expect(report.errors).toEqual([
      {
        file: 'src/deep.ts',
        message: 'not analysed: nested too deeply for the parser (Maximum call stack size exceeded)',
      },
    ]);
  });
});

describe('long chains of calls', () => {
  const dir = useTempDir('statecheck-chain-');
  /** `f1` writes `seen`; `fN` calls `f(N-1)`; a route handler calls the last one. */
  const chain = (length: number) =>
    [
      "const express = require('express');",
      'const app = express();',
      'const seen = new Set();',
      'function f1(ip) { seen.add(ip); }',
      ...Array.from({ length: length - 1 }, (_, i) => `function f${i + 2}(ip) { f${i + 1}(ip); }`),
      `app.get('/', (req, res) => { f${length}(req.ip); res.end(); });`,
      '',
    ].join('\n');

  it('past the bound of the request-time analysis, the file gets an errors entry saying findings may be missing', async () => {
    dir.write('src/short.js', chain(20));
    dir.write('src/long.js', chain(60));
    const { code, stdout } = await runCli(['--format', 'json', '--no-cache', 'src'], dir.path);
    expect(code).toBe(1);
    const report = json(stdout);
    expect(where(report)).toEqual(['src/short.js 3:7 module-state']);
    expect(report.errors).toEqual([
      {
        file: 'src/long.js',
        message:
          "the analysis of when this file's functions run stopped at its bound before settling (a very long chain of calls): findings in this file may be missing",
      },
    ]);
  });
});

describe('deep nesting, near what a stack allows', () => {
  let dir = '';
  const deep = [2_500, 3_500, 5_000, 8_000, 30_000].map((n) => `src/deep-${n}.js`);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-deep-jobs-'));
    mkdirSync(join(dir, 'src'));
    for (const file of deep) {
      const n = Number(/\d+/.exec(file)![0]);
      writeFileSync(
        join(dir, file),
        `const seen = new Set();\nexport const x =\n${'(\n'.repeat(n)}1${'\n)'.repeat(n)};\nexport function track(req) { seen.add(req.ip); }\n`,
      );
    }
    // Enough other files for two worker threads, which warm up on them before the deep ones.
    for (let i = 0; i < 320; i++) {
      const text =
        i % 4 === 0
          ? `const m${i} = new Map();\nexport function h${i}(req) { m${i}.set(req.query.id, { a: [1, (2), { b: 3 }] }); }\n`
          : `export const v${i} = ${i};\n`;
      writeFileSync(join(dir, 'src', `f${i}.js`), text);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The report's findings and errors about the deep files, as JSON. */
  const aboutDeep = async (args: string[]) => {
    const { stdout, stderr } = await runCli(['--format', 'json', ...args], dir);
    expect(stderr).toBe('');
    const report = json(stdout);
    return JSON.stringify({
      findings: report.findings.filter((f) => deep.includes(f.file)),
      errors: report.errors.filter((e) => deep.includes(e.file)),
    });
  };

  it('a file gives the same result alone or with others, whatever --jobs, cold or warm', async () => {
    const reference = await aboutDeep(['--no-cache', '--jobs', '1', 'src']);
    const report = JSON.parse(reference) as Pick<Report, 'findings' | 'errors'>;
    // Analysed on a thread with a fixed stack; too deep even there: a fixed errors entry.
    expect(where(report as Report)).toEqual([
      'src/deep-2500.js 1:7 module-state',
      'src/deep-3500.js 1:7 module-state',
      'src/deep-5000.js 1:7 module-state',
      'src/deep-8000.js 1:7 module-state',
    ]);
    expect(report.errors).toEqual([
      {
        file: 'src/deep-30000.js',
        message: 'not analysed: nested too deeply for the parser (Maximum call stack size exceeded)',
      },
    ]);
    expect(await aboutDeep(['--no-cache', '--jobs', '2', 'src'])).toBe(reference);
    expect(await aboutDeep(['--no-cache', '--jobs', '3', 'src'])).toBe(reference);
    expect(await aboutDeep(['--no-cache', '--jobs', '1', ...deep])).toBe(reference);
    expect(await aboutDeep(['--no-cache', '--jobs', '2', ...deep])).toBe(reference);
    const cache = ['--cache-location', join(dir, 'cache'), '--jobs', '2', 'src'];
    expect(await aboutDeep(cache)).toBe(reference);
    expect(await aboutDeep(cache)).toBe(reference);
  });
});

describe('long flat expressions and statement lists (1 MiB)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-flat-'));
    mkdirSync(join(dir, 'src'));
    for (const shape of ['plus', 'comma', 'assign', 'statements'] as const)
      writeFileSync(join(dir, 'src', `${shape}.js`), flatFile(shape));
    // A chain of assignments too deep for the parser even on the thread for deep files.
    writeFileSync(join(dir, 'src', 'assign-1mib.js'), flatFile('assign', 1024 * 1024));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are analysed to the end: each finding once, with its one request-time write', async () => {
    const { code, stdout, stderr } = await runCli(['--format', 'json', '--no-cache', '--jobs', '1', 'src'], dir);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const report = json(stdout);
    const lines = (shape: FlatShape) => flatFile(shape).split('\n').length;
    // `client = make()` after `if (client) return client`: created lazily, not state.
    expect(
      report.findings.map(
        (f) => `${f.file} ${f.line}:${f.column} ${f.category} <- ${f.related.map((r) => r.line).join(' ')}`,
      ),
    ).toEqual([
      `src/assign.js 1:5 module-state <- ${lines('assign') - 2}`,
      'src/comma.js 1:7 module-state <- 3',
      'src/plus.js 1:5 module-state <- 3',
    ]);
    expect(report.errors).toEqual([
      {
        file: 'src/assign-1mib.js',
        message: 'not analysed: nested too deeply for the parser (Maximum call stack size exceeded)',
      },
    ]);
  });
});

describe('unusual files named on the command line', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-named-'));
    writeFileSync(join(dir, 'app.js'), SAMPLE_APP);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(POSIX)('a named pipe is skipped, never read (reading it would block)', () => {
    spawnSync('mkfifo', [join(dir, 'pipe.js')]);
    const result = spawnSync(process.execPath, [BIN, '--format', 'json', '--no-cache', 'pipe.js', 'app.js'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(json(result.stdout).errors).toEqual([]);
    expect(json(result.stdout).skipped).toEqual([
      { file: 'pipe.js', kind: 'not-regular', reason: 'not a regular file (a named pipe)' },
    ]);
    expect(json(result.stdout).findings).toHaveLength(2);
  });

  it.runIf(existsSync('/dev/zero'))(
    'a configuration file linked to /dev/zero is a configuration error, not a hang',
    () => {
      const sub = join(dir, 'zero');
      mkdirSync(sub);
      symlinkSync('/dev/zero', join(sub, 'statecheck.config.json'));
      const result = spawnSync(process.execPath, [BIN, '--no-cache'], { cwd: sub, encoding: 'utf8', timeout: 30_000 });
      expect(result.status).toBe(2);
      // A link out of the project is refused before anything is read.
      expect(result.stderr).toMatch(
        /^statecheck: statecheck\.config\.json: not read: a symbolic link out of the project\n/,
      );
    },
  );

  it.runIf(POSIX)('a configuration file that is a named pipe is a configuration error, not a hang', () => {
    const sub = join(dir, 'pipe');
    mkdirSync(sub);
    spawnSync('mkfifo', [join(sub, 'statecheck.config.json')]);
    const result = spawnSync(process.execPath, [BIN, '--no-cache'], { cwd: sub, encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^statecheck: statecheck\.config\.json: cannot read: not a regular file \(a named pipe\)\n/,
    );
  });
});

describe('files it may not read', () => {
  let dir = '';
  afterEach(() => {
    if (!dir) return;
    chmodSync(join(dir, 'src', 'locked'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  // Root reads everything: as root, run the scan as `nobody` so that permissions apply.
  const asRoot = process.getuid?.() === 0;
  const options = asRoot ? { uid: 65534, gid: 65534 } : {};
  const canRun = POSIX && spawnSync(process.execPath, [BIN, '--version'], { ...options, cwd: tmpdir() }).status === 0;

  it.runIf(canRun)('an unreadable file and an unreadable folder are errors entries; the rest is scanned', () => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-perm-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'src', 'locked'), { recursive: true });
    writeFileSync(join(dir, 'src', 'app.js'), SAMPLE_APP);
    writeFileSync(join(dir, 'src', 'secret.js'), SAMPLE_APP);
    writeFileSync(join(dir, 'src', 'locked', 'inner.js'), SAMPLE_APP);
    chmodSync(join(dir, 'src', 'secret.js'), 0o000);
    chmodSync(join(dir, 'src', 'locked'), 0o000);
    const result = spawnSync(process.execPath, [BIN, '--format', 'json', '--no-cache', 'src'], {
      ...options,
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.status).toBe(1);
    const report = json(result.stdout);
    expect(where(report)).toEqual(['src/app.js 4:9 memory-session', 'src/app.js 5:7 module-state']);
    expect(report.errors).toEqual([
      { file: 'src/locked', message: 'cannot list the folder: permission denied' },
      { file: 'src/secret.js', message: 'cannot read: permission denied' },
    ]);
  });
});

describe('reading a file (in process)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-read-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a file deleted between discovery and reading is an errors entry', () => {
    const path = join(dir, 'gone.js');
    writeFileSync(path, SAMPLE_APP);
    rmSync(path);
    expect(runJob({ path, file: 'src/gone.js' }, SETTINGS)).toEqual({
      result: {
        findings: [],
        errors: [{ file: 'src/gone.js', message: 'cannot read: file not found (deleted during the scan?)' }],
      },
    });
  });

  it('a file replaced by a folder after discovery is skipped', () => {
    mkdirSync(join(dir, 'now-a-folder.js'));
    expect(runJob({ path: join(dir, 'now-a-folder.js'), file: 'x.js' }, SETTINGS).result).toEqual({
      findings: [],
      errors: [],
      skipped: { file: 'x.js', kind: 'not-regular', reason: 'not a regular file (a directory)' },
    });
  });
});

describe('limits', () => {
  let dir = '';
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-limits-'));
    write('src/app.js', SAMPLE_APP);
    // 2 MiB of ordinary code: over the default limit, fine without it.
    write(
      'src/large.js',
      `${'// padding padding padding padding padding padding padding padding padding\n'.repeat(27_595)}${SAMPLE_APP}`.padEnd(
        2 * 1024 * 1024,
        '\n',
      ),
    );
    write(
      'src/generated.ts',
      `// API client for the billing service.\n// This file was automatically generated. DO NOT EDIT.\n${SAMPLE_APP}`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const errors = async (args: string[]) => {
    const { code, stdout, stderr } = await runCli(['--format', 'json', '--no-cache', ...args], dir);
    expect(stderr).toBe('');
    const report = json(stdout);
    expect(report.errors).toEqual([]);
    return {
      code,
      skipped: report.skipped.map((e) => `${e.file}: ${e.kind}: ${e.reason}`),
      files: [...new Set(report.findings.map((f) => f.file))],
    };
  };

  it('default: over 1 MiB and generated files are skipped and listed; skipping does not change the exit code', async () => {
    expect(await errors(['src'])).toEqual({
      code: 1,
      skipped: [
        'src/generated.ts: generated: looks generated: its header says "DO NOT EDIT" (skipGenerated)',
        'src/large.js: too-large: 2 MiB is over the 1 MiB limit (maxFileSize)',
      ],
      files: ['src/app.js'],
    });
    expect((await errors(['src/generated.ts', 'src/large.js'])).code).toBe(0);
  });

  it('--max-file-size and --no-skip-generated lift them', async () => {
    expect(await errors(['--max-file-size', '0', '--no-skip-generated', 'src'])).toEqual({
      code: 1,
      skipped: [],
      files: ['src/app.js', 'src/generated.ts', 'src/large.js'],
    });
    expect((await errors(['--max-file-size', '3000000', 'src'])).files).toEqual(['src/app.js', 'src/large.js']);
    expect((await errors(['--max-file-size', '100', 'src/app.js'])).skipped).toEqual([
      'src/app.js: too-large: 250 bytes is over the 100-byte limit (maxFileSize)',
    ]);
  });

  it('maxFileSize and skipGenerated in statecheck.config.json do the same; the flags win', async () => {
    write('statecheck.config.json', JSON.stringify({ maxFileSize: 4 * 1024 * 1024, skipGenerated: false }));
    try {
      expect(await errors(['src'])).toEqual({
        code: 1,
        skipped: [],
        files: ['src/app.js', 'src/generated.ts', 'src/large.js'],
      });
      expect((await errors(['--max-file-size', '1048576', 'src'])).skipped).toEqual([
        'src/large.js: too-large: 2 MiB is over the 1 MiB limit (maxFileSize)',
      ]);
    } finally {
      rmSync(join(dir, 'statecheck.config.json'));
    }
  });

  it.each([
    [['--max-file-size', '1mb'], /^statecheck: --max-file-size: expected a whole number of bytes, got "1mb"\n/],
    [['--max-file-size=-1'], /^statecheck: --max-file-size: expected a whole number of bytes, got "-1"\n/],
  ])('%j is a usage error', async (args, message) => {
    const { code, stderr } = await runCli([...args, 'src'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it.each([
    [{ maxFileSize: '1 MiB' }, 'maxFileSize: expected a whole number of bytes (0: no limit)'],
    [{ maxFileSize: 1.5 }, 'maxFileSize: expected a whole number of bytes (0: no limit)'],
    [{ skipGenerated: 'no' }, 'skipGenerated: expected true or false'],
  ])('config %j is a configuration error', async (config, message) => {
    write('statecheck.config.json', JSON.stringify(config));
    try {
      const { code, stderr } = await runCli(['src'], dir);
      expect(code).toBe(2);
      expect(stderr.split('\n')[0]).toBe(`statecheck: statecheck.config.json: ${message}`);
    } finally {
      rmSync(join(dir, 'statecheck.config.json'));
    }
  });
});

describe('an exception in one detector', () => {
  const original = DETECTORS['process-cache'];
  let dir = '';
  // The job a scan runs for one file: read, parse, analyse.
  const analyse = (settings: AnalysisSettings) =>
    runJob({ path: join(dir, 'src', 'app.js'), file: 'src/app.js' }, settings).result!;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-detector-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'app.js'), SAMPLE_APP);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    DETECTORS['process-cache'] = original;
  });

  it('becomes an errors entry naming the detector and the file; the other detectors still report', () => {
    DETECTORS['process-cache'] = {
      ...original,
      find: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'kind')");
      },
    };
    const result = analyse(SETTINGS);
    // Findings carry offsets until the end of the run: as lines and columns of the file here.
    const starts = lineStarts(SAMPLE_APP);
    const at = (offset: number) => `${lineOf(starts, offset)}:${offset - starts[lineOf(starts, offset) - 1]! + 1}`;
    expect(result.findings.map((f) => `${at(f.start)} ${f.category}`)).toEqual([
      '4:9 memory-session',
      '5:7 module-state',
    ]);
    expect(result.errors).toEqual([
      {
        file: 'src/app.js',
        message:
          "detector process-cache failed: Cannot read properties of undefined (reading 'kind') (run with --debug for the stack)",
      },
    ]);
  });

  it('with --debug, the entry carries the stack', () => {
    DETECTORS['process-cache'] = {
      ...original,
      find: () => {
        throw new Error('boom');
      },
    };
    const [error] = analyse({ ...SETTINGS, debug: true }).errors;
    expect(error!.message).toMatch(/^detector process-cache failed: Error: boom\n {4}at /);
  });
});

describe('determinism', () => {
  let a = '';
  let b = '';
  beforeAll(() => {
    // The same 420 files, created in opposite orders in two folders: enough for two workers.
    a = mkdtempSync(join(tmpdir(), 'statecheck-order-a-'));
    b = mkdtempSync(join(tmpdir(), 'statecheck-order-b-'));
    const files = Array.from({ length: 420 }, (_, i) => {
      const name = `src/${['ä', 'a', 'B', 'b', 'Z', 'é', '_', '-'][i % 8]}${i % 3 === 0 ? '-' : ''}${i}.${['js', 'ts', 'mjs'][i % 3]}`;
      const text =
        i % 5 === 0
          ? `const seen${i} = new Set();\nexport function track(req) { seen${i}.add(req.ip); }\n`
          : i % 7 === 0
            ? 'export const = ;\n'
            : `export const v${i} = ${i};\n`;
      return { name, text };
    });
    files.push({
      name: 'src/deep-1500.js',
      text: `const seen = new Set();\nexport const x =\n${'(\n'.repeat(1500)}1${'\n)'.repeat(1500)};\nexport function track(req) { seen.add(req.ip); }\n`,
    });
    for (const [root, list] of [
      [a, files],
      [b, [...files].reverse()],
    ] as const) {
      mkdirSync(join(root, 'src'));
      for (const f of list) writeFileSync(join(root, f.name), f.text);
    }
  });
  afterAll(() => {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  });

  // A locale applies to a process from its start: a run with another locale is a process of its own.
  const output = async (cwd: string, format: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const argv = ['--format', format, '--no-cache', ...args, 'src'];
    const { code, stdout, stderr } = env ? spawnCli(argv, cwd, env) : await runCli(argv, cwd);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    return stdout
      .replace(/"durationMs": \d+/, '"durationMs": 0')
      .split(cwd)
      .join('<cwd>');
  };

  it('gives byte-identical JSON and SARIF whatever --jobs, the file system order or the locale', async () => {
    for (const format of ['json', 'sarif']) {
      const reference = await output(a, format, ['--jobs', '1']);
      expect(await output(b, format, ['--jobs', '2'], { LC_ALL: 'tr_TR.UTF-8', LANG: 'sv_SE.UTF-8' }), format).toBe(
        reference,
      );
    }
    expect(await output(b, 'json', ['--jobs', '3'])).toBe(await output(a, 'json', ['--jobs', '2']));
    const report = json(await output(a, 'json', ['--jobs', '1']));
    expect(report.summary.files).toBe(421);
    expect(report.findings).toHaveLength(85);
    expect(report.errors).toHaveLength(48);
    // Sorted by UTF-16 code units, never by a locale's collation.
    const files = report.findings.map((f) => f.file);
    expect(files).toEqual([...files].sort());
    expect(files).toContain('src/deep-1500.js');
  }, 60_000);
});
