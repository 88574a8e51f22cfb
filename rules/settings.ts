import { type AnalyzeOptions, CATEGORIES, type Category } from '../core/index.js';

/** How the app is deployed: `single-instance` turns the scaling-only rules off. */
export type Deployment = 'multi-instance' | 'single-instance';

/**
 * `settings.statecheck` in a flat config, the same keys as the CLI's `statecheck.config.json`:
 * `{ settings: { statecheck: { deployment: 'single-instance' } } }`.
 */
export interface StatecheckSettings {
  /** Default `multi-instance`. */
  deployment?: Deployment;
  /** In-house packages that create process-local state: `{ '@acme/cache': 'process-cache' }`. */
  packages?: Record<string, Category | { category: Category; exports?: string[] }>;
}

/** The settings as the core takes them. */
export interface ResolvedSettings {
  singleInstance: boolean;
  packages: NonNullable<AnalyzeOptions['packages']>;
}

const DEFAULTS: ResolvedSettings = { singleInstance: false, packages: {} };
const resolved = new WeakMap<object, ResolvedSettings>();

/**
 * Validates `settings.statecheck` and returns what the core needs. The same settings object
 * gives the same result object, so it can key a cache. Throws a message naming the bad key.
 */
export function settingsOf(settings: Readonly<Record<string, unknown>>): ResolvedSettings {
  const raw = settings.statecheck;
  if (raw === undefined) return DEFAULTS;
  if (!isRecord(raw)) throw invalid('', 'expected an object', raw);
  let result = resolved.get(raw);
  if (!result) {
    result = validate(raw);
    resolved.set(raw, result);
  }
  return result;
}

function validate(raw: Record<string, unknown>): ResolvedSettings {
  for (const key of Object.keys(raw)) {
    if (key !== 'deployment' && key !== 'packages') throw invalid(`.${key}`, 'unknown setting (known: deployment, packages)', raw[key]);
  }
  const { deployment, packages } = raw;
  if (deployment !== undefined && deployment !== 'single-instance' && deployment !== 'multi-instance') {
    throw invalid('.deployment', 'expected "single-instance" or "multi-instance"', deployment);
  }
  return { singleInstance: deployment === 'single-instance', packages: packages === undefined ? {} : validatePackages(packages) };
}

function validatePackages(value: unknown): ResolvedSettings['packages'] {
  if (!isRecord(value)) throw invalid('.packages', 'expected an object of package names', value);
  const out: Record<string, { category: Category; exports?: readonly string[] }> = {};
  for (const [name, setting] of Object.entries(value)) {
    const where = `.packages[${JSON.stringify(name)}]`;
    const entry = typeof setting === 'string' ? { category: setting } : setting;
    if (!isRecord(entry)) throw invalid(where, 'expected a category name or { category, exports }', setting);
    const { category, exports } = entry;
    if (!isCategory(category)) throw invalid(where, `expected a category (${CATEGORIES.join(', ')})`, category);
    if (exports !== undefined && !(Array.isArray(exports) && exports.every((e): e is string => typeof e === 'string'))) {
      throw invalid(`${where}.exports`, 'expected an array of export names', exports);
    }
    out[name] = exports === undefined ? { category } : { category, exports };
  }
  return out;
}

function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(key: string, expected: string, got: unknown): Error {
  return new Error(`statecheck: invalid settings.statecheck${key}: ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
}
