import { detector } from './detector.js';
import { handRolledFinder } from './hand-rolled.js';
import { libraryFinders } from './library-findings.js';

// rateLimit({ windowMs, max })  with no store; const hits = new Map() keyed by req.ip
export const memoryRateLimit = detector(
  'memory-rate-limit',
  ...libraryFinders('memory-rate-limit'),
  handRolledFinder('memory-rate-limit'),
);
