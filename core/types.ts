import type * as TS from 'typescript';

/** The TypeScript module a host hands to the core (its own copy; never mixed with another). */
export type TypeScript = typeof import('typescript');
export type { TS };

// The ids of the output contract live in ids.ts, which needs no TypeScript: the published types
// of the report (`statecheck/api`) import them without the compiler's.
import type { Category, Doubt, Suggestion } from './ids.js';
export { CATEGORIES, type Category, type Confidence, type Doubt, type Severity, type Suggestion } from './ids.js';

/**
 * With cross-file analysis: code that runs in the `need` contexts (reach.ts bits) only if the
 * callers of these exports of its file do. The CLI's link step settles it; without callers
 * in view, an export's callers are unknown.
 */
export interface Condition {
  exports: string[];
  need: number;
}

/** A secondary location of a finding, e.g. a request-time write of the state. */
export interface RelatedSpan {
  start: number;
  end: number;
  message: string;
  condition?: Condition;
  /** The span holds only for callers not in view (see `Doubt`). */
  unsure?: true;
}

/** A finding as the core reports it: text offsets into the analysed source. */
export interface CoreFinding {
  category: Category;
  /** Offsets of the node the finding is reported at (the state's declaration or creating call). */
  start: number;
  end: number;
  message: string;
  suggestion: Suggestion;
  related: RelatedSpan[];
  /** A short stable name of the piece of state (`sessions`, `express-session`), used for fingerprints. */
  subject: string;
  /**
   * Cross-file analysis only: when the finding holds. `related`: when any related location
   * holds (state is a finding only if some write runs at request time).
   */
  condition?: Condition | 'related';
  /** The finding's node itself holds only for callers not in view (see `Doubt`). */
  unsure?: true;
  /**
   * What the finding rests on: its node (default), its related spans (the request-time writes of
   * a piece of state), either (`any`: a global written in several places), or the library alone
   * (`library`: a catalogued store or job created without a shared store, certain wherever it is
   * created, as long as it is not created per request).
   */
  evidence?: 'related' | 'any' | 'library';
  /** A reason for doubt other than callers, known in the file: its values' source is out of view. */
  doubt?: Exclude<Doubt, 'callers'>;
  /**
   * Cross-file analysis only: the export that creates this store or timer for its callers (a
   * factory `createCache()` returning `new LRUCache()`, a wrapper around `setInterval`). Its
   * call sites in other files are reported instead, when there are any.
   */
  factory?: string;
  /** With `factory`: what the store or timer is (`` `new LRUCache(…)` (lru-cache) is a cache in process memory``). */
  what?: string;
  /**
   * With `factory`: a suppression comment at the creation silences it. It covers the creation
   * only: the call sites in other files stay findings of their own, which need their own
   * suppression (what is stored, and so whether a local copy is fine, is decided there).
   */
  suppressed?: true;
}

/**
 * A package named in the configuration's `packages`: process-local state of a category (from
 * the exports listed, or all), or an alias that treats it as a catalogued package.
 */
export type PackageSetting = { category: Category; exports?: readonly string[] } | { alias: string };

/** Options of one analysis run. */
export interface AnalyzeOptions {
  /** Categories to run; all when omitted. */
  categories?: readonly Category[];
  /**
   * Honour `eslint-disable` comments for statecheck rules. The CLI sets this so one annotation
   * serves both hosts; the ESLint host leaves it off because ESLint applies its own comments.
   */
  honourEslintComments?: boolean;
  /** List the `statecheck-disable` comments that silence nothing (`AnalyzeResult.unusedDirectives`). */
  reportUnusedDirectives?: boolean;
  /**
   * The app runs as exactly one instance: scaling-only categories are off, and module state is
   * reported only in serverless and SSR modules, where it leaks between users' requests.
   */
  singleInstance?: boolean;
  /**
   * Extra packages whose calls and constructors create process-local state of a category (an
   * in-house cache wrapper): `{ '@acme/cache': { category: 'process-cache' } }`; or forks and
   * vendored copies of catalogued packages, which get the original's rows: `{ '@acme/bree': { alias: 'bree' } }`.
   */
  packages?: Readonly<Record<string, PackageSetting>>;
  /** Identifiers or package names whose state is intentionally local, per category. */
  allow?: Partial<Record<Category, readonly string[]>>;
  /**
   * Whole-program analysis (the CLI): exported functions get symbolic contexts, findings that
   * depend on other files carry a `condition`, and the result has a `summary` for the link step.
   */
  crossFile?: boolean;
  /**
   * Non-relative specifiers that can name project files with cross-file analysis: path alias
   * prefixes (`@/`, `~/`) and workspace package names (`@acme/shared`).
   */
  projectSpecifiers?: readonly string[];
}
