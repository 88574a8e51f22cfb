import type { TSESLint } from '@typescript-eslint/utils';
import type { AnalyzeOptions, Category, TS, TypeScript } from '../core/index.js';

// The plugin's own types, below the rules, their factory and the shared analysis.

/** What statecheck adds to `meta.docs`. */
export interface StatecheckDocs {
  /** In `statecheck.configs.recommended`. */
  recommended: boolean;
  /** The core category the rule reports. */
  category: Category;
  /** Off when `settings.statecheck.deployment` is `'single-instance'`. */
  scalingOnly: boolean;
}

/** The one option object every rule takes. */
export interface RuleOptions {
  /** State names or library labels (`finding.subject`) that are intentionally local. */
  allow?: string[];
  /**
   * `all` (default): every finding; `certain`: only findings whose verdict is in view in the file
   * (not those resting on callers or values it cannot see), what the CLI fails on.
   */
  confidence?: 'all' | 'certain';
}

export type MessageId = 'found' | 'analysisFailed' | 'suppress' | 'storeFix';

export type StatecheckRule = TSESLint.RuleModule<MessageId, [RuleOptions], StatecheckDocs> & { name: string };

/** How the app is deployed: `single-instance` turns the scaling-only rules off. */
export type Deployment = 'multi-instance' | 'single-instance';

/**
 * `settings.statecheck` in a flat config, the same keys as the CLI's `statecheck.config.json`:
 * `{ settings: { statecheck: { deployment: 'single-instance' } } }`.
 */
export interface StatecheckSettings {
  /** Default `multi-instance`. */
  deployment?: Deployment;
  /**
   * In-house packages that create process-local state (`{ '@acme/cache': 'process-cache' }`), or
   * forks and vendored copies of a package statecheck knows, named by it (`{ '@acme/bree': 'bree' }`).
   */
  packages?: Record<string, Category | (string & {}) | { category: Category; exports?: string[] }>;
}

/** The settings as the core takes them. */
export interface ResolvedSettings {
  singleInstance: boolean;
  packages: NonNullable<AnalyzeOptions['packages']>;
}

/** A TypeScript AST and the very `ts` module that built it. */
export interface ParsedFile {
  ts: TypeScript;
  sourceFile: TS.SourceFile;
  /** `parser`: typescript-eslint's own AST, reused; `parsed`: statecheck parsed the text. */
  origin: 'parser' | 'parsed';
}
