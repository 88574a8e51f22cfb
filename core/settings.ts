import { CATALOGUED_MODULES } from './knowledge/index.js';
import { CATEGORIES, type Category, type PackageSetting } from './types.js';

export type { PackageSetting };

/** A validated setting, or where it is wrong (path below the setting) and what was expected. */
export type Checked<T> = { value: T } | { path: string[]; expected: string; got: unknown };

/** `deployment`: `"single-instance"` → true, `"multi-instance"` or absent → false. */
export function checkDeployment(value: unknown): Checked<boolean> {
  if (value === undefined || value === 'multi-instance') return { value: false };
  if (value === 'single-instance') return { value: true };
  return { path: [], expected: 'expected "single-instance" or "multi-instance"', got: value };
}

/**
 * `packages`: package name → category, `{ category, exports }`, or the name of a catalogued
 * package the package is a fork or copy of (`"@acme/bree": "bree"`). Shared by the CLI config
 * and the ESLint settings.
 */
export function checkPackages(value: unknown): Checked<Record<string, PackageSetting>> {
  if (value === undefined) return { value: {} };
  if (!isRecord(value)) return { path: [], expected: 'expected an object of package names', got: value };
  const refused = prototypeKey(value, (path) => path.length === 0);
  if (refused) return { path: refused, expected: PROTOTYPE_KEY_REFUSED, got: undefined };
  const out: Record<string, PackageSetting> = {};
  for (const [name, setting] of Object.entries(value)) {
    if (typeof setting === 'string' && !(CATEGORIES as readonly string[]).includes(setting)) {
      if (CATALOGUED_MODULES.has(setting)) {
        out[name] = { alias: setting };
        continue;
      }
      const near = closest(setting, [...CATEGORIES, ...CATALOGUED_MODULES]);
      return {
        path: [name],
        expected: `expected a category (${CATEGORIES.join(', ')}) or a package statecheck knows, to treat "${name}" as that package${near ? ` (did you mean "${near}"?)` : ''}`,
        got: setting,
      };
    }
    const entry = typeof setting === 'string' ? { category: setting } : setting;
    if (!isRecord(entry))
      return { path: [name], expected: 'expected a category name or { "category": …, "exports": […] }', got: setting };
    const [category, exports] = [ownValue(entry, 'category'), ownValue(entry, 'exports')];
    if (typeof category !== 'string' || !(CATEGORIES as readonly string[]).includes(category)) {
      return { path: [name], expected: `expected a category (${CATEGORIES.join(', ')})`, got: category };
    }
    if (
      exports !== undefined &&
      !(Array.isArray(exports) && exports.every((e): e is string => typeof e === 'string'))
    ) {
      return { path: [name, 'exports'], expected: 'expected an array of export names', got: exports };
    }
    out[name] =
      exports === undefined ? { category: category as Category } : { category: category as Category, exports };
  }
  return { value: out };
}

/** The candidate nearest to `word` (edit distance at most a third of its length), for a did-you-mean. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate, bestDistance);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Levenshtein distance, or `limit` once it is certain to reach it. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...current) >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}

/** Why a key that reaches an object's prototype is refused, for messages. */
export const PROTOTYPE_KEY_REFUSED =
  'not allowed: `__proto__`, `constructor` and `prototype` would reach the prototype of an object';

/**
 * The path to the first key in a setting (an object, the objects and arrays in it) that would
 * reach an object's prototype instead of naming a setting: `__proto__` (which replaces the
 * prototype, so `{ "__proto__": { "rules": … } }` would apply `rules` unseen), `constructor`
 * and `prototype`; or `__proto__` where an object inherits enumerable keys (a JavaScript
 * literal's `__proto__: {…}`). `names(path)`: the keys of the object at `path` are package
 * names, where `constructor` and `prototype` are names like any other (both are on npm).
 */
export function prototypeKey(
  value: unknown,
  names: (path: readonly string[]) => boolean = () => false,
): string[] | undefined {
  // Breadth first, without recursion: a deeply nested file cannot exhaust the stack.
  const queue: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let i = 0; i < queue.length; i++) {
    const { value: item, path } = queue[i]!;
    if (Array.isArray(item)) {
      item.forEach((v: unknown, n) => queue.push({ value: v, path: [...path, String(n)] }));
      continue;
    }
    if (!isRecord(item)) continue;
    const packageNames = names(path);
    for (const key in item) {
      if (!Object.hasOwn(item, key)) return [...path, '__proto__'];
      if (key === '__proto__' || (!packageNames && (key === 'constructor' || key === 'prototype')))
        return [...path, key];
      queue.push({ value: item[key], path: [...path, key] });
    }
  }
  return undefined;
}

/** `prototypeKey`'s `names` for a configuration: the keys of `packages` are package names. */
export const PACKAGE_NAMES = (path: readonly string[]): boolean => path.length === 1 && path[0] === 'packages';

/** The value of one of a record's own keys: never one inherited from its prototype (`constructor`). */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
