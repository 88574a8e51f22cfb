import { join, relative } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import picomatch from 'picomatch';
import type { ConfiguredHandler } from '../core/program/scope.js';
import { isOutside, readOwnFile, toPosix } from './files.js';
import type { ProjectLayout } from './project.js';

/** Exports a Netlify function is called through (v1 `handler`, v2 default). */
const NETLIFY_EXPORTS = ['handler', 'default'];
/** Exports a Vercel function is called through (Node.js default export, Web-style methods). */
const VERCEL_EXPORTS = ['default', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * Handlers that serverless configs in `dirs` (each package folder) name: serverless.yml/.yaml
 * `functions.*.handler`, the functions folder of netlify.toml, the `functions` globs of
 * vercel.json. Every config is read through the guarded reader; one that cannot be read names
 * nothing. `files`: the program's files, absolute.
 */
export function configuredHandlers(
  dirs: readonly string[],
  files: readonly string[],
  layout: Pick<ProjectLayout, 'packageFile'>,
): ConfiguredHandler[] {
  const handlers: ConfiguredHandler[] = [];
  for (const dir of dirs) {
    for (const name of ['serverless.yml', 'serverless.yaml']) {
      const text = readConfig(join(dir, name));
      if (text === undefined) continue;
      // Only the `handler:` values matter, each a plain scalar on its line (`src/users.create`):
      // a line match reads them without a YAML parser, and leaves out `${…}` variables.
      for (const match of text.matchAll(/^[ \t]+handler:[ \t]*(['"]?)([^'"\s#]+)\1[ \t]*(?:#.*)?$/gm)) {
        const value = match[2]!;
        const dot = value.lastIndexOf('.');
        if (value.includes('${') || dot <= 0) continue;
        const path = layout.packageFile(dir, value.slice(0, dot));
        if (path !== undefined) handlers.push({ path, name: value.slice(dot + 1), why: `named in ${name}` });
      }
    }
    const netlify = readConfig(join(dir, 'netlify.toml'));
    const folder = netlify && /^[ \t]*(?:directory|functions)[ \t]*=[ \t]*["']([^"']+)["']/m.exec(netlify)?.[1];
    if (folder) {
      const base = join(dir, folder);
      for (const file of files) {
        const rel = toPosix(relative(base, file));
        if (isOutside(rel) || rel.split('/').length > 2) continue;
        for (const name of NETLIFY_EXPORTS)
          handlers.push({ path: file, name, why: 'in the functions folder of netlify.toml' });
      }
    }
    const vercel = readConfig(join(dir, 'vercel.json'));
    const globs = vercel === undefined ? [] : vercelGlobs(vercel);
    if (globs.length > 0) {
      const matches = picomatch(globs, { dot: true });
      for (const file of files) {
        const rel = toPosix(relative(dir, file));
        if (isOutside(rel) || !matches(rel)) continue;
        for (const name of VERCEL_EXPORTS) handlers.push({ path: file, name, why: 'named in vercel.json `functions`' });
      }
    }
  }
  return handlers;
}

function vercelGlobs(text: string): string[] {
  const json = parseJsonc(text) as unknown;
  if (!json || typeof json !== 'object' || !('functions' in json)) return [];
  const functions = json.functions;
  return functions && typeof functions === 'object' && !Array.isArray(functions) ? Object.keys(functions) : [];
}

function readConfig(path: string): string | undefined {
  try {
    return readOwnFile(path, 1024 * 1024);
  } catch {
    return undefined;
  }
}
