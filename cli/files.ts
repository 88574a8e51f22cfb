import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import {
  describeOutOfScope,
  EXCLUDED_DIRECTORIES,
  NEVER_READ_DIRECTORIES,
  neverReadReason,
  outOfScopeReason,
  SOURCE_EXTENSIONS,
} from '../core/index.js';
import { errorMessage } from './errors.js';

/** A file selected for scanning. */
export interface SelectedFile {
  /** Absolute path. */
  path: string;
  /** For a symbolic link inside the root: its target, the file to read (never through the link). */
  source?: string;
}

/** What discovery found: the files, paths that do not exist, and files passed over on purpose. */
export interface Discovery {
  files: SelectedFile[];
  missing: string[];
  /**
   * Files named on the command line that are left out: outside the default server-code scope,
   * or ignored by .gitignore (not the files a scan skips on purpose, ScanResult's `skipped`).
   */
  outOfScope: { path: string; reason: string }[];
  /**
   * Source files found but not read, and directories that could not be listed (permissions,
   * pipes, symbolic links out of the root or in a loop), reported as scan errors.
   */
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
  /**
   * Read as the whole program does (instead of `defaultScope`): every source file but those never
   * read (dependencies, build output, bundles); what is server code is decided later.
   */
  program?: boolean;
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
export function discover(
  cwd: string,
  paths: readonly string[],
  selection: Selection = { base: cwd, include: [], exclude: [], defaultScope: true },
): Discovery {
  const result: Discovery = { files: [], missing: [], outOfScope: [], unreadable: [] };
  // Git's exclude files are read once per discovery: a later run (the API's) sees their edits.
  const excludes = new Map<string, IgnoreLayer[]>();
  const seen = new Set<string>();
  const included = selection.include.length > 0 ? picomatch(selection.include as string[], { dot: true }) : undefined;
  const excluded = selection.exclude.length > 0 ? picomatch(selection.exclude as string[], { dot: true }) : undefined;
  const scope = selection.program ? programOnly : selection.defaultScope ? outOfDefaultScope : sourceOnly;
  // A selected file is scanned (read from `source` when it is a link), or reported with the
  // reason it cannot be (`problem`).
  const add = (path: string, problem?: string, source?: string) => {
    if (seen.has(path) || (selection.only && !selection.only.has(path))) return;
    if (included || excluded) {
      const rel = toPosix(relative(selection.base, path));
      if (included && !included(rel)) return;
      if (excluded?.(rel)) return;
    }
    seen.add(path);
    if (problem) result.unreadable.push({ path, reason: problem });
    else result.files.push(source === undefined || source === path ? { path } : { path, source });
  };
  const root = projectRoot(cwd);
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
      result.unreadable.push({ path: absolute, reason: `cannot read: ${describe(error)}` });
      continue;
    }
    // The walk's rule for links holds for named paths too (a pre-commit hook passes whatever is
    // staged): a link inside the project that leads out of it is not followed.
    const real = realPath(absolute, root);
    if (stats.isDirectory()) {
      if (real === undefined)
        result.unreadable.push({
          path: absolute,
          reason: 'skipped: symbolic link to a folder outside the project (not followed)',
        });
      else
        walkDirectory(
          absolute,
          gitignoreLayers(absolute, excludes),
          absolute,
          add,
          result,
          scope,
          directoryRule(selection),
        );
    } else {
      const rel = toPosix(relative(cwd, absolute));
      const reason = scope(isOutside(rel) ? toPosix(absolute) : rel);
      if (reason) result.outOfScope.push({ path: absolute, reason });
      else if (isIgnored(absolute, layersFor(dirname(absolute), excludes)))
        result.outOfScope.push({ path: absolute, reason: 'ignored by .gitignore' });
      else if (real === undefined) add(absolute, 'skipped: symbolic link to a file outside the project (not followed)');
      // Reading a named pipe or a device would block or never end.
      else add(absolute, stats.isFile() ? undefined : notRegular(stats), real);
    }
  }
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return result;
}

