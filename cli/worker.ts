import { parentPort } from 'node:worker_threads';
import { type AnalysisSettings, type FileJob, runJob } from './analyze-file.js';

/** A batch of files for one worker; results come back in the same order. */
export interface WorkerRequest {
  batch: number;
  files: FileJob[];
  settings: AnalysisSettings;
}

parentPort?.on('message', (request: WorkerRequest) => {
  const results = request.files.map((job) => runJob(job, request.settings));
  parentPort!.postMessage({ batch: request.batch, results });
});
