import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import picomatch from 'picomatch';
import { isOutside, readOwnFile, toPosix } from './files.js';

/** Path aliases of one tsconfig/jsconfig: `paths` patterns resolved against their base. */
interface Aliases {
  file: string;
  /** `@/*` → prefix `@/`, suffix ``, targets `[<abs>/src/*]`. */
  paths: { prefix: string; suffix: string; wildcard: boolean; targets: string[] }[];
  baseUrl?: string;
}

/** A package of an npm, Yarn or pnpm workspace. */
interface WorkspacePackage {
  name: string;
  dir: string;
  entries: string[];
}

/** Non-relative specifiers that are project files whatever the configuration says: `@/x`, `~/x`, `#x`. */
const CONVENTIONAL_ALIASES = ['@/', '~/', '#'];
const RESOLUTION_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `./x.js` in TypeScript ESM names `./x.ts`. */
const SOURCE_FOR: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/**
 * How the files of a project find each other: relative paths with TypeScript's and Node's
 * extension and index rules, `paths`/`baseUrl` aliases of the nearest tsconfig.json or
 * jsconfig.json (or the one `--project` names), and the packages of a workspace by name.
 * Only files of the scan count: anything else is a dependency.
 */
export class ProjectLayout {
  private readonly configs = new Map<string, Aliases | undefined>();
  /** Options of each config file read, `extends` applied: each file is read once, and a cycle ends. */
  private readonly options = new Map<string, ConfigOptions>();
  private readonly resolved = new Map<string, string | undefined>();
  readonly workspace: WorkspacePackage[];
  private readonly projectConfig: Aliases | undefined;

  /** `onNotice`: told when the workspace globs are not fully expanded. */
  constructor(
    private readonly root: string,
    private readonly files: ReadonlySet<string>,
    project?: string,
    onNotice?: (message: string) => void,
  ) {
    this.projectConfig = project ? this.readConfig(resolve(root, project)) : undefined;
    this.workspace = workspacePackages(root, onNotice);
  }

  /**
   * Specifiers that can name project files without being relative, for the per-file pass:
   * aliases of the root's (or `--project`'s) config and of each workspace package's, and
   * workspace package names.
   */
  static specifiers(root: string, project?: string, onNotice?: (message: string) => void): string[] {
    const layout = new ProjectLayout(root, new Set(), project, onNotice);
    const configs = [
      layout.projectConfig ?? layout.nearestConfig(root),
      ...layout.workspace.map((p) => layout.nearestConfig(p.dir)),
    ];
    const prefixes = new Set<string>(CONVENTIONAL_ALIASES);
    for (const config of configs)
      for (const p of config?.paths ?? []) prefixes.add(p.prefix.replace(/\/$/, '') || p.prefix);
    for (const config of configs) {
      // baseUrl makes every top-level folder a specifier: `services/users`.
      if (!config?.baseUrl) continue;
      for (const entry of safeList(config.baseUrl)) {
        if (entry !== 'node_modules' && !entry.startsWith('.')) prefixes.add(entry.replace(/\.[cm]?[jt]sx?$/, ''));
      }
    }
    for (const pkg of layout.workspace) prefixes.add(pkg.name);
    return [...prefixes].filter((p) => p !== '').sort();
  }

  /** The project file `specifier` names from `fromFile`, if it names one. */
  resolve(fromFile: string, specifier: string): string | undefined {
    const fromDir = dirname(fromFile);
    const key = specifier.startsWith('.')
      ? `${fromDir}\0${specifier}`
      : `${this.projectConfig ? '' : (this.nearestConfig(fromDir)?.file ?? '')}\0${specifier}`;
    if (this.resolved.has(key)) return this.resolved.get(key);
    const found = this.compute(fromDir, specifier);
    this.resolved.set(key, found);
    return found;
  }

