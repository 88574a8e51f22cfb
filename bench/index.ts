// npm run bench: statecheck's speed and memory against the parse floor, on two corpora: real
// server-side packages (bench/corpus.ts) and a real monorepo (the workspace repos of the
// real-world corpus). Ratios in one run are what matter on shared, noisy machines: the figures
// that are compared are medians of BENCH_ROUNDS runs, interleaved.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_DIR, MONOREPOS, prepareCorpus, prepareMonorepo } from './corpus.js';
import { FLAT_SHAPES, type FlatShape, flatFile } from './flat.js';

interface Measurement {
  ms: number;
  rssMb: number;
  /** User + system CPU time of the process and its threads (V8 compiles and collects on its own threads). */
  cpuMs: number;
}

const FULL = Number(process.env.BENCH_FILES ?? 6000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const BIN = resolve('dist', 'cli', 'index.js');

/** The run with the median time. */
function median(runs: readonly Measurement[]): Measurement {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
}

/** A run measured from inside the process (after Node's start-up and module loading). */
function measure(args: string[]): Measurement {
  const result = spawnSync(process.execPath, [join('bench', 'measure.mjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const last = result.stderr.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Measurement;
  } catch {
    throw new Error(`bench: measurement failed (${args.join(' ')}):\n${result.stderr.slice(-2000)}`);
  }
}

/** CPU time of this process's finished children, in ms (Linux: /proc, 10 ms ticks); NaN elsewhere. */
function childrenCpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // utime is field 14 of stat; after the name, cutime and cstime are the 14th and 15th.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return NaN;
  }
}

/** A whole `statecheck` process as a hook or a shell starts it: Node's start-up and module loading included. */
function wholeProcess(cwd: string, args: string[]): Measurement {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - started;
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`bench: statecheck ${args.join(' ')} failed (${result.status}):\n${result.stderr.slice(-2000)}`);
  return { ms, rssMb: NaN, cpuMs: childrenCpuMs() - cpuBefore };
}

function row(label: string, m: Measurement, floor: Measurement, files: number): string {
  const ratio = (m.ms / floor.ms).toFixed(2);
  const rss = Number.isNaN(m.rssMb) ? '     -   ' : `${m.rssMb.toFixed(0).padStart(5)} MB`;
  const cpu = Number.isNaN(m.cpuMs) ? '' : `  ${(m.cpuMs / 1000).toFixed(1).padStart(5)} s CPU`;
  return `${label.padEnd(60)} ${m.ms.toFixed(0).padStart(7)} ms  ${ratio.padStart(5)}×  ${Math.round(
    (files / m.ms) * 1000,
  )
    .toString()
    .padStart(7)} files/s  ${rss}${cpu}`;
}

function sh(dir: string, command: string): string {
  return spawnSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout.trim();
}

/** Every figure of issue 15 for one corpus, next to its target. */
interface Figures {
  corpus: string;
  files: number;
  floor: Measurement;
  cold1: Measurement;
  coldDefault: Measurement;
  warm: Measurement;
  touched: Measurement;
  staged: Measurement;
  version: Measurement;
}

