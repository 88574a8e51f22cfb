// npm run bench: statecheck's speed and memory against the parse floor, on a corpus of real
// server-side packages. Ratios in one run are what matter on shared, noisy machines.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, prepareCorpus } from './corpus.js';
import { FLAT_SHAPES, type FlatShape, flatFile } from './flat.js';

interface Measurement {
  ms: number;
  rssMb: number;
  /** User + system CPU time of the process and its threads (V8 compiles and collects on its own threads). */
  cpuMs: number;
}

const FULL = Number(process.env.BENCH_FILES ?? 6000);
const HALF = Math.round(FULL / 2);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/** The run with the median time. */
function median(runs: readonly Measurement[]): Measurement {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
}

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

function row(label: string, m: Measurement, floor: Measurement, files: number): string {
  const ratio = (m.ms / floor.ms).toFixed(2);
  return `${label.padEnd(56)} ${m.ms.toFixed(0).padStart(7)} ms  ${ratio.padStart(5)}×  ${Math.round(
    (files / m.ms) * 1000,
  )
    .toString()
    .padStart(6)} files/s  ${m.rssMb.toFixed(0).padStart(5)} MB  ${(m.cpuMs / 1000).toFixed(1).padStart(5)} s CPU`;
}

function runCorpus(count: number, full: boolean): void {
  const dir = prepareCorpus(count);
  const cache = join(dir, '.statecheck-cache');
  const files = Number(
    spawnSync('sh', ['-c', `find src -type f | wc -l`], { cwd: dir, encoding: 'utf8' }).stdout.trim(),
  );
  console.log(`\ncorpus: ${files} files (${dir})`);
  const cli = (extra: string[]) => measure(['cli', dir, '--format', 'json', ...extra]);
  // The ratio that matters most, measured ROUNDS times interleaved (the median of each), so that
  // a burst of load on a shared machine does not decide it.
  const samples: Measurement[][] = [[], [], []];
  for (let round = 0; round < ROUNDS; round++) {
    samples[0]!.push(measure(['parse', dir]));
    samples[1]!.push(cli(['--jobs', '1', '--no-cache']));
    samples[2]!.push(cli(['--jobs', '1', '--no-cache', '--no-cross-file']));
  }
  const [floor, cold1, perFile] = samples.map(median) as [Measurement, Measurement, Measurement];
  const of = ROUNDS > 1 ? ` (median of ${ROUNDS})` : '';
  console.log(row(`(a) read + ts.createSourceFile, 1 thread${of}`, floor, floor, files));
  console.log(row(`(b) statecheck cold, --jobs 1${of}`, cold1, floor, files));
  console.log(row(`    per file only (--no-cross-file), --jobs 1${of}`, perFile, floor, files));
  rmSync(cache, { recursive: true, force: true });
  console.log(
    `    cross-file analysis costs ${(((cold1.ms - perFile.ms) / perFile.ms) * 100).toFixed(0)}% time, ${(cold1.rssMb - perFile.rssMb).toFixed(0)} MB peak RSS over per file`,
  );
  const cold = cli(['--cache-location', cache]);
  const cold2 = full ? cli(['--jobs', '2', '--no-cache']) : undefined;
  if (cold2) console.log(row('(b) statecheck cold, --jobs 2', cold2, floor, files));
  console.log(
    row(`(b) statecheck cold, default jobs (${Math.max(1, availableParallelism() - 1)})`, cold, floor, files),
  );
  if (!full) return;
  const warm = cli(['--cache-location', cache]);
  console.log(row('(c) warm cache, nothing changed', warm, floor, files));
  const first = spawnSync('sh', ['-c', 'find src -type f -name "*.js" | sort | head -n 1'], {
    cwd: dir,
    encoding: 'utf8',
  }).stdout.trim();
  appendFileSync(join(dir, first), `\n// touched ${Date.now()}\n`);
  const touched = cli(['--cache-location', cache]);
  console.log(row('(d) warm cache, one file touched', touched, floor, files));
  const typed = cli(['--typed']);
  console.log(row('(e) --typed (type-checked program, one thread)', typed, floor, files));
  console.log(
    `    --typed costs ${(typed.ms / cold1.ms).toFixed(2)}× the time and ${(typed.rssMb / cold1.rssMb).toFixed(2)}× the peak RSS of a cold --jobs 1 run`,
  );
  console.log(
    `\ntargets: cold --jobs 1 ≤ 1.3× (a): ${(cold1.ms / floor.ms).toFixed(2)}×; cold default jobs < (a): ${(cold.ms / floor.ms).toFixed(2)}×; warm ≤ 15% of cold: ${((warm.ms / cold.ms) * 100).toFixed(0)}%`,
  );
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

spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
runCorpus(HALF, false);
runCorpus(FULL, true);
runFlat();
