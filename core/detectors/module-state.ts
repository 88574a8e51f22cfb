import type { FileContext } from '../context.js';
import { handRolledFindings } from './hand-rolled.js';

// const recent = []  at module scope, recent.push(…) in a handler
export function detectModuleState(ctx: FileContext) {
  return handRolledFindings(ctx, 'module-state');
}
