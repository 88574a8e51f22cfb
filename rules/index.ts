import type { ESLint, Linter } from 'eslint';
import { OUT_OF_SCOPE_GLOBS, SOURCE_EXTENSIONS } from '../core/index.js';
import { packageVersion } from '../cli/package.js';
import noGlobalMutation from './no-global-mutation.js';
import noInProcessScheduler from './no-in-process-scheduler.js';
import noLocalFileWrite from './no-local-file-write.js';
import noLocalSocketRegistry from './no-local-socket-registry.js';
import noMemoryRateLimit from './no-memory-rate-limit.js';
import noMemorySession from './no-memory-session.js';
import noModuleState from './no-module-state.js';
import noProcessCache from './no-process-cache.js';
import noProcessLock from './no-process-lock.js';
import type { StatecheckRule } from './types.js';

export type { Deployment, RuleOptions, StatecheckDocs, StatecheckRule, StatecheckSettings } from './types.js';

/**
 * The nine rules with their full metadata, by name without the `statecheck/` prefix. Without a
 * prototype: ESLint looks a configured name up as `rules[name]`, and `statecheck/constructor`
 * must be an unknown rule, not `Object`.
 */
export const rules: Readonly<Record<string, StatecheckRule>> = Object.assign(
  Object.create(null) as Record<string, StatecheckRule>,
  Object.fromEntries(
    [
      noModuleState,
      noLocalFileWrite,
      noMemorySession,
      noProcessCache,
      noMemoryRateLimit,
      noLocalSocketRegistry,
      noInProcessScheduler,
      noProcessLock,
      noGlobalMutation,
    ].map((rule) => [rule.name, rule]),
  ),
);

/**
 * The statecheck ESLint plugin, typed with ESLint's own types so that
 * `defineConfig([statecheck.configs.recommended])` type-checks in `eslint.config.ts`.
 */
export interface StatecheckPlugin extends ESLint.Plugin {
  meta: { name: string; version: string };
  rules: NonNullable<ESLint.Plugin['rules']>;
  configs: {
    recommended: Linter.Config;
    strict: Linter.Config;
    /** Every finding, likely ones included, as warnings. */
    all: Linter.Config;
    /** The same for ESLint 8's `.eslintrc`: `extends: ['plugin:statecheck/recommended-legacy']`. */
    'recommended-legacy': Linter.LegacyConfig;
    'strict-legacy': Linter.LegacyConfig;
  };
}

/** `**\/*.{js,mjs,…,tsx}`: every file the CLI reads. */
export const SOURCE_FILES = [`**/*.{${SOURCE_EXTENSIONS.map((ext) => ext.slice(1)).join(',')}}`];

/**
 * Folders `strict` lints although `recommended` (and the CLI) skip them: `scripts/` often
 * holds long-running workers and queue consumers, whose process-bound state matters too.
 */
export const STRICT_INCLUDES = ['**/scripts/**'];

/**
 * ESLint has one severity per rule, where the CLI gives each finding its own (certain: error,
 * likely: warn): `recommended` and `strict` report the certain findings as errors, what CI fails
 * on; `all` reports every finding, likely ones included, as warnings.
 */
const certainErrors = (): Linter.RulesRecord =>
  Object.fromEntries(Object.keys(rules).map((name) => [`statecheck/${name}`, ['error', { confidence: 'certain' }]]));
const allWarnings = (): Linter.RulesRecord =>
  Object.fromEntries(Object.keys(rules).map((name) => [`statecheck/${name}`, ['warn', { confidence: 'all' }]]));

const plugin: StatecheckPlugin = {
  meta: { name: 'statecheck', version: packageVersion() ?? '0.0.0' },
  // The same objects: typescript-eslint's RuleModule and ESLint's RuleDefinition type the
  // rule context differently, so they do not convert without a cast.
  rules: rules as unknown as NonNullable<ESLint.Plugin['rules']>,
  // Filled in below: the configs refer to the plugin.
  configs: { recommended: {}, strict: {}, all: {}, 'recommended-legacy': {}, 'strict-legacy': {} },
};

plugin.configs.recommended = {
  name: 'statecheck/recommended',
  files: SOURCE_FILES,
  // The CLI's default scope: tests, scripts, migrations, config files, build output, bundles.
  ignores: [...OUT_OF_SCOPE_GLOBS],
  plugins: { statecheck: plugin },
  rules: certainErrors(),
};

plugin.configs.all = {
  name: 'statecheck/all',
  files: SOURCE_FILES,
  ignores: [...OUT_OF_SCOPE_GLOBS],
  plugins: { statecheck: plugin },
  rules: allWarnings(),
};

plugin.configs.strict = {
  name: 'statecheck/strict',
  files: SOURCE_FILES,
  ignores: OUT_OF_SCOPE_GLOBS.filter((glob) => !STRICT_INCLUDES.includes(glob)),
  plugins: { statecheck: plugin },
  rules: certainErrors(),
};

/**
 * An `.eslintrc` config: the plugin by name (ESLint 8 resolves `statecheck` to the package
 * `eslint-plugin-statecheck`, an alias of this one), the scope as an override, since `.eslintrc`
 * has no top-level `files`.
 */
function legacy(ignores: readonly string[]): Linter.LegacyConfig {
  return {
    plugins: ['statecheck'],
    overrides: [{ files: [...SOURCE_FILES], excludedFiles: [...ignores], rules: certainErrors() }],
  };
}

plugin.configs['recommended-legacy'] = legacy(OUT_OF_SCOPE_GLOBS);
plugin.configs['strict-legacy'] = legacy(OUT_OF_SCOPE_GLOBS.filter((glob) => !STRICT_INCLUDES.includes(glob)));

export default plugin;