function runCorpus(name: string, dir: string, options: { perFile: boolean; jobs2: boolean; typed: boolean }): Figures {
  const cache = join(dir, '.statecheck-cache');
  const sources = sh(
    dir,
    `find . -path '*/node_modules' -prune -o -type f \\( -name '*.js' -o -name '*.cjs' -o -name '*.mjs' -o -name '*.jsx' -o -name '*.ts' -o -name '*.cts' -o -name '*.mts' -o -name '*.tsx' \\) -print | sort`,
  )
    .split('\n')
    .filter((f) => f !== '' && !/\.d\.[cm]?ts$/.test(f));
  console.log(`\n${name}: ${sources.length} source files (${dir})`);
  const cli = (extra: string[]) => measure(['cli', dir, '--format', 'json', ...extra]);
  const defaultJobs = ['--no-cache'];
  // The ratios that matter most, measured ROUNDS times interleaved (the median of each), so that
  // a burst of load on a shared machine does not decide them.
  const runs: Record<string, () => Measurement> = {
    floor: () => measure(['parse', dir]),
    cold1: () => cli(['--jobs', '1', '--no-cache']),
    coldDefault: () => cli(defaultJobs),
    ...(options.perFile ? { perFile: () => cli(['--jobs', '1', '--no-cache', '--no-cross-file']) } : {}),
  };
  const samples: Record<string, Measurement[]> = {};
  for (let round = 0; round < ROUNDS; round++)
    for (const [key, runOnce] of Object.entries(runs)) (samples[key] ??= []).push(runOnce());
  const m = Object.fromEntries(Object.entries(samples).map(([key, list]) => [key, median(list)]));
  const floor = m.floor!;
  const files = sources.length;
  const of = ROUNDS > 1 ? ` (median of ${ROUNDS})` : '';
  console.log(row(`(a) read + ts.createSourceFile, 1 thread${of}`, floor, floor, files));
  console.log(row(`(b) cold, --jobs 1${of}`, m.cold1!, floor, files));
  if (m.perFile) {
    console.log(row(`    per file only (--no-cross-file), --jobs 1${of}`, m.perFile, floor, files));
    console.log(
      `    cross-file analysis costs ${(((m.cold1!.ms - m.perFile.ms) / m.perFile.ms) * 100).toFixed(0)}% time, ${(m.cold1!.rssMb - m.perFile.rssMb).toFixed(0)} MB peak RSS over per file`,
    );
  }
  console.log(row(`(b) cold, default jobs (${availableParallelism()} cores)${of}`, m.coldDefault!, floor, files));
  if (options.jobs2) console.log(row('(b) cold, --jobs 2', cli(['--jobs', '2', '--no-cache']), floor, files));

  // Warm runs: a cache primed by one cold run, then medians of ROUNDS runs each.
  rmSync(cache, { recursive: true, force: true });
  cli(['--cache-location', cache]);
  const warm = median(Array.from({ length: ROUNDS }, () => cli(['--cache-location', cache])));
  console.log(row(`(c) warm, nothing changed${of}`, warm, floor, files));
  // One file touched (its content changed), a different one each round.
  const touchable = sources.filter((f) => /\.[cm]?[jt]s$/.test(f));
  // Files spread over the corpus, a different one for each use: 0 ≤ k < 3 × ROUNDS + 2.
  const pick = (k: number) => join(dir, touchable[Math.floor(((k + 0.5) * touchable.length) / (3 * ROUNDS + 2))]!);
  // Touched files get their text back at the end: other runs (snapshots of findings) read this corpus too.
  const originals = new Map<string, string>();
  const touch = (file: string, mark: string) => {
    if (!originals.has(file)) originals.set(file, readFileSync(file, 'utf8'));
    appendFileSync(file, `\n// ${mark} ${Date.now()}\n`);
  };
  const touched = median(
    Array.from({ length: ROUNDS }, (_, i) => {
      touch(pick(i), 'touched');
      return cli(['--cache-location', cache]);
    }),
  );
  console.log(row(`(d) warm, one file touched${of}`, touched, floor, files));
  // A pre-commit hook: `statecheck <staged files>` (one of them just edited), the cache warm
  // from the whole project's run; a whole process, Node's start-up included.
  const staged = median(
    Array.from({ length: ROUNDS }, (_, i) => {
      const edited = pick(i + ROUNDS);
      touch(edited, 'staged');
      const others = [pick(2 * ROUNDS + i), pick(2 * ROUNDS + i + 1)];
      return wholeProcess(dir, ['--format', 'json', '--cache-location', cache, edited, ...others]);
    }),
  );
  console.log(row(`(f) staged files (3, one edited), warm, whole process${of}`, staged, floor, files));
  for (const [file, text] of originals) writeFileSync(file, text);
  const version = median(Array.from({ length: Math.max(5, ROUNDS) }, () => wholeProcess(dir, ['--version'])));
  console.log(row(`(g) statecheck --version, whole process (median of ${Math.max(5, ROUNDS)})`, version, floor, files));
  const node = median(
    Array.from({ length: Math.max(5, ROUNDS) }, () => {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return { ms: performance.now() - started, rssMb: NaN, cpuMs: NaN };
    }),
  );
  console.log(`    (node -e 0 takes ${node.ms.toFixed(0)} ms here)`);
  if (options.typed) {
    const typed = cli(['--typed']);
    console.log(row('(e) --typed (type-checked program, one thread)', typed, floor, files));
    console.log(
      `    --typed costs ${(typed.ms / m.cold1!.ms).toFixed(2)}× the time and ${(typed.rssMb / m.cold1!.rssMb).toFixed(2)}× the peak RSS of a cold --jobs 1 run`,
    );
  }
  return {
    corpus: name,
    files,
    floor,
    cold1: m.cold1!,
    coldDefault: m.coldDefault!,
    warm,
    touched,
    staged,
    version,
  };
}