function walkDirectory(
  dir: string,
  layers: IgnoreLayer[],
  root: string,
  add: (path: string, problem?: string, source?: string) => void,
  result: Discovery,
  scope: (relativePath: string) => string | undefined,
  skipDirectory: (name: string) => boolean,
): void {
  // `rel`: the folder's path from `root`, with forward slashes ('' for the root itself).
  const stack: { dir: string; rel: string; layers: IgnoreLayer[] }[] = [{ dir, rel: '', layers }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    const entries = listFolder(current.dir, result);
    if (!entries) continue;
    // Only a folder that lists a .gitignore has one to read.
    const own = entries.some((entry) => entry.name === '.gitignore') ? readGitignore(current.dir) : undefined;
    const active = own ? [...current.layers, own] : current.layers;
    const prefix = current.dir.endsWith(sep) ? current.dir : current.dir + sep;
    const subdirectories: { dir: string; rel: string }[] = [];
    for (const { name, kind, failure } of entries) {
      const path = prefix + name;
      const rel = current.rel === '' ? name : `${current.rel}/${name}`;
      if (kind?.isDirectory()) {
        if (skipDirectory(name) || isIgnored(path + sep, active)) continue;
        subdirectories.push({ dir: path, rel });
        continue;
      }
      if (!isSourceName(name)) continue;
      if (scope(rel)) continue;
      if (isIgnored(path, active)) continue;
      if (!kind) {
        add(path, `cannot read: ${name.includes('\uFFFD') ? 'the file name is not valid UTF-8' : describe(failure)}`);
      } else if (kind.isSymbolicLink()) {
        const link = followLink(path, root);
        if (link === 'directory') continue;
        if ('problem' in link) add(path, link.problem);
        else add(path, undefined, link.target);
      } else {
        add(path, kind.isFile() ? undefined : notRegular(kind));
      }
    }
    for (let i = subdirectories.length - 1; i >= 0; i--) stack.push({ ...subdirectories[i]!, layers: active });
  }
}

/** A folder entry: what it is, or why that could not be told (`kind` undefined). */
interface Entry {
  name: string;
  kind?: FileKind;
  failure?: unknown;
}

/**
 * A folder's entries sorted by name, with their types as the listing gives them (no stat call
 * per entry), or undefined when the folder cannot be listed (reported in `result`).
 */
