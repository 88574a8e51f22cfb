import { directives } from './ast.js';
import { SERVERLESS_PATHS } from './knowledge/index.js';
import type { TS, TypeScript } from './types.js';

/** Extensions statecheck reads. */
export const SOURCE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'] as const;

/** Folders that are not server code: dependencies, build output, tests, scripts, migrations. */
export const EXCLUDED_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules',
  'bower_components',
  '.git',
  'dist',
  'build',
  'coverage',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.vercel',
  '.netlify',
  '.turbo',
  '.cache',
  'test',
  'tests',
  '__tests__',
  '__mocks__',
  '__fixtures__',
  'e2e',
  'cypress',
  'scripts',
  'migrations',
  'seeds',
  'seeders',
  // Browser assets and third-party copies, not this server's code.
  'public',
  'vendor',
]);

/**
 * Folders never read, not even as context of the whole program: dependencies, version control,
 * build output, browser assets and third-party copies.
 */
export const NEVER_READ_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules',
  'bower_components',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'coverage',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.vercel',
  '.netlify',
  '.turbo',
  '.cache',
  'public',
  'vendor',
]);

/** Why a path (relative, forward slashes) is never read, even as context: a folder above, not source, a declaration or bundle. */
export function neverReadReason(relativePath: string): OutOfScope | undefined {
  const segments = relativePath.split('/').filter((s) => s !== '' && s !== '.');
  const file = segments.pop() ?? '';
  for (const segment of segments) if (NEVER_READ_DIRECTORIES.has(segment)) return { kind: 'directory', name: segment };
  if (!SOURCE_EXTENSIONS.some((ext) => file.endsWith(ext))) return { kind: 'not-source' };
  return /\.d\.[cm]?ts$|\.min\.[cm]?js$/.test(file) ? { kind: 'test-or-config' } : undefined;
}

/** File names that are tests, declarations, bundles or build and tool configuration. */
const EXCLUDED_FILES = [
  /\.(test|spec|e2e|stories|story|bench)\.[cm]?[jt]sx?$/,
  /\.d\.[cm]?ts$/,
  /\.min\.[cm]?js$/,
  /\.config\.[cm]?[jt]s$/, // vite.config.ts, next.config.js, eslint.config.mjs
  /^\.[\w-]+rc\.[cm]?[jt]s$/, // .eslintrc.js, .prettierrc.cjs
  /^(gulpfile|gruntfile|jakefile|babel\.config|jest\.setup|vitest\.setup|setuptests|playwright-setup|webpack\.[\w.-]+|rollup\.[\w.-]+)\.[cm]?[jt]s$/i,
];

/**
 * Why a path is outside the default server-code scope: inside an excluded folder (the first one
 * on the path), not a JavaScript or TypeScript file, or a test, declaration, bundle or
 * configuration file.
 */
export type OutOfScope = { kind: 'directory'; name: string } | { kind: 'not-source' } | { kind: 'test-or-config' };

/** Why a path (relative, forward slashes) is out of the default server-code scope, if it is. */
export function outOfScopeReason(relativePath: string): OutOfScope | undefined {
  const segments = relativePath.split('/').filter((s) => s !== '' && s !== '.');
  const file = segments.pop() ?? '';
  for (const segment of segments) {
    if (EXCLUDED_DIRECTORIES.has(segment)) return { kind: 'directory', name: segment };
  }
  if (!SOURCE_EXTENSIONS.some((ext) => file.endsWith(ext))) return { kind: 'not-source' };
  for (const pattern of EXCLUDED_FILES) if (pattern.test(file)) return { kind: 'test-or-config' };
  return undefined;
}

/** `outOfScopeReason` in words, as the CLI lists skipped files: `inside test/`. */
export function describeOutOfScope(reason: OutOfScope): string {
  switch (reason.kind) {
    case 'directory':
      return `inside ${reason.name}/`;
    case 'not-source':
      return 'not a JavaScript or TypeScript file';
    case 'test-or-config':
      return 'a test, declaration, bundle or config file';
  }
}

/** A `'use client'` module runs in the browser: its module state is per user, not per server. */
export function isClientModule(ts: TypeScript, sourceFile: TS.SourceFile): boolean {
  return directives(ts, sourceFile.statements).includes('use client');
}

/**
 * Whether a module runs in a serverless or SSR runtime: by path convention, a `'use server'`
 * directive, or a Workers-style `export default { fetch }`.
 */
export function isServerlessModule(ts: TypeScript, sourceFile: TS.SourceFile): boolean {
  const path = sourceFile.fileName.replace(/\\/g, '/');
  if (SERVERLESS_PATHS.some((pattern) => pattern.test(path))) return true;
  if (directives(ts, sourceFile.statements).includes('use server')) return true;
  return sourceFile.statements.some(
    (s) =>
      ts.isExportAssignment(s) &&
      !s.isExportEquals &&
      ts.isObjectLiteralExpression(s.expression) &&
      s.expression.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'fetch'),
  );
}

const SCRIPT_EXTENSIONS = '{js,mjs,cjs,ts,mts,cts}';

/** `gulpfile` → `[gG][uU][lL][pP][fF][iI][lL][eE]`: the `/i` of EXCLUDED_FILES in glob syntax. */
function anyCase(word: string): string {
  return word.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/**
 * The default scope as ESLint `ignores` globs (minimatch, relative to the config's base path):
 * EXCLUDED_DIRECTORIES and EXCLUDED_FILES in another syntax, so the ESLint `recommended`
 * config skips what the CLI skips. Keep the two in step (test/rules/scope.test.ts compares them).
 */
export const OUT_OF_SCOPE_GLOBS: readonly string[] = [
  ...[...EXCLUDED_DIRECTORIES].map((dir) => `**/${dir}/**`),
  `**/*.{test,spec,e2e,stories,story,bench}.{js,mjs,cjs,jsx,ts,mts,cts,tsx}`,
  '**/*.d.{ts,mts,cts}',
  '**/*.min.{js,mjs,cjs}',
  `**/*.config.${SCRIPT_EXTENSIONS}`,
  `**/.*rc.${SCRIPT_EXTENSIONS}`,
  ...['gulpfile', 'gruntfile', 'jakefile', 'jest.setup', 'vitest.setup', 'setuptests', 'playwright-setup'].map(
    (name) => `**/${anyCase(name)}.${SCRIPT_EXTENSIONS}`,
  ),
  ...['webpack', 'rollup'].map((name) => `**/${anyCase(name)}.*.${SCRIPT_EXTENSIONS}`),
];
