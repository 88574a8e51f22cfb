import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Written next to the built code by `npm run build` (tools/build-id.mjs). */
const BUILD_ID_FILE = 'build-id.json';
/** The folders of statecheck's own code, in the build (`dist/`) and in the sources alike. */
const CODE_FOLDERS = ['cli', 'core', 'rules'];

/** The folder holding statecheck's code: `dist/` when built, the repository when run from sources. */
function codeRoot(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

/**
 * A hash of statecheck's code below `root`: every `.js` file of the build, or every `.ts` source
 * (declarations aside), by path and content. Two builds that analyse differently differ here
 * even when their version is the same.
 */
export function codeHash(root: string): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.(?:js|ts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const folder of CODE_FOLDERS) walk(folder);
  for (const file of files.sort())
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

/** Writes the build's code hash into it (the build step after `tsc`). */
export function writeBuildId(root = codeRoot()): void {
  // statecheck-disable-next-line file-write -- the build step writes the build id into the package it builds
  writeFileSync(join(root, BUILD_ID_FILE), `${JSON.stringify({ code: codeHash(root) })}\n`);
}

let cached: string | undefined;

/**
 * The hash of the running code: the one the build wrote, read once; computed from the code when
 * there is none (running from sources, or a build made without the build step).
 */
export function buildId(): string {
  if (cached !== undefined) return cached;
  const root = codeRoot();
  try {
    const value = JSON.parse(readFileSync(join(root, BUILD_ID_FILE), 'utf8')) as { code?: unknown };
    if (typeof value.code === 'string') return (cached = value.code);
  } catch {
    // No build id: hash the code itself.
  }
  return (cached = codeHash(root));
}
