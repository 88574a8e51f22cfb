import type { Colors } from 'picocolors/types.js';
import type { ScanResult } from '../scan.js';
import { github } from './github.js';
import { json } from './json.js';
import { markdown } from './markdown.js';
import { pretty } from './pretty.js';
import { sarif } from './sarif.js';

export interface ReporterOptions {
  cwd: string;
  colors: Colors;
}

/** A reporter turns a scan result into text; it never writes or exits. */
export type Reporter = (result: ScanResult, options: ReporterOptions) => string;

export const REPORTERS: Record<string, Reporter> = { pretty, json, sarif, github, markdown };

export const FORMATS = Object.keys(REPORTERS);
