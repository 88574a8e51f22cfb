import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './fixtures.js';

export interface Located {
  file: string;
  line: number;
  column: number;
}

export interface ExpectedFinding extends Located {
  ruleId: string;
  category: string;
  related: Located[];
  /** Reported only by whole-program analysis: the plugin, one file at a time, cannot see it. */
  crossFile?: boolean;
}

/** fixtures/cross-file/<project>/expected.json */
export interface CrossFileExpected {
  findings: ExpectedFinding[];
  /** Findings a per-file analysis (ESLint) reports that the whole program clears. */
  eslintOnly: (Located & { ruleId: string; category: string })[];
}

export const CROSS_FILE = join(FIXTURES, 'cross-file');
export const CROSS_FILE_PROJECTS = readdirSync(CROSS_FILE)
  .filter((name) => !name.includes('.'))
  .sort();
