import { detector } from './detector.js';
import { handRolledFinder } from './hand-rolled.js';

// const recent = []  at module scope, recent.push(…) in a handler
export const moduleState = detector('module-state', handRolledFinder('module-state'));
