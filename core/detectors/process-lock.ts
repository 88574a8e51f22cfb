import { detector } from './detector.js';
import { handRolledFinder } from './hand-rolled.js';
import { libraryFinders } from './library-findings.js';

// const mutex = new Mutex()  at module scope; const locks = new Map() guarding a resource
export const processLock = detector(
  'process-lock',
  ...libraryFinders('process-lock'),
  handRolledFinder('process-lock'),
);
