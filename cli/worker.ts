import { parentPort, workerData } from 'node:worker_threads';
import { runJob } from './analyze-file.js';
import type { AnalysisSettings, FileJob, JobOutcome } from './types.js';

/** A batch of files for one worker; results come back in the same order. */
export interface WorkerRequest {
  batch: number;
  files: FileJob[];
}

export interface WorkerResponse {
  batch: number;
  results: JobOutcome[];
}

/** The run's settings, the same for every batch: sent once, as the worker's `workerData`. */
const settings = workerData as AnalysisSettings;

parentPort?.on('message', (request: WorkerRequest) => {
  const results = request.files.map((job) => runJob(job, settings));
  const response: WorkerResponse = { batch: request.batch, results };
  parentPort!.postMessage(response);
});
