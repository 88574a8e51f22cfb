// The repository's own lint: ESLint's and typescript-eslint's strict type-checked rules on every
// source file, and statecheck's own plugin on the code that ships (dogfooding: it loads the built
// rules from dist/, so `npm run lint` builds first).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import statecheck from './dist/rules/index.js';

export default defineConfig([
  // Fixtures are test input: their line and column positions are asserted, and they contain the
  // process-bound state statecheck exists to find.
  globalIgnores(['dist/', 'coverage/', 'fixtures/', '.bench/']),
  {
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'bench/*.mjs', 'tools/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The sanitisers and escaping code (and their tests) match control characters on purpose.
      'no-control-regex': 'off',
      // `!` marks an invariant the checker cannot see (a key set just before, a bounded index);
      // noUncheckedIndexedAccess already makes every unchecked read visible in review.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // TypeScript's AST types declare `parent`, `name` or `body` present where real trees leave
      // them undefined (a SourceFile's parent, partial trees), and Node's `constants.O_*` are
      // missing on some platforms: those checks are deliberate, and the rule cannot tell them apart.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Numbers read naturally in messages; strict's ban on them only adds String(…) noise.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `(x) => void f(x)` and `() => io.stdout.write(…)` callbacks are idiomatic and clear.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // The same convention as tsc's noUnused*: a leading `_` marks a slot a fixed signature needs.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // A worker's `error` event passes on whatever the worker threw; wrapping it would change it.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // The core runs on the host's TypeScript (whatever the ESLint parser or the CLI loads), where
    // the replacements of deprecated APIs (`phaseModifier`, `getTokenEnd`) may not exist yet.
    files: ['core/**', 'rules/**', 'cli/**'],
    rules: { '@typescript-eslint/no-deprecated': 'off' },
  },
  {
    // Kind-indexed tables are built by walking the host's numeric SyntaxKind range on purpose.
    files: ['core/ast.ts', 'core/binder.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      '@typescript-eslint/no-unsafe-enum-assignment': 'off',
    },
  },
  {
    // Node types `isTTY` as boolean, but it is undefined on a pipe: `=== true` is deliberate.
    files: ['cli/index.ts'],
    rules: { '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'off' },
  },
  {
    // Tests and benchmarks read JSON reports and child-process output as `any` and assert on
    // them: the assertion is the check, and typing every parsed report would add nothing.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Dogfooding: statecheck is a CLI, and its own code is held to its own default scope.
    files: ['core/**/*.ts', 'cli/**/*.ts', 'rules/**/*.ts'],
    extends: [statecheck.configs.recommended],
  },
]);
