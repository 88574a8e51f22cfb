import type { FileContext } from '../context.js';
import { handRolledFindings } from './hand-rolled.js';
import { libraryFindings } from './library-findings.js';

// rateLimit({ windowMs, max })  with no store; const hits = new Map() keyed by req.ip
export function detectMemoryRateLimit(ctx: FileContext) {
  return [...libraryFindings(ctx, 'memory-rate-limit'), ...handRolledFindings(ctx, 'memory-rate-limit')];
}
