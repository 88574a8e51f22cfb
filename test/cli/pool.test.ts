import { afterEach, describe, expect, it, vi } from 'vitest';
import { analyzeAll, defaultJobs } from '../../cli/pool.js';
import { DEFAULT_LIMITS } from '../../cli/source.js';
import type { AnalysisSettings } from '../../cli/types.js';

// pool.ts on fake worker threads that die on chosen files (see "worker threads that die").
const fake = vi.hoisted(() => ({ crashOn: new Set<string>(), started: 0 }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  const { EventEmitter: Emitter } = await import('node:events');
  class FakeWorker extends Emitter {
    constructor() {
      super();
      fake.started++;
    }
    postMessage(request: { batch: number; files: { file: string }[] }): void {
      setImmediate(() => {
        if (request.files.some((f) => fake.crashOn.has(f.file) || fake.crashOn.has('*'))) {
          this.emit('error', new Error('worker died'));
          this.emit('exit', 1);
        } else {
          this.emit('message', {
            batch: request.batch,
            results: request.files.map((f) => ({ hash: f.file, result: { findings: [], errors: [] } })),
          });
        }
      });
    }
    terminate(): Promise<number> {
      setImmediate(() => this.emit('exit', 1));
      return Promise.resolve(1);
    }
  }
  return { ...real, Worker: FakeWorker };
});

const SETTINGS: AnalysisSettings = { analyze: {}, debug: false, limits: DEFAULT_LIMITS };

describe('worker threads that die', () => {
  const jobs = Array.from({ length: 400 }, (_, i) => ({ path: `/p/f${i}.js`, file: `f${i}.js` }));
  afterEach(() => {
    fake.crashOn.clear();
    fake.started = 0;
  });

  it('a file that kills its worker gets an errors entry; every other file still gets its result', async () => {
    fake.crashOn.add('f7.js').add('f300.js');
    const outcomes = await analyzeAll(jobs, SETTINGS, 2);
    expect(outcomes).toHaveLength(400);
    const failed = outcomes.flatMap((o, i) =>
      o.result?.errors.length ? [`${jobs[i]!.file}: ${o.result.errors[0]!.message}`] : [],
    );
    expect(failed).toEqual([
      'f7.js: analysis crashed its worker thread: worker died (run with --debug for the stack)',
      'f300.js: analysis crashed its worker thread: worker died (run with --debug for the stack)',
    ]);
    expect(outcomes.every((o, i) => o.hash === jobs[i]!.file || o.result?.errors.length)).toBe(true);
  });

  it('workers that die before doing any work fail the scan (an internal error, exit code 2)', async () => {
    fake.crashOn.add('*');
    await expect(analyzeAll(jobs, SETTINGS, 2)).rejects.toThrow('worker died');
    expect(fake.started).toBeLessThan(10);
  });
});

describe('the default number of workers', () => {
  it.each([
    [2, 0, 1],
    [2, 3, 1],
    [8, 0, 7],
    [8, 4.2, 3],
    [8, 12, 1],
    [16, 1, 14],
  ])('on %i cores with a load of %d: %i', (cores, load, jobs) => {
    expect(defaultJobs(cores, load)).toBe(jobs);
  });
});
