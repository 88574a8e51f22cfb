import { createRequire } from 'node:module';
import type { TypeScript } from '../core/index.js';

// The one place statecheck loads ts-morph and its TypeScript: the CLI parses with it, and the
// ESLint plugin falls back to it when typescript-eslint's parser is not in use.

const require = createRequire(import.meta.url);
let morph: typeof import('ts-morph') | undefined;
let bundled: TypeScript | undefined;

/**
 * ts-morph, loaded on first use: a warm run whose files are all cached never parses and never
 * pays for loading TypeScript. `require` also spares the ES module loader's scan of the
 * exports of TypeScript's CommonJS bundle.
 */
export function tsMorph(): typeof import('ts-morph') {
  return (morph ??= require('ts-morph') as typeof import('ts-morph'));
}

/** ts-morph's own TypeScript, which the core receives with the nodes it built: one copy only. */
export function typescript(): TypeScript {
  if (bundled) return bundled;
  const ts: unknown = tsMorph().ts;
  if (!isTypescriptModule(ts))
    throw new Error('statecheck: the ts-morph package did not provide TypeScript; reinstall statecheck');
  return (bundled = ts);
}

/** Whether a value is a `typescript` module (the parser's, ts-morph's): what the core needs of one. */
export function isTypescriptModule(value: unknown): value is TypeScript {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  return (
    typeof Reflect.get(value, 'createSourceFile') === 'function' &&
    typeof Reflect.get(value, 'isSourceFile') === 'function' &&
    typeof Reflect.get(value, 'SyntaxKind') === 'object'
  );
}
