import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './fixtures.js';

/** The code block that follows `<!-- snippet: name -->` in the README. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const marker = readme.indexOf(`<!-- snippet: ${name} -->`);
  if (marker < 0) throw new Error(`README has no snippet "${name}"`);
  const match = /```[\w-]*\n([\s\S]*?)```/.exec(readme.slice(marker));
  if (!match) throw new Error(`README snippet "${name}" has no code block`);
  return match[1]!;
}
