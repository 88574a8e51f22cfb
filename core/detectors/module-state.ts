import { detector } from './detector.js';
import { handRolledFinder } from './hand-rolled.js';
import { rotatedValues } from './rotated-value.js';

// const recent = []  at module scope, recent.push(…) in a handler; a salt rotated by a cron job
export const moduleState = detector('module-state', handRolledFinder('module-state'), rotatedValues);
