import { CATEGORIES, type Category } from './types.js';

/** A package configured as process-local state: `"@acme/cache": "process-cache"`. */
export interface PackageSetting {
  category: Category;
  /** Exports that create state; all exports when omitted. */
  exports?: string[];
}

/** A validated setting, or where it is wrong (path below the setting) and what was expected. */
export type Checked<T> = { value: T } | { path: string[]; expected: string; got: unknown };

/** `deployment`: `"single-instance"` → true, `"multi-instance"` or absent → false. */
export function checkDeployment(value: unknown): Checked<boolean> {
  if (value === undefined || value === 'multi-instance') return { value: false };
  if (value === 'single-instance') return { value: true };
  return { path: [], expected: 'expected "single-instance" or "multi-instance"', got: value };
}

/** `packages`: package name → category, or `{ category, exports }`. Shared by the CLI config and the ESLint settings. */
export function checkPackages(value: unknown): Checked<Record<string, PackageSetting>> {
  if (value === undefined) return { value: {} };
  if (!isRecord(value)) return { path: [], expected: 'expected an object of package names', got: value };
  const out: Record<string, PackageSetting> = {};
  for (const [name, setting] of Object.entries(value)) {
    const entry = typeof setting === 'string' ? { category: setting } : setting;
    if (!isRecord(entry)) return { path: [name], expected: 'expected a category name or { "category": …, "exports": […] }', got: setting };
    const { category, exports } = entry;
    if (typeof category !== 'string' || !(CATEGORIES as readonly string[]).includes(category)) {
      return { path: [name], expected: `expected a category (${CATEGORIES.join(', ')})`, got: category };
    }
    if (exports !== undefined && !(Array.isArray(exports) && exports.every((e): e is string => typeof e === 'string'))) {
      return { path: [name, 'exports'], expected: 'expected an array of export names', got: exports };
    }
    out[name] = exports === undefined ? { category: category as Category } : { category: category as Category, exports };
  }
  return { value: out };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