function listFolder(dir: string, result: Discovery): Entry[] | undefined {
  let entries: Entry[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).map((dirent) => ({ name: dirent.name, kind: dirent }));
  } catch {
    // Where the file system gives no types, Node.js stats each entry and fails the whole listing
    // when one cannot be: list the names, then stat them one by one.
    try {
      entries = readdirSync(dir).map((name) => ({ name }));
    } catch (error) {
      result.unreadable.push({ path: dir, reason: `cannot list the folder: ${describe(error)}` });
      return undefined;
    }
  }
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  for (const entry of entries) {
    // A name that is not valid UTF-8 comes with U+FFFD in it, and no file has that name: stat it
    // to tell such a name from one that really holds U+FFFD.
    if (entry.kind && !entry.name.includes('\uFFFD')) continue;
    try {
      entry.kind = lstatSync(prefix + entry.name);
    } catch (error) {
      entry.kind = undefined;
      entry.failure = error;
    }
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isSourceName(name: string): boolean {
  for (const ext of SOURCE_EXTENSIONS) if (name.endsWith(ext)) return true;
  return false;
}

/** What a directory entry or a stat says a path is. */
type FileKind = Pick<
  Stats,
  'isFile' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'
>;

/** Folders never scanned, even with `defaultScope: false`. */
const ALWAYS_EXCLUDED = new Set(['node_modules', '.git']);

/** Which folders a walk leaves out. */
function directoryRule(selection: Selection): (name: string) => boolean {
  if (selection.program) return (name) => NEVER_READ_DIRECTORIES.has(name);
  return selection.defaultScope ? (name) => EXCLUDED_DIRECTORIES.has(name) : (name) => ALWAYS_EXCLUDED.has(name);
}

/** Why the whole program does not read a path, in words. */
function programOnly(relativePath: string): string | undefined {
  const reason = neverReadReason(relativePath);
  return reason && (reason.kind === 'test-or-config' ? 'a declaration or bundle' : describeOutOfScope(reason));
}

/** Why a path is outside the default scope, in words (the reason a named file is skipped). */
function outOfDefaultScope(relativePath: string): string | undefined {
  const reason = outOfScopeReason(relativePath);
  return reason && describeOutOfScope(reason);
}

/** With the default scope off: any source file outside node_modules. */
function sourceOnly(relativePath: string): string | undefined {
  if (relativePath.split('/').some((segment) => ALWAYS_EXCLUDED.has(segment))) return 'inside node_modules/';
  return SOURCE_EXTENSIONS.some((ext) => relativePath.endsWith(ext))
    ? undefined
    : 'not a JavaScript or TypeScript file';
}

/** A `.gitignore` larger than this is not a hand-written one: it is ignored. */
const MAX_GITIGNORE_SIZE = 1024 * 1024;

function readGitignore(dir: string): IgnoreLayer | undefined {
  // A repository may carry `.gitignore -> /dev/zero`: read regular files only, and not without end.
  return readIgnoreFile(dir, join(dir, '.gitignore'));
}

/** `.gitignore` files of the enclosing repository, from its root down to `dir` (exclusive). */
function gitignoreLayers(dir: string, excludes: Map<string, IgnoreLayer[]>): IgnoreLayer[] {
  const chain: string[] = [];
  let current = dir;
  for (;;) {
    const parent = dirname(current);
    if (existsSync(join(current, '.git')) || parent === current) break;
    current = parent;
    chain.unshift(current);
  }
  if (!existsSync(join(current, '.git'))) return [];
  const own = chain.map((dir) => readGitignore(dir)).filter((layer): layer is IgnoreLayer => layer !== undefined);
  return [...repositoryExcludes(current, excludes), ...own];
}

/**
 * What git ignores in a whole repository besides its `.gitignore` files: `.git/info/exclude` and
 * the user's global excludes (`core.excludesFile`, by default `$XDG_CONFIG_HOME/git/ignore` or
 * `~/.config/git/ignore`), both relative to the repository's root. Read once per root and discovery.
 */
function repositoryExcludes(root: string, excludesByRoot: Map<string, IgnoreLayer[]>): IgnoreLayer[] {
  let layers = excludesByRoot.get(root);
  if (layers) return layers;
  const files = [infoExclude(root), globalExcludesFile(root)];
  layers = files
    .filter((file): file is string => file !== undefined)
    .map((file) => readIgnoreFile(root, file))
    .filter((layer): layer is IgnoreLayer => layer !== undefined);
  excludesByRoot.set(root, layers);
  return layers;
}

/** `<git dir>/info/exclude`; in a linked worktree (`.git` is a file) the main repository's. */
function infoExclude(root: string): string | undefined {
  const dotGit = join(root, '.git');
  let gitDir = dotGit;
  try {
    if (lstatSync(dotGit).isFile()) {
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readOwnFile(dotGit, 64 * 1024))?.[1];
      if (pointer === undefined) return undefined;
      gitDir = resolve(root, pointer);
      const common = join(gitDir, 'commondir');
      if (existsSync(common)) gitDir = resolve(gitDir, readOwnFile(common, 64 * 1024).trim());
    }
  } catch {
    return undefined;
  }
  return join(gitDir, 'info', 'exclude');
}

