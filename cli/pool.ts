import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type AnalysisSettings, type FileJob, type JobOutcome, runJob } from './analyze-file.js';
import type { WorkerRequest } from './worker.js';

/** Below this many files, starting workers (each loads TypeScript) costs more than it saves. */
const MIN_FILES_PER_WORKER = 150;
const BATCH = 24;

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
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
  const results: JobOutcome[] = new Array(files.length);
  if (workers <= 1) {
    files.forEach((job, i) => {
      results[i] = runJob(job, settings);
      onDone?.(i + 1);
    });
    return results;
  }
  const batches: { start: number; files: FileJob[] }[] = [];
  for (let start = 0; start < files.length; start += BATCH) batches.push({ start, files: files.slice(start, start + BATCH) });
  let next = 0;
  let done = 0;
  const url = new URL('./worker.js', import.meta.url);
  await Promise.all(
    Array.from({ length: workers }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(url);
        const send = () => {
          if (next >= batches.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const batch = next++;
          const request: WorkerRequest = { batch, files: batches[batch]!.files, settings };
          worker.postMessage(request);
        };
        worker.on('message', (message: { batch: number; results: JobOutcome[] }) => {
          const { start } = batches[message.batch]!;
          message.results.forEach((result, i) => {
            results[start + i] = result;
          });
          done += message.results.length;
          onDone?.(done);
          send();
        });
        worker.on('error', reject);
        send();
      }),
    ),
  );
  return results;
}
