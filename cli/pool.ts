import { availableParallelism } from 'node:os';
import { isMainThread, Worker } from 'node:worker_threads';
import { type AnalysisSettings, type FileJob, internalError, type JobOutcome, runJob } from './analyze-file.js';
import type { WorkerRequest } from './worker.js';

/** Below this many files, starting workers (each loads TypeScript) costs more than it saves. */
const MIN_FILES_PER_WORKER = 150;
const BATCH = 24;

/**
 * One core is left for the main thread and the garbage collector: measured on 2 cores, two
 * workers (each loading and warming up its own TypeScript) used 60% more CPU than one thread
 * and finished later.
 */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Analyses files on `jobs` worker threads (inline for one job or a small run). Results are
 * returned in the order of `files`, whatever the scheduling, so output is deterministic.
 */
export async function analyzeAll(
  files: readonly FileJob[],
  settings: AnalysisSettings,
  jobs: number,
  onDone?: (count: number) => void,
): Promise<JobOutcome[]> {
  const workers = Math.min(jobs, Math.floor(files.length / MIN_FILES_PER_WORKER));
  if (workers > 1) return inWorkers(files, settings, workers, onDone);
  const results: JobOutcome[] = new Array(files.length);
  files.forEach((job, i) => {
    results[i] = runJob(job, settings);
    onDone?.(i + 1);
  });
  // How deep the parser can recurse depends on the thread's stack: the main thread has less than
  // a worker. A file that ran out of stack here is analysed again on a worker, so that --jobs
  // never changes the result.
  const overflowed = files.flatMap((_, i) => (results[i]!.overflow ? [i] : []));
  if (overflowed.length > 0 && isMainThread) {
    const again = await inWorkers(overflowed.map((i) => files[i]!), settings, 1);
    overflowed.forEach((index, i) => {
      results[index] = again[i]!;
    });
  }
  return results;
}

interface Batch {
  start: number;
  files: readonly FileJob[];
}

/**
 * Runs batches on worker threads. A worker that dies (out of memory, a crash in native code)
 * is replaced: its batch is retried file by file, and the one file that kills a worker on its
 * own gets an `errors` entry instead of failing the scan. Only when workers die before any has
 * finished a batch (they cannot start) does the scan fail.
 */
async function inWorkers(files: readonly FileJob[], settings: AnalysisSettings, workers: number, onDone?: (count: number) => void): Promise<JobOutcome[]> {
  const results: JobOutcome[] = new Array(files.length);
  const queue: Batch[] = [];
  for (let start = 0; start < files.length; start += BATCH) queue.push({ start, files: files.slice(start, start + BATCH) });
  const url = new URL('./worker.js', import.meta.url);
  let done = 0;
  let answered = 0;
  let crashes = 0;

  const work = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(url);
      let current: Batch | undefined;
      let settled = false;
      const send = () => {
        current = queue.shift();
        if (!current) {
          settled = true;
          void worker.terminate().then(() => resolve());
          return;
        }
        const request: WorkerRequest = { batch: current.start, files: [...current.files], settings };
        worker.postMessage(request);
      };
      const crashed = (error: unknown) => {
        if (settled) return;
        settled = true;
        void worker.terminate();
        crashes++;
        if (answered === 0 && crashes >= 3) {
          reject(error);
          return;
        }
        const batch = current;
        if (batch && batch.files.length > 1) {
          queue.unshift(...batch.files.map((job, i) => ({ start: batch.start + i, files: [job] })));
        } else if (batch) {
          const job = batch.files[0]!;
          const message = internalError('analysis crashed its worker thread', error, settings.debug);
          results[batch.start] = { result: { findings: [], errors: [{ file: job.file, message }] } };
          onDone?.(++done);
        }
        work().then(resolve, reject);
      };
      worker.on('message', (message: { batch: number; results: JobOutcome[] }) => {
        const batch = current!;
        message.results.forEach((result, i) => {
          results[batch.start + i] = result;
        });
        answered++;
        done += message.results.length;
        onDone?.(done);
        send();
      });
      worker.on('error', crashed);
      worker.on('exit', (code) => crashed(new Error(`the worker thread exited with code ${code}`)));
      send();
    });

  await Promise.all(Array.from({ length: Math.min(workers, queue.length) }, work));
  return results;
}
