import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { outOfScopeReason } from '../core/index.js';
import { UsageError } from './errors.js';
import { isOutside, readOwnFile, toPosix, writeFileAtomic } from './files.js';
import { packageManifests } from './project.js';
import type { ScanResult } from './types.js';

/** The file `--init` writes. */
export const INIT_FILE = 'statecheck.config.json';

/** Folders of code that runs outside the server: read as callers, never reported. */
const SCRIPT_FOLDERS = new Set(['scripts', 'migrations', 'seeds', 'seeders']);

/** What `--init` found in the project, for the comments of the file it writes. */
export interface Layout {
  workspaces: string[];
  /** Package folders (relative, `.` for the root) with server code. */
  serverPackages: string[];
  /** Package folders whose code is browser code only: left out. */
  frontEnd: string[];
  entryPoints: { file: string; why: string }[];
  scriptFolders: string[];
}

/** Refuses to overwrite a configuration of the working directory. */
export function checkInit(cwd: string): void {
  for (const name of [INIT_FILE, 'statecheck.config.jsonc'])
    if (existsSync(join(cwd, name)))
      throw new UsageError(`--init: ${name} exists already`, 'edit it, or remove it and run `statecheck --init` again');
}

/** What the program's scan says about the layout of the project under `cwd`. */
export function detectLayout(cwd: string, result: ScanResult): Layout {
  const files = result.fileScopes ?? [];
  const rel = (path: string) => toPosix(relative(cwd, path)) || '.';
  const manifests = packageManifests(
    cwd,
    files.map((f) => f.path),
  );
  // Deepest package first: a file belongs to the nearest package.json above it.
  const dirs = manifests.map((m) => m.dir).sort((a, b) => b.length - a.length);
  const byPackage = new Map<string, { server: number; browser: number; other: number }>();
  const scripts = new Set<string>();
  for (const f of files) {
    const dir = dirs.find((d) => f.path === d || f.path.startsWith(d + sep));
    if (dir !== undefined) {
      const counts = byPackage.get(dir) ?? { server: 0, browser: 0, other: 0 };
      counts[f.scope === 'server' ? 'server' : f.scope === 'browser' ? 'browser' : 'other']++;
      byPackage.set(dir, counts);
    }
    const segments = rel(f.path).split('/');
    const at = segments.findIndex((s, i) => i < segments.length - 1 && SCRIPT_FOLDERS.has(s));
    if (at >= 0 && outOfScopeReason(rel(f.path))?.kind === 'directory')
      scripts.add(`${segments.slice(0, at + 1).join('/')}/`);
  }
  const packages = [...byPackage].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    workspaces: workspaces(cwd),
    serverPackages: packages.filter(([, c]) => c.server > 0).map(([dir]) => rel(dir)),
    frontEnd: packages.filter(([, c]) => c.server === 0 && c.browser > c.other).map(([dir]) => rel(dir)),
    entryPoints: (result.entryPoints ?? []).map((e) => ({ file: rel(e.path), why: e.why })),
    scriptFolders: [...scripts].sort(),
  };
}

/** The workspace globs of the root package.json (`workspaces`) or pnpm-workspace.yaml. */
function workspaces(cwd: string): string[] {
  const pkg = join(cwd, 'package.json');
  if (existsSync(pkg)) {
    try {
      const value: unknown = JSON.parse(readOwnFile(pkg, 4 * 1024 * 1024));
      const field = value && typeof value === 'object' && 'workspaces' in value ? value.workspaces : undefined;
      const list =
        field && typeof field === 'object' && !Array.isArray(field) && 'packages' in field ? field.packages : field;
      if (Array.isArray(list)) return list.filter((w): w is string => typeof w === 'string');
    } catch {
      // An unreadable package.json has no workspaces to report.
    }
  }
  const pnpm = join(cwd, 'pnpm-workspace.yaml');
  if (existsSync(pnpm)) {
    try {
      // `packages:` followed by `  - 'apps/*'` lines: enough of YAML for a comment.
      const text = readOwnFile(pnpm, 1024 * 1024);
      const block = /^packages:\s*\n((?:[ \t]+-.*\n?)+)/m.exec(text)?.[1] ?? '';
      return [...block.matchAll(/-\s*['"]?([^'"\n#]+?)['"]?\s*(?:#.*)?$/gm)].map((m) => m[1]!);
    } catch {
      return [];
    }
  }
  return [];
}

/** `$schema`: the installed package's schema, relative to the new file, as found from `cwd` upward. */
function schemaPath(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    const schema = join(dir, 'node_modules', 'statecheck', 'schema', 'statecheck.schema.json');
    if (existsSync(schema)) {
      const rel = toPosix(relative(cwd, schema));
      return isOutside(rel) || rel.startsWith('../') ? rel : `./${rel}`;
    }
    if (dirname(dir) === dir) return './node_modules/statecheck/schema/statecheck.schema.json';
  }
}

/** The configuration file `--init` writes: the defaults spelled out, and the layout it found as comments. */
export function initConfig(cwd: string, layout: Layout): string {
  // Names come from the project's files: a line break in one must not end the comment.
  const list = (items: readonly string[]) => (items.length > 0 ? items.map(oneLine).join(', ') : 'none');
  const found = [
    `//   workspaces: ${list(layout.workspaces)}`,
    `//   entry points: ${list(layout.entryPoints.map((e) => `${e.file} (${e.why})`))}`,
    `//   packages with server code (reported): ${list(layout.serverPackages)}`,
    `//   front-end packages (browser code, read but never reported): ${list(layout.frontEnd)}`,
    `//   scripts folders (read as callers, never reported): ${list(layout.scriptFolders)}`,
  ];
  return [
    '{',
    `  "$schema": ${JSON.stringify(schemaPath(cwd))},`,
    '  // Written by `statecheck --init`. What it found here (decided again on every run, from the',
    "  // server's entry points; `statecheck --explain-scope <file>` says why a file is or is not server",
    '  // code, `statecheck --print-config <file>` what applies to it):',
    ...found.map((line) => `  ${line}`),
    '',
    '  // Files to scan and never scan: globs relative to this file (default: all server code).',
    '  "include": [],',
    '  "exclude": [],',
    '  // Per rule or category: "off", "warn", "error", or ["error", { "allow": ["name"] }] for state',
    '  // that is meant to stay local, e.g. "no-process-cache": ["error", { "allow": ["countries"] }].',
    '  "rules": {},',
    '  // "single-instance" if the app runs as exactly one instance: only cross-request leaks are reported.',
    '  "deployment": "multi-instance"',
    '}',
    '',
  ].join('\n');
}

const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function oneLine(text: string): string {
  return text.replace(BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes the configuration file; returns its name. */
export function writeInitConfig(cwd: string, text: string): string {
  writeFileAtomic(join(cwd, INIT_FILE), text);
  return INIT_FILE;
}
