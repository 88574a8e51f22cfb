import type { FileContext } from '../context.js';
import { handRolledFindings } from './hand-rolled.js';
import { libraryFindings } from './library-findings.js';

// app.use(session({ secret }))  with no shared store; const sessions = new Map()
export function detectMemorySession(ctx: FileContext) {
  return [...libraryFindings(ctx, 'memory-session'), ...handRolledFindings(ctx, 'memory-session')];
}