  private compute(fromDir: string, specifier: string): string | undefined {
    if (specifier.startsWith('.') || isAbsolute(specifier)) return this.file(resolve(fromDir, specifier));
    const config = this.projectConfig ?? this.nearestConfig(fromDir);
    for (const alias of config?.paths ?? []) {
      if (!specifier.startsWith(alias.prefix) || !specifier.endsWith(alias.suffix)) continue;
      if (!alias.wildcard && specifier !== alias.prefix) continue;
      const middle = alias.wildcard ? specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length) : '';
      for (const target of alias.targets) {
        const found = this.file(target.replace('*', middle));
        if (found) return found;
      }
    }
    if (config?.baseUrl) {
      const found = this.file(join(config.baseUrl, specifier));
      if (found) return found;
    }
    for (const pkg of this.workspace) {
      if (specifier === pkg.name) {
        for (const entry of pkg.entries) {
          const found =
            this.file(join(pkg.dir, entry)) ??
            this.file(join(pkg.dir, entry.replace(/^(\.\/)?(dist|build|lib|out)\//, 'src/')));
          if (found) return found;
        }
      } else if (specifier.startsWith(`${pkg.name}/`)) {
        const sub = specifier.slice(pkg.name.length + 1);
        const found = this.file(join(pkg.dir, sub)) ?? this.file(join(pkg.dir, 'src', sub));
        if (found) return found;
      }
    }
    return undefined;
  }

  /**
   * The project file a package.json entry names (`main`, `bin`, an `exports` target): the file
   * itself, or its source when it names build output (`dist/index.js` → `src/index.ts`).
   */
  packageFile(dir: string, entry: string): string | undefined {
    return this.file(join(dir, entry)) ?? this.file(join(dir, entry.replace(/^(\.\/)?(dist|build|lib|out)\//, 'src/')));
  }

  /** A scanned file at `base`, by TypeScript's and Node's rules: as is, `.js` → `.ts`, added extension, index file. */
  private file(base: string): string | undefined {
    if (this.files.has(base)) return base;
    const ext = /\.[cm]?jsx?$/.exec(base)?.[0];
    for (const replacement of ext ? (SOURCE_FOR[ext] ?? []) : []) {
      const candidate = base.slice(0, -ext!.length) + replacement;
      if (this.files.has(candidate)) return candidate;
    }
    for (const extension of RESOLUTION_EXTENSIONS) if (this.files.has(base + extension)) return base + extension;
    const index = join(base, 'index');
    for (const extension of RESOLUTION_EXTENSIONS) if (this.files.has(index + extension)) return index + extension;
    return undefined;
  }

  /** The tsconfig.json or jsconfig.json nearest to `dir`, up to the root. */
  private nearestConfig(dir: string): Aliases | undefined {
    if (this.configs.has(dir)) return this.configs.get(dir);
    let found: Aliases | undefined;
    const own = ['tsconfig.json', 'jsconfig.json'].map((name) => join(dir, name)).find((file) => isFile(file));
    if (own) found = this.readConfig(own);
    else {
      const parent = dirname(dir);
      const inside = relative(this.root, parent);
      if (parent !== dir && !isOutside(inside)) found = this.nearestConfig(parent);
    }
    this.configs.set(dir, found);
    return found;
  }

  /** `paths` and `baseUrl` of a config, following `extends`. */
  private readConfig(file: string): Aliases | undefined {
    const options = compilerOptions(file, 0, this.options);
    const aliases: Aliases = { file, paths: [] };
    if (options.baseUrl) aliases.baseUrl = options.baseUrl;
    const pathsBase = options.baseUrl ?? options.pathsDir;
    for (const [pattern, targets] of Object.entries(options.paths ?? {})) {
      if (!Array.isArray(targets) || !pathsBase) continue;
      const star = pattern.indexOf('*');
      aliases.paths.push({
        prefix: star < 0 ? pattern : pattern.slice(0, star),
        suffix: star < 0 ? '' : pattern.slice(star + 1),
        wildcard: star >= 0,
        targets: targets.filter((t): t is string => typeof t === 'string').map((t) => resolve(pathsBase, t)),
      });
    }
    // The most specific pattern wins, as in TypeScript.
    aliases.paths.sort((a, b) => b.prefix.length - a.prefix.length);
    return aliases;
  }
}

interface ConfigOptions {
  baseUrl?: string;
  paths?: Record<string, unknown>;
  /** Folder of the config that declared `paths` (their base without `baseUrl`). */
  pathsDir?: string;
}

/**
 * Compiler options that matter for resolution, with `extends` applied (relative or package
 * configs). `seen` holds the options of every config already read: a config reached again
 * (a diamond of `extends` arrays) is not read again, and one that extends itself through others
 * (a cycle) contributes nothing more, as TypeScript refuses it.
 */
function compilerOptions(file: string, depth: number, seen: Map<string, ConfigOptions>): ConfigOptions {
  const known = seen.get(file);
  if (known) return known;
  if (depth > 8) return {};
  // In progress until read: a cycle back to this file finds it empty.
  seen.set(file, {});
  let json: { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } };
  try {
    json = (parseJsonc(readOwnFile(file)) ?? {}) as typeof json;
  } catch {
    return {};
  }
  if (json === null || typeof json !== 'object') return {};
  const dir = dirname(file);
  let options: ConfigOptions = {};
  const parents = Array.isArray(json.extends) ? json.extends : json.extends === undefined ? [] : [json.extends];
  for (const parent of parents) {
    if (typeof parent !== 'string') continue;
    const parentFile =
      parent.startsWith('.') || isAbsolute(parent) ? resolve(dir, parent) : join(dir, 'node_modules', parent);
    const candidates = [parentFile, `${parentFile}.json`, join(parentFile, 'tsconfig.json')];
    const existing = candidates.find(isFile);
    if (existing) options = { ...options, ...compilerOptions(existing, depth + 1, seen) };
  }
  const own = json.compilerOptions && typeof json.compilerOptions === 'object' ? json.compilerOptions : {};
  if (typeof own.baseUrl === 'string') options.baseUrl = resolve(dir, own.baseUrl);
  if (own.paths && typeof own.paths === 'object') {
    options.paths = own.paths as Record<string, unknown>;
    options.pathsDir = dir;
  }
  seen.set(file, options);
  return options;
}

/** Packages named by the root's `workspaces` (npm, Yarn) or pnpm-workspace.yaml. */
function workspacePackages(root: string, onNotice?: (message: string) => void): WorkspacePackage[] {
  const patterns: string[] = [];
  try {
    const pkg = JSON.parse(readOwnFile(join(root, 'package.json'))) as { workspaces?: unknown };
    const ws = pkg.workspaces;
    const list = Array.isArray(ws)
      ? ws
      : ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)
        ? (ws as { packages: unknown[] }).packages
        : [];
    for (const p of list) if (typeof p === 'string') patterns.push(p);
  } catch {
    // No package.json, or not JSON: no npm workspace.
  }
  try {
    const yaml = readOwnFile(join(root, 'pnpm-workspace.yaml'));
    for (const match of yaml.matchAll(/^\s*-\s*['"]?([^'"#\n]+?)['"]?\s*$/gm))
      if (!match[1]!.startsWith('!')) patterns.push(match[1]!);
  } catch {
    // No pnpm workspace.
  }
  const packages: WorkspacePackage[] = [];
  for (const dir of expandDirectories(root, patterns, onNotice)) {
    try {
      const pkg = JSON.parse(readOwnFile(join(dir, 'package.json'))) as Record<string, unknown>;
      if (typeof pkg.name !== 'string') continue;
      packages.push({ name: pkg.name, dir, entries: entryPoints(pkg) });
    } catch {
      // A folder without a readable package.json is not a package.
    }
  }
  return packages.sort((a, b) => b.name.length - a.name.length);
}

/** What the scope needs of a package.json: its name, dependencies, main modules and `bin` files, as written. */
export interface PackageManifest {
  dir: string;
  name: string;
  dependencies: string[];
  /** `source`, `exports['.']`, `module`, `main`; `index` when none is given (Node's default). */
  entries: string[];
  bin: string[];
}

/**
 * The package.json of every folder that holds one of `files`, the nearest one up to `root`
 * (the root's own included), each read once through the guarded reader. One that cannot be
 * read is no package.
 */
export function packageManifests(root: string, files: Iterable<string>): PackageManifest[] {
  const nearest = new Map<string, string | undefined>();
  const find = (dir: string): string | undefined => {
    if (nearest.has(dir)) return nearest.get(dir);
    const parent = dirname(dir);
    const found = isFile(join(dir, 'package.json'))
      ? dir
      : parent !== dir && !isOutside(relative(root, parent))
        ? find(parent)
        : undefined;
    nearest.set(dir, found);
    return found;
  };
  const dirs = new Set<string>();
  for (const file of files) {
    const dir = find(dirname(file));
    if (dir !== undefined) dirs.add(dir);
  }
  const manifests: PackageManifest[] = [];
  for (const dir of [...dirs].sort()) {
    try {
      const pkg = JSON.parse(readOwnFile(join(dir, 'package.json'))) as unknown;
      if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) continue;
      manifests.push(manifest(dir, root, pkg as Record<string, unknown>));
    } catch {
      // Not JSON: no package.
    }
  }
  return manifests;
}

function manifest(dir: string, root: string, pkg: Record<string, unknown>): PackageManifest {
  const names = (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  const dependencies = [
    ...new Set([...names(pkg.dependencies), ...names(pkg.peerDependencies), ...names(pkg.optionalDependencies)]),
  ];
  const entries = entryPoints(pkg).slice(0, -2);
  const bin =
    typeof pkg.bin === 'string'
      ? [pkg.bin]
      : Object.values(pkg.bin && typeof pkg.bin === 'object' ? pkg.bin : {}).filter(
          (v): v is string => typeof v === 'string',
        );
  return {
    dir,
    name: typeof pkg.name === 'string' ? pkg.name : toPosix(relative(root, dir)) || '.',
    dependencies,
    entries: entries.length > 0 ? entries : ['index'],
    bin,
  };
}

/** Where a package's main module is, most source-like first: `source`, `exports['.']`, `module`, `main`, then `src/index`, `index`. */
function entryPoints(pkg: Record<string, unknown>): string[] {
  const entries: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string') entries.push(value);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const conditions = value as Record<string, unknown>;
      for (const key of ['source', 'types', 'import', 'require', 'node', 'default']) add(conditions[key]);
    }
  };
  add(pkg.source);
  const exports = pkg.exports;
  if (typeof exports === 'string') add(exports);
  else if (exports && typeof exports === 'object') add((exports as Record<string, unknown>)['.'] ?? exports);
  add(pkg.module);
  add(pkg.main);
  entries.push('src/index', 'index');
  return entries.map((e) => e.replace(/\.d\.([cm]?ts)$/, '.$1'));
}

/** How many folder entries expanding the workspace globs may look at: a bound on `**` in a huge tree. */
export const MAX_WORKSPACE_ENTRIES = 100_000;

/**
 * Folders matching workspace globs (`packages/*`, `apps/**`, `libs/shared`), inside the root
 * only: a glob that climbs out of it (`../**`) is passed over, links to folders are never
 * followed (a link to `..` would make `**` endless), and the walk stops after
 * MAX_WORKSPACE_ENTRIES entries, with a notice.
 */
function expandDirectories(root: string, patterns: readonly string[], onNotice?: (message: string) => void): string[] {
  const dirs = new Set<string>();
  let budget = MAX_WORKSPACE_ENTRIES;
  for (const pattern of patterns) {
    const clean = posix
      .normalize(pattern.replace(/\\/g, '/'))
      .replace(/\/+$/, '')
      .replace(/^(\.\/|\/)+/, '');
    if (clean === '..' || clean.startsWith('../')) {
      onNotice?.('package.json or pnpm-workspace.yaml: a workspace glob leads out of the project folder (ignored)');
      continue;
    }
    if (clean === '.') {
      dirs.add(root);
      continue;
    }
    if (!/[*?[{]/.test(clean)) {
      if (clean !== '' && isRealDirectory(root, clean)) dirs.add(join(root, clean));
      continue;
    }
    const fixed = clean.slice(0, clean.search(/[*?[{]/)).replace(/[^/]*$/, '');
    const matcher = picomatch(clean);
    const deep = clean.includes('**');
    const depth = clean.split('/').length;
    const start = fixed.replace(/\/$/, '');
    if (start !== '' && !isRealDirectory(root, start)) continue;
    const stack = [start];
    while (stack.length > 0) {
      const rel = stack.pop()!;
      for (const entry of safeEntries(join(root, rel))) {
        if (--budget < 0) {
          onNotice?.(
            `workspace globs: stopped after ${MAX_WORKSPACE_ENTRIES} folder entries; packages further down are not resolved by name`,
          );
          return [...dirs].sort();
        }
        // Real folders only: never through a link.
        if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
        const child = rel ? `${rel}/${entry.name}` : entry.name;
        if (matcher(child)) dirs.add(join(root, child));
        if (deep || child.split('/').length < depth) stack.push(child);
      }
    }
  }
  return [...dirs].sort();
}

function safeEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** `rel` (forward slashes) is a folder below `root`, reached through no link. */
function isRealDirectory(root: string, rel: string): boolean {
  try {
    return (
      lstatSync(join(root, rel)).isDirectory() &&
      toPosix(relative(realpathSync(root), realpathSync(join(root, rel)))) === rel
    );
  } catch {
    return false;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
