import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh temporary folder per test, removed afterwards. */
export function useTempDir(prefix = 'statecheck-'): {
  readonly path: string;
  write(rel: string, text: string): string;
} {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    get path() {
      return dir;
    },
    write(rel: string, text: string) {
      const file = join(dir, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}

/** A small Express app with one memory-session and one module-state finding (lines 4 and 5). */
export const SAMPLE_APP = [
  "const express = require('express');",
  "const session = require('express-session');",
  'const app = express();',
  "app.use(session({ secret: 'x' }));",
  'const seen = new Set();',
  "app.get('/', (req, res) => {",
  '  seen.add(req.ip);',
  '  res.end();',
  '});',
  'module.exports = app;',
  '',
].join('\n');
