import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// statecheck's own package: its version and where its documentation lives, for the CLI and the
// ESLint plugin alike.

/** The repository, as SARIF's `informationUri`. */
export const REPOSITORY_URL = 'https://github.com/statecheck/statecheck';

/** Where the rule pages live; `<rule>` is the rule name without the plugin prefix. */
export const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/main/docs/rules/`;

/** The documentation page of a rule (`no-process-cache`): ESLint's `meta.docs.url`, SARIF's `helpUri`. */
export function docsUrl(rule: string): string {
  return `${DOCS_BASE_URL}${rule}.md`;
}

let cachedVersion: string | undefined | null = null;

/**
 * statecheck's own version, from the nearest package.json named `statecheck` above this file:
 * found from the sources (cli/) and from the build (dist/cli/) alike.
 */
export function packageVersion(): string | undefined {
  if (cachedVersion !== null) return cachedVersion;
  cachedVersion = undefined;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const pkg = readPackage(join(dir, 'package.json'));
    if (pkg?.name === 'statecheck') {
      cachedVersion = pkg.version;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return cachedVersion;
}

/** A package.json's name and version; undefined when there is none or it does not parse. */
function readPackage(path: string): { name?: unknown; version?: string } | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const pkg: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof pkg !== 'object' || pkg === null) return undefined;
    const version: unknown = Reflect.get(pkg, 'version');
    return { name: Reflect.get(pkg, 'name'), ...(typeof version === 'string' ? { version } : {}) };
  } catch {
    return undefined;
  }
}
