import type { FileContext } from '../context.js';
import { handRolledFindings, libraryFindings } from './shared.js';

// app.use(session({ secret }))  with no shared store; const sessions = new Map()
export function detectMemorySession(ctx: FileContext) {
  return [...libraryFindings(ctx, 'memory-session'), ...handRolledFindings(ctx, 'memory-session')];
}
