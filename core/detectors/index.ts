import type { Category } from '../types.js';
import type { Detector } from './detector.js';
import { fileWrite } from './file-write.js';
import { globalMutation } from './global-mutation.js';
import { inProcessScheduler } from './in-process-scheduler.js';
import { memoryRateLimit } from './memory-rate-limit.js';
import { memorySession } from './memory-session.js';
import { moduleState } from './module-state.js';
import { processCache } from './process-cache.js';
import { processLock } from './process-lock.js';
import { socketRegistry } from './socket-registry.js';

export type { Detector, Finder } from './detector.js';

/** One detector per category. */
export const DETECTORS: Record<Category, Detector> = {
  'module-state': moduleState,
  'file-write': fileWrite,
  'memory-session': memorySession,
  'process-cache': processCache,
  'memory-rate-limit': memoryRateLimit,
  'socket-registry': socketRegistry,
  'in-process-scheduler': inProcessScheduler,
  'process-lock': processLock,
  'global-mutation': globalMutation,
};
