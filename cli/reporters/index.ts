import type { Colors } from 'picocolors/types.js';
import type { ScanResult } from '../scan.js';
import { json } from './json.js';
import { pretty } from './pretty.js';

export interface ReporterOptions {
  cwd: string;
  colors: Colors;
}

/** A reporter turns a scan result into text; it never writes or exits. */
export type Reporter = (result: ScanResult, options: ReporterOptions) => string;

export const REPORTERS: Record<string, Reporter> = { pretty, json };

export const FORMATS = Object.keys(REPORTERS);
