// npm run bench: statecheck's speed and memory against the parse floor, on a corpus of real
// server-side packages. Ratios in one run are what matter on shared, noisy machines.
import { spawnSync } from 'node:child_process';
import { appendFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { prepareCorpus } from './corpus.js';

interface Measurement {
  ms: number;
  rssMb: number;
}

const FULL = Number(process.env.BENCH_FILES ?? 6000);
const HALF = Math.round(FULL / 2);

function measure(args: string[]): Measurement {
  const result = spawnSync(process.execPath, [join('bench', 'measure.mjs'), ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const last = result.stderr.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Measurement;
  } catch {
    throw new Error(`bench: measurement failed (${args.join(' ')}):\n${result.stderr.slice(-2000)}`);
  }
}

function row(label: string, m: Measurement, floor: Measurement, files: number): string {
  const ratio = (m.ms / floor.ms).toFixed(2);
  return `${label.padEnd(42)} ${m.ms.toFixed(0).padStart(7)} ms  ${ratio.padStart(5)}×  ${Math.round((files / m.ms) * 1000).toString().padStart(6)} files/s  ${m.rssMb.toFixed(0).padStart(5)} MB`;
}

function runCorpus(count: number, full: boolean): void {
  const dir = prepareCorpus(count);
  const cache = join(dir, '.statecheck-cache');
  const files = Number(spawnSync('sh', ['-c', `find src -type f | wc -l`], { cwd: dir, encoding: 'utf8' }).stdout.trim());
  console.log(`\ncorpus: ${files} files (${dir})`);
  const floor = measure(['parse', dir]);
  console.log(row('(a) read + ts.createSourceFile, 1 thread', floor, floor, files));
  const cli = (extra: string[]) => measure(['cli', dir, '--format', 'json', ...extra]);
  rmSync(cache, { recursive: true, force: true });
  const cold1 = cli(['--jobs', '1', '--no-cache']);
  console.log(row('(b) statecheck cold, --jobs 1', cold1, floor, files));
  const perFile = cli(['--jobs', '1', '--no-cache', '--no-cross-file']);
  console.log(row('    per file only (--no-cross-file), --jobs 1', perFile, floor, files));
  console.log(`    cross-file analysis costs ${(((cold1.ms - perFile.ms) / perFile.ms) * 100).toFixed(0)}% time, ${(cold1.rssMb - perFile.rssMb).toFixed(0)} MB peak RSS over per file`);
  const cold = cli(['--cache-location', cache]);
  const cold2 = full ? cli(['--jobs', '2', '--no-cache']) : undefined;
  if (cold2) console.log(row('(b) statecheck cold, --jobs 2', cold2, floor, files));
  console.log(row(`(b) statecheck cold, default jobs (${Math.max(1, availableParallelism() - 1)})`, cold, floor, files));
  if (!full) return;
  const warm = cli(['--cache-location', cache]);
  console.log(row('(c) warm cache, nothing changed', warm, floor, files));
  const first = spawnSync('sh', ['-c', 'find src -type f -name "*.js" | sort | head -n 1'], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  appendFileSync(join(dir, first), `\n// touched ${Date.now()}\n`);
  const touched = cli(['--cache-location', cache]);
  console.log(row('(d) warm cache, one file touched', touched, floor, files));
  const typed = cli(['--typed']);
  console.log(row('(e) --typed (type-checked program, one thread)', typed, floor, files));
  console.log(`    --typed costs ${(typed.ms / cold1.ms).toFixed(2)}× the time and ${(typed.rssMb / cold1.rssMb).toFixed(2)}× the peak RSS of a cold --jobs 1 run`);
  console.log(`\ntargets: cold --jobs 1 ≤ 1.3× (a): ${(cold1.ms / floor.ms).toFixed(2)}×; cold default jobs < (a): ${(cold.ms / floor.ms).toFixed(2)}×; warm ≤ 15% of cold: ${((warm.ms / cold.ms) * 100).toFixed(0)}%`);
}

spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
runCorpus(HALF, false);
runCorpus(FULL, true);