/** `core.excludesFile` as git reads it (its `--path` expands `~`), else git's default. */
function globalExcludesFile(root: string): string | undefined {
  try {
    const configured = execFileSync('git', ['config', '--path', '--get', 'core.excludesFile'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    if (configured !== '') return resolve(root, configured);
  } catch {
    // Not set (git exits 1), or no git: git's default location.
  }
  const xdg = process.env.XDG_CONFIG_HOME;
  const config = xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.config');
  return join(config, 'git', 'ignore');
}

function readIgnoreFile(base: string, file: string): IgnoreLayer | undefined {
  const read = readRegularFile(file, MAX_GITIGNORE_SIZE);
  if (!('bytes' in read)) return undefined;
  try {
    return { base, rules: ignore().add(read.bytes.toString('utf8')) };
  } catch {
    return undefined;
  }
}

function layersFor(dir: string, excludes: Map<string, IgnoreLayer[]>): IgnoreLayer[] {
  const own = readGitignore(dir);
  return own ? [...gitignoreLayers(dir, excludes), own] : gitignoreLayers(dir, excludes);
}

function isIgnored(path: string, layers: readonly IgnoreLayer[]): boolean {
  for (const layer of layers) {
    const rel = toPosix(relativeTo(layer.base, path)) + (path.endsWith(sep) ? '/' : '');
    if (rel === '' || rel === '/' || isOutside(rel)) continue;
    if (layer.rules.ignores(rel)) return true;
  }
  return false;
}

/** `relative(base, path)`, without resolving both when `path` is inside `base` (the usual case). */
function relativeTo(base: string, path: string): string {
  const prefix = base.endsWith(sep) ? base : base + sep;
  if (path.startsWith(prefix)) {
    const rest = path.slice(prefix.length);
    return rest.endsWith(sep) ? rest.slice(0, -sep.length) : rest;
  }
  return relative(base, path);
}

/**
 * Where a symbolic link to a source file leads: its target, or why it is not scanned: it leads
 * out of the scanned root (a checkout could link to any file on the machine), in a loop,
 * nowhere, or to something that is not a file. `'directory'`: a link to a folder, passed over
 * silently as folders are never followed through links.
 */
function followLink(path: string, root: string): { target: string } | { problem: string } | 'directory' {
  let target: string;
  try {
    target = realpathSync(path);
  } catch (error) {
    const code = error && typeof error === 'object' && 'code' in error ? error.code : undefined;
    if (code === 'ELOOP') return { problem: 'skipped: symbolic link loop (not followed)' };
    if (code === 'ENOENT') return { problem: 'skipped: broken symbolic link (its target does not exist)' };
    return { problem: `cannot read: ${describe(error)}` };
  }
  if (!isInside(target, safeRealpath(root) ?? root))
    return { problem: 'skipped: symbolic link to a file outside the scanned folder (not followed)' };
  let stats;
  try {
    stats = statSync(target);
  } catch (error) {
    return { problem: `cannot read: ${describe(error)}` };
  }
  if (stats.isDirectory()) return 'directory';
  return stats.isFile() ? { target } : { problem: notRegular(stats) };
}

/** The reason for passing over a pipe, socket or device: reading it could block or never end. */
export function notRegular(stats: FileKind): string {
  return `skipped: not a regular file (${fileKind(stats)})`;
}

/** What a path that is not a regular file is: `a named pipe`, `a socket`, `a device`. */
export function fileKind(stats: FileKind): string {
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return stats.isDirectory() ? 'a directory' : 'not a file';
}

/** What `readRegularFile` says of a path that is a symbolic link when links are not followed. */
export const SYMBOLIC_LINK = 'a symbolic link';

/**
 * What reading a file gave: its bytes, its size when over the limit, what it is when it is not
 * a regular file (`'a named pipe'`), or why it could not be read (`'permission denied'`).
 */
export type FileRead = { bytes: Buffer } | { tooLarge: number } | { notRegular: string } | { error: string };

/**
 * A small text file statecheck reads for itself (config, baseline, cache): regular files only,
 * at most 64 MiB. Throws an Error saying why not.
 */
export function readOwnFile(path: string, maxBytes = 64 * 1024 * 1024): string {
  const read = readRegularFile(path, maxBytes);
  // Editors on Windows save JSON with a byte order mark, which JSON.parse refuses.
  if ('bytes' in read) return stripBom(read.bytes.toString('utf8'));
  const mib = Math.round(maxBytes / 1024 / 1024);
  throw new Error(
    'error' in read
      ? read.error
      : 'notRegular' in read
        ? `not a regular file (${read.notRegular})`
        : `larger than ${mib} MiB`,
  );
}

/**
 * Replaces a file statecheck writes for itself (baseline, cache) in one step: the text goes to a
 * new file of a random name, created exclusively (a planted file or link of that name makes it
 * fail, never redirects it), then renamed over `path` (which replaces a link there, never
 * writes through it).
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  // statecheck-disable-next-line file-write -- the CLI's own baseline and cache files: writing them is the point
  writeFileSync(temporary, text, { flag: 'wx' });
  try {
    // statecheck-disable-next-line file-write -- the same file, moved into place in one step
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** A text without its leading byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a regular file, at most `maxBytes` of it. Pipes, sockets and devices are refused before
 * reading (opened without blocking, checked on the open descriptor, so swapping the path for a
 * pipe after discovery does not hang the scan either). With `follow: false` a symbolic link is
 * refused too, where the platform can tell on opening (`O_NOFOLLOW`): a file swapped for a link
 * after discovery is not read.
 */
export function readRegularFile(
  path: string,
  maxBytes = Number.POSITIVE_INFINITY,
  { follow = true }: { follow?: boolean } = {},
): FileRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (follow ? 0 : (constants.O_NOFOLLOW ?? 0)));
  } catch (error) {
    const code = error && typeof error === 'object' && 'code' in error ? error.code : undefined;
    // O_NOFOLLOW on a link: ELOOP (Linux, macOS), EMLINK (FreeBSD).
    if (!follow && (code === 'ELOOP' || code === 'EMLINK')) return { notRegular: SYMBOLIC_LINK };
    return { error: describe(error) };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { notRegular: fileKind(stats) };
    if (stats.size > maxBytes) return { tooLarge: stats.size };
    // The size is a hint (a file may grow meanwhile, /proc files say 0): read to the end, up to the
    // limit. One byte more than the size, so that a file that did not change is read in one go,
    // into the buffer it is returned in.
    let buffer = Buffer.allocUnsafe(Math.min(stats.size + 1, 16 * 1024 * 1024));
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, buffer.length + 64 * 1024 * 1024));
        buffer.copy(larger, 0, 0, total);
        buffer = larger;
      }
      const count = readSync(fd, buffer, total, buffer.length - total, null);
      if (count === 0) break;
      total += count;
      if (total > maxBytes) return { tooLarge: total };
    }
    return { bytes: buffer.subarray(0, total) };
  } catch (error) {
    return { error: describe(error) };
  } finally {
    closeSync(fd);
  }
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function isInside(path: string, root: string): boolean {
  return !isOutside(relative(root, path));
}

