import type { FileContext } from '../context.js';
import { handRolledFindings } from './hand-rolled.js';
import { libraryFindings } from './library-findings.js';

// const mutex = new Mutex()  at module scope; const locks = new Map() guarding a resource
export function detectProcessLock(ctx: FileContext) {
  return [...libraryFindings(ctx, 'process-lock'), ...handRolledFindings(ctx, 'process-lock')];
}
