import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CATEGORIES, type Category } from '../../core/types.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURES = join(ROOT, 'fixtures');

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** Every source file below `dir`, sorted. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(name)) out.push(path);
  }
  return out;
}

/** `// expect: a, b` markers: the expected (line, category) pairs of a fixture. */
export function expectedMarkers(text: string): { line: number; category: Category }[] {
  const expected: { line: number; category: Category }[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    const match = /\/\/ expect: ([\w\-, ]+)\s*$/.exec(lineText);
    if (!match) return;
    for (const name of match[1]!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!(CATEGORIES as readonly string[]).includes(name)) throw new Error(`unknown category in marker: ${name}`);
      expected.push({ line: index + 1, category: name as Category });
    }
  });
  return expected;
}

/** Category fixtures: fixtures/<category>/{valid,invalid}/…, relative paths. */
export function categoryFixtures(): { category: Category; kind: 'valid' | 'invalid'; file: string; rel: string }[] {
  const out: { category: Category; kind: 'valid' | 'invalid'; file: string; rel: string }[] = [];
  for (const category of CATEGORIES) {
    for (const kind of ['valid', 'invalid'] as const) {
      const dir = join(FIXTURES, category, kind);
      for (const file of sourceFiles(dir))
        out.push({ category, kind, file, rel: relative(FIXTURES, file).split('\\').join('/') });
    }
  }
  return out;
}

export function read(file: string): string {
  return readFileSync(file, 'utf8');
}