/**
 * Whether a relative path (from `relative()`, either separator) leads out of its base: `..`,
 * `../x`, or another drive. A name that merely starts with two dots (`..x.js`) is inside.
 */
export function isOutside(rel: string): boolean {
  return (
    rel === '..' || rel.startsWith('../') || rel.startsWith(`..${sep}`) || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)
  );
}

/**
 * The project folder for statecheck's own rules about links: the git repository around `dir`
 * (the nearest folder above it with a `.git`), or `dir` itself outside a repository.
 */
export function projectRoot(dir: string): string {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return dir;
  }
}

/**
 * Where `path` really is, through any symbolic link (of its own or of a folder on the way;
 * for a path that does not exist yet, of its nearest existing folder). Undefined when the path
 * is inside `root` by name but a link takes it out, or when it is a broken link or a loop: a
 * checkout must not make statecheck read or write elsewhere. A path outside `root` by name was
 * chosen by whoever runs statecheck and is taken where it leads.
 */
export function realPath(path: string, root: string): string | undefined {
  const rest: string[] = [];
  let existing = path;
  for (;;) {
    try {
      lstatSync(existing);
      break;
    } catch {
      if (dirname(existing) === existing) return path;
      rest.unshift(basename(existing));
      existing = dirname(existing);
    }
  }
  const real = safeRealpath(existing);
  if (real === undefined) return undefined;
  const inside = !isOutside(relative(root, path));
  if (inside && !isInside(real, safeRealpath(root) ?? root)) return undefined;
  return rest.length > 0 ? join(real, ...rest) : real;
}

/** A short reason from a Node.js file-system error. */
export function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const code = String(error.code);
    const known: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      ENOENT: 'file not found (deleted during the scan?)',
      ELOOP: 'too many symbolic links',
      EISDIR: 'is a directory',
      ENOSPC: 'no space left on device',
    };
    if (known[code]) return known[code];
  }
  return errorMessage(error);
}
