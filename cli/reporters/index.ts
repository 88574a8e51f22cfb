import type { Reporter } from '../types.js';
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { markdown } from './markdown.js';
import { pretty } from './pretty.js';
import { sarif } from './sarif.js';

export const REPORTERS: Record<string, Reporter> = { pretty, json, sarif, github, gitlab, junit, markdown };

export const FORMATS = Object.keys(REPORTERS);
