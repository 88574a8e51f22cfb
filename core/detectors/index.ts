import type { FileContext } from '../context.js';
import type { Category, CoreFinding } from '../types.js';
import { detectFileWrite } from './file-write.js';
import { detectGlobalMutation } from './global-mutation.js';
import { detectInProcessScheduler } from './in-process-scheduler.js';
import { detectMemoryRateLimit } from './memory-rate-limit.js';
import { detectMemorySession } from './memory-session.js';
import { detectModuleState } from './module-state.js';
import { detectProcessCache } from './process-cache.js';
import { detectProcessLock } from './process-lock.js';
import { detectSocketRegistry } from './socket-registry.js';

/** A detector: one category's findings in one file. */
export type Detector = (ctx: FileContext) => CoreFinding[];

/** One detector per category. */
export const DETECTORS: Record<Category, Detector> = {
  'module-state': detectModuleState,
  'file-write': detectFileWrite,
  'memory-session': detectMemorySession,
  'process-cache': detectProcessCache,
  'memory-rate-limit': detectMemoryRateLimit,
  'socket-registry': detectSocketRegistry,
  'in-process-scheduler': detectInProcessScheduler,
  'process-lock': detectProcessLock,
  'global-mutation': detectGlobalMutation,
};