/** Long flat code (bench/flat.ts), one file per shape (1 MiB or the largest analysed): time must grow with the size, not its square. */
function runFlat(): void {
  const FLAT_TARGET_MS = 5000;
  const times = (Object.keys(FLAT_SHAPES) as FlatShape[]).map((shape) => {
    const dir = join(BENCH_DIR, 'flat', shape);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${shape}.js`), flatFile(shape));
    return { shape, ms: measure(['cli', dir, '--format', 'json', '--no-cache', '--jobs', '1']).ms };
  });
  const over = times.filter((t) => t.ms > FLAT_TARGET_MS).map((t) => t.shape);
  console.log(
    `\nflat files, --jobs 1 (target < ${FLAT_TARGET_MS / 1000} s each): ${times.map((t) => `${t.shape} ${(t.ms / 1000).toFixed(1)} s`).join(', ')}${over.length > 0 ? `; OVER: ${over.join(', ')}` : ''}`,
  );
}

/** ESLint's overhead on a corpus (bench/eslint.mjs --corpus), the README's setup: its last line. */
function eslintOverhead(dir: string): string {
  if (process.env.BENCH_ESLINT === '0') return 'skipped (BENCH_ESLINT=0)';
  const result = spawnSync(process.execPath, ['--no-warnings', join('bench', 'eslint.mjs'), '--corpus', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = result.stdout.trim();
  process.stdout.write(`${out.replace(/^/gm, '    ')}\n`);
  return /statecheck adds (-?[\d.]+)%/.exec(out)?.[1] ?? '?';
}

function targets(f: Figures, eslint: string): void {
  const ratio = (a: Measurement, b: Measurement) => a.ms / b.ms;
  // The same ratio in CPU time: steadier than wall time when other processes share the cores.
  const cpu = (a: Measurement, b: Measurement) => `CPU ${(a.cpuMs / b.cpuMs).toFixed(2)}×`;
  const check = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'MISSED');
  const lines = [
    [
      `cold --jobs 1 ≤ 1.6× (a)`,
      `${ratio(f.cold1, f.floor).toFixed(2)}× (${cpu(f.cold1, f.floor)})`,
      ratio(f.cold1, f.floor) <= 1.6,
    ],
    [
      `cold default jobs not slower than --jobs 1 (≤ 1.05×)`,
      `${ratio(f.coldDefault, f.cold1).toFixed(2)}× (${cpu(f.coldDefault, f.cold1)})`,
      ratio(f.coldDefault, f.cold1) <= 1.05,
    ],
    [
      `warm, nothing changed ≤ 0.10× cold`,
      `${ratio(f.warm, f.cold1).toFixed(3)}× (${cpu(f.warm, f.cold1)})`,
      ratio(f.warm, f.cold1) <= 0.1,
    ],
    [
      `warm, one file touched ≤ 0.15× cold`,
      `${ratio(f.touched, f.cold1).toFixed(3)}× (${cpu(f.touched, f.cold1)})`,
      ratio(f.touched, f.cold1) <= 0.15,
    ],
    [
      `staged files, warm ≤ 0.25 s`,
      `${(f.staged.ms / 1000).toFixed(2)} s (CPU ${(f.staged.cpuMs / 1000).toFixed(2)} s)`,
      f.staged.ms <= 250,
    ],
    [
      `--version ≤ 0.1 s`,
      `${(f.version.ms / 1000).toFixed(3)} s (CPU ${(f.version.cpuMs / 1000).toFixed(2)} s)`,
      f.version.ms <= 100,
    ],
    [
      `ESLint plugin (README setup) ≤ +15%`,
      /^-?[\d.]+$/.test(eslint) ? `+${eslint}%` : eslint,
      /^-?[\d.]+$/.test(eslint) ? Number(eslint) <= 15 : undefined,
    ],
    [`peak RSS, cold --jobs 1`, `${f.cold1.rssMb.toFixed(0)} MB`, true],
  ] as const;
  console.log(`\ntargets, ${f.corpus} (${f.files} files; cold = cold --jobs 1):`);
  for (const [what, value, ok] of lines) console.log(`  ${what.padEnd(54)} ${value.padStart(24)}  ${check(ok)}`);
}

spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
console.log(`Node ${process.version}, ${availableParallelism()} cores, ${ROUNDS} rounds per median`);
const all: { figures: Figures; eslint: string }[] = [];
if (process.env.BENCH_HALF === '1') {
  const half = prepareCorpus(Math.round(FULL / 2));
  runCorpus('package corpus (half)', half, { perFile: true, jobs2: false, typed: false });
}
const packages = prepareCorpus(FULL);
const packageFigures = runCorpus('package corpus', packages, { perFile: true, jobs2: true, typed: true });
all.push({ figures: packageFigures, eslint: eslintOverhead(packages) });
const monorepo = process.env.BENCH_MONOREPO === '0' ? { missing: 'BENCH_MONOREPO=0' } : prepareMonorepo();
if (typeof monorepo === 'string') {
  const figures = runCorpus(`monorepo (${MONOREPOS.join(', ')})`, monorepo, {
    perFile: true,
    jobs2: true,
    typed: false,
  });
  all.push({ figures, eslint: eslintOverhead(monorepo) });
} else {
  console.log(`\nmonorepo corpus skipped: ${monorepo.missing}`);
}
runFlat();
for (const { figures, eslint } of all) targets(figures, eslint);
writeFileSync(join(BENCH_DIR, 'last.json'), JSON.stringify(all, null, 2));
