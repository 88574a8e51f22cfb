import { detector } from './detector.js';
import { handRolledFinder } from './hand-rolled.js';
import { libraryFinders } from './library-findings.js';

// app.use(session({ secret }))  with no shared store; const sessions = new Map()
export const memorySession = detector(
  'memory-session',
  ...libraryFinders('memory-session'),
  handRolledFinder('memory-session'),
);
