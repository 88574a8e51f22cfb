import type { Reporter } from '../types.js';
import { github } from './github.js';
import { json } from './json.js';
import { markdown } from './markdown.js';
import { pretty } from './pretty.js';
import { sarif } from './sarif.js';

export const REPORTERS: Record<string, Reporter> = { pretty, json, sarif, github, markdown };

export const FORMATS = Object.keys(REPORTERS);
