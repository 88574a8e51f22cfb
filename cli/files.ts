import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { EXCLUDED_DIRECTORIES, outOfScopeReason, SOURCE_EXTENSIONS } from '../core/index.js';

/** A file selected for scanning. */
export interface SelectedFile {
  /** Absolute path. */
  path: string;
}

/** What discovery found: the files, paths that do not exist, and files passed over on purpose. */
export interface Discovery {
  files: SelectedFile[];
  missing: string[];
  /** Files named on the command line that are outside the default server-code scope. */
  skipped: { path: string; reason: string }[];
  /** Problems reading directories (permissions), reported as scan errors. */
  unreadable: { path: string; reason: string }[];
}

/** Which files count, beyond existence: the configuration's globs and scope, a changed-file list. */
export interface Selection {
  /** Folder the globs are relative to (the config file's folder). */
  base: string;
  include: readonly string[];
  exclude: readonly string[];
  /** Apply the built-in server-code scope (tests, scripts, config files out). */
  defaultScope: boolean;
  /** Only these absolute paths (from `--changed` / `--since`). */
  only?: ReadonlySet<string>;
}

interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

/** Forward-slash relative path, for patterns and output. */
export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Expands the command-line paths into the files to scan: directories are walked (not through
 * symbolic links to directories), `.gitignore` files from the repository root down are honoured,
 * and the default server-code scope applies. Named files are also held to the scope, so a
 * pre-commit hook that passes every staged file does not lint tests.
 */
export function discover(cwd: string, paths: readonly string[], selection: Selection = { base: cwd, include: [], exclude: [], defaultScope: true }): Discovery {
  const result: Discovery = { files: [], missing: [], skipped: [], unreadable: [] };
  const seen = new Set<string>();
  const included = selection.include.length > 0 ? picomatch(selection.include as string[], { dot: true }) : undefined;
  const excluded = selection.exclude.length > 0 ? picomatch(selection.exclude as string[], { dot: true }) : undefined;
  const scope = selection.defaultScope ? outOfScopeReason : sourceOnly;
  const add = (path: string) => {
    if (seen.has(path) || (selection.only && !selection.only.has(path))) return;
    const rel = toPosix(relative(selection.base, path));
    if (included && !included(rel)) return;
    if (excluded?.(rel)) return;
    seen.add(path);
    result.files.push({ path });
  };
  for (const input of paths) {
    const absolute = resolve(cwd, input);
    if (!existsSync(absolute)) {
      result.missing.push(input);
      continue;
    }
    let stats;
    try {
      stats = statSync(absolute);
    } catch (error) {
      result.unreadable.push({ path: absolute, reason: describe(error) });
      continue;
    }
    if (stats.isDirectory()) {
      walkDirectory(absolute, gitignoreLayers(absolute), absolute, add, result, selection.defaultScope);
    } else {
      const rel = toPosix(relative(cwd, absolute));
      const reason = scope(rel.startsWith('..') ? absolute : rel);
      if (reason) result.skipped.push({ path: absolute, reason });
      else if (!isIgnored(absolute, layersFor(dirname(absolute)))) add(absolute);
      else result.skipped.push({ path: absolute, reason: 'ignored by .gitignore' });
    }
  }
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

function walkDirectory(
  dir: string,
  layers: IgnoreLayer[],
  root: string,
  add: (path: string) => void,
  result: Discovery,
  defaultScope: boolean,
): void {
  const scope = defaultScope ? outOfScopeReason : sourceOnly;
  const skipDirectory = (name: string) => (defaultScope ? EXCLUDED_DIRECTORIES.has(name) : ALWAYS_EXCLUDED.has(name));
  const stack: { dir: string; layers: IgnoreLayer[] }[] = [{ dir, layers }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const own = readGitignore(current.dir);
    const active = own ? [...current.layers, own] : current.layers;
    let entries: string[];
    try {
      entries = readdirSync(current.dir).sort();
    } catch (error) {
      result.unreadable.push({ path: current.dir, reason: describe(error) });
      continue;
    }
    const subdirectories: string[] = [];
    for (const name of entries) {
      const path = join(current.dir, name);
      let stats;
      try {
        stats = lstatSync(path);
      } catch (error) {
        result.unreadable.push({ path, reason: describe(error) });
        continue;
      }
      if (stats.isSymbolicLink()) {
        // Follow a link only to a file that stays inside the scanned root; never into directories.
        const target = safeRealpath(path);
        if (!target || !isInside(target, safeRealpath(root) ?? root)) continue;
        try {
          if (!statSync(target).isFile()) continue;
        } catch {
          continue;
        }
      } else if (stats.isDirectory()) {
        if (skipDirectory(name) || isIgnored(path + sep, active)) continue;
        subdirectories.push(path);
        continue;
      } else if (!stats.isFile()) {
        continue;
      }
      if (!SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext))) continue;
      if (scope(toPosix(relative(root, path)))) continue;
      if (isIgnored(path, active)) continue;
      add(path);
    }
    for (let i = subdirectories.length - 1; i >= 0; i--) stack.push({ dir: subdirectories[i]!, layers: active });
  }
}

/** Folders never scanned, even with `defaultScope: false`. */
const ALWAYS_EXCLUDED = new Set(['node_modules', '.git']);

/** With the default scope off: any source file outside node_modules. */
function sourceOnly(relativePath: string): string | undefined {
  if (relativePath.split('/').some((segment) => ALWAYS_EXCLUDED.has(segment))) return 'inside node_modules/';
  return SOURCE_EXTENSIONS.some((ext) => relativePath.endsWith(ext)) ? undefined : 'not a JavaScript or TypeScript file';
}

function readGitignore(dir: string): IgnoreLayer | undefined {
  const file = join(dir, '.gitignore');
  try {
    return { base: dir, rules: ignore().add(readFileSync(file, 'utf8')) };
  } catch {
    return undefined;
  }
}

/** `.gitignore` files of the enclosing repository, from its root down to `dir` (exclusive). */
function gitignoreLayers(dir: string): IgnoreLayer[] {
  const chain: string[] = [];
  let current = dir;
  for (;;) {
    const parent = dirname(current);
    if (existsSync(join(current, '.git')) || parent === current) break;
    current = parent;
    chain.unshift(current);
  }
  if (!existsSync(join(current, '.git'))) return [];
  return chain.map(readGitignore).filter((layer): layer is IgnoreLayer => layer !== undefined);
}

function layersFor(dir: string): IgnoreLayer[] {
  const own = readGitignore(dir);
  return own ? [...gitignoreLayers(dir), own] : gitignoreLayers(dir);
}

function isIgnored(path: string, layers: readonly IgnoreLayer[]): boolean {
  for (const layer of layers) {
    const rel = toPosix(relative(layer.base, path)) + (path.endsWith(sep) ? '/' : '');
    if (rel === '' || rel === '/' || rel.startsWith('..')) continue;
    if (layer.rules.ignores(rel)) return true;
  }
  return false;
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/** A short reason from a Node.js file-system error. */
export function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = String((error as { code: unknown }).code);
    const known: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      ENOENT: 'file not found (deleted during the scan?)',
      ELOOP: 'too many symbolic links',
      EISDIR: 'is a directory',
    };
    if (known[code]) return known[code];
  }
  return error instanceof Error ? error.message : String(error);
}
