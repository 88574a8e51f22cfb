import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { runJob } from './analyze-file.js';
import { internalError } from './errors.js';
import type { AnalysisSettings, FileJob, JobOutcome } from './types.js';
import type { WorkerRequest, WorkerResponse } from './worker.js';

/** Below this many files, starting workers (each loads TypeScript) costs more than it saves. */
const MIN_FILES_PER_WORKER = 150;
/** Files per message: enough to make a message's cost negligible, few enough to balance the end of a run. */
const BATCH = 32;
/** Batches a worker holds at once: it starts on the next while its last results travel back. */
const IN_FLIGHT = 2;
/**
 * A worker's young generation, in MiB. With V8's default a parsed file's syntax tree often
 * outlives two scavenges and is promoted, to be marked and compacted later; with room for it
 * to die young a worker analysed the bench corpus about 7% faster, with about 20% less memory.
 */
const YOUNG_GENERATION_MB = 64;
/**
 * The stack, in MiB, of the thread that analyses a file again after it ran out of stack. How
 * deep the parser can recurse depends on the thread's stack and on how much of the code V8 has
 * optimised by then (optimised frames are smaller), which depends on the files the thread ran
 * before. A fresh thread for that one file, with this stack (four times a worker's default),
 * gives the file the same result whatever else is in the run and whatever --jobs says.
 */
const RETRY_STACK_MB = 16;

/**
 * One core is left for the main thread and for V8's own threads: a single analysing thread
 * keeps about 1.4 cores busy (TurboFan compiles the parser and the detectors, and the garbage
 * collector marks, on background threads), and each worker loads and compiles TypeScript
 * again (about 3.5 s of CPU on the 6,000-file bench corpus). Measured on 2 vCPUs, neither two
 * workers nor the main thread plus one worker finished clearly before one thread.
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
  let results: JobOutcome[];
  if (workers > 1) {
    results = await inWorkers(files, settings, workers, POOLED, onDone);
  } else {
    results = new Array<JobOutcome>(files.length);
    for (let i = 0; i < files.length; i++) {
      results[i] = runJob(files[i]!, settings);
      onDone?.(i + 1);
    }
  }
  // A file that ran out of stack, here or on a pooled worker, is analysed again the one fixed
  // way: alone, on a fresh thread with a fixed stack. What that gives is its result, also when
  // it runs out of stack there too.
  const overflowed: number[] = [];
  for (let i = 0; i < results.length; i++) if (results[i]!.overflow) overflowed.push(i);
  if (overflowed.length > 0) {
    const again = await inWorkers(
      overflowed.map((i) => files[i]!),
      settings,
      Math.max(1, Math.min(jobs, overflowed.length)),
      ALONE,
    );
    overflowed.forEach((index, i) => {
      const { overflow: _, ...outcome } = again[i]!;
      results[index] = outcome;
    });
  }
  return results;
}

/** How files go to worker threads. */
interface Mode {
  /** Files per message. */
  batch: number;
  /** A fresh thread for each batch, ended after it. */
  fresh: boolean;
  stackSizeMb?: number;
}

const POOLED: Mode = { batch: BATCH, fresh: false };
const ALONE: Mode = { batch: 1, fresh: true, stackSizeMb: RETRY_STACK_MB };

interface Batch {
  start: number;
  files: readonly FileJob[];
}

/**
 * Runs batches on worker threads. A worker that dies (out of memory, a crash in native code)
 * is replaced: the batches it held are retried file by file, and the one file that kills a
 * worker on its own gets an `errors` entry instead of failing the scan. Only when workers die
 * before any has finished a batch (they cannot start) does the scan fail.
 */
async function inWorkers(
  files: readonly FileJob[],
  settings: AnalysisSettings,
  workers: number,
  mode: Mode,
  onDone?: (count: number) => void,
): Promise<JobOutcome[]> {
  const results: JobOutcome[] = new Array<JobOutcome>(files.length);
  const queue: Batch[] = [];
  for (let start = 0; start < files.length; start += mode.batch)
    queue.push({ start, files: files.slice(start, start + mode.batch) });
  const url = new URL('./worker.js', import.meta.url);
  let done = 0;
  let answered = 0;
  let crashes = 0;

  const work = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // The settings travel once, with the worker; each message carries files only.
      const worker = new Worker(url, {
        workerData: settings,
        resourceLimits: {
          maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
          ...(mode.stackSizeMb !== undefined ? { stackSizeMb: mode.stackSizeMb } : {}),
        },
      });
      // The batches this worker holds, oldest first: answers come back in the order they were sent.
      const held: Batch[] = [];
      let settled = false;
      let sent = 0;
      const send = () => {
        while (held.length < IN_FLIGHT && queue.length > 0 && !(mode.fresh && sent > 0)) {
          sent++;
          const batch = queue.shift()!;
          held.push(batch);
          const request: WorkerRequest = { batch: batch.start, files: [...batch.files] };
          worker.postMessage(request);
        }
        if (held.length === 0) {
          settled = true;
          // A fresh thread for the next batch, if any.
          void worker
            .terminate()
            .then(() => (mode.fresh && queue.length > 0 ? work().then(resolve, reject) : resolve()));
        }
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
        // A worker analyses its batches in order: the oldest one it held was being analysed when it
        // died. That batch is retried one file at a time (a single file is the culprit); the others
        // were not started and go back to the queue as they are.
        const [suspect, ...waiting] = held;
        const retry: Batch[] = [];
        if (suspect && suspect.files.length > 1) {
          retry.push(...suspect.files.map((job, i) => ({ start: suspect.start + i, files: [job] })));
        } else if (suspect) {
          const job = suspect.files[0]!;
          const message = internalError('analysis crashed its worker thread', error, settings.debug);
          results[suspect.start] = { result: { findings: [], errors: [{ file: job.file, message }] } };
          onDone?.(++done);
        }
        retry.push(...waiting);
        queue.unshift(...retry);
        work().then(resolve, reject);
      };
      worker.on('message', (message: WorkerResponse) => {
        // A dying worker may still answer: its batches are already back in the queue.
        const index = settled ? -1 : held.findIndex((b) => b.start === message.batch);
        if (index < 0) return;
        const [batch] = held.splice(index, 1) as [Batch];
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
