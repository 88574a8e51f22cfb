import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedVersion: string | undefined | null = null;

/**
 * statecheck's own version, from the nearest package.json named `statecheck` above this file:
 * found from the sources (cli/reporters) and from the build (dist/cli/reporters) alike.
 */
export function packageVersion(): string | undefined {
  if (cachedVersion !== null) return cachedVersion;
  cachedVersion = undefined;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'statecheck') {
        cachedVersion = pkg.version;
        break;
      }
    }
    if (dirname(dir) === dir) break;
  }
  return cachedVersion;
}
