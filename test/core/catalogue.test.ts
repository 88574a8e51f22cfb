import { describe, expect, it } from 'vitest';
import { CATALOGUE, type CatalogueEntry } from '../../core/knowledge/index.js';
import { categoryFixtures, read } from '../helpers/fixtures.js';

// Every row of library knowledge is held to a fixture: its packages appear in an invalid fixture
// of its category (where test/core/fixtures.test.ts checks the finding), and a row whose options
// can make it safe appears in a valid one too (where the fixed version is checked to stay silent).

const fixtures = categoryFixtures().map((f) => ({ ...f, text: read(f.file) }));

/** Whether a fixture imports or requires the module (`x`, `node:x`), as written. */
function imports(text: string, module: string): boolean {
  const quoted = module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?:\\bfrom|\\brequire\\s*\\(|\\bimport\\s*\\()\\s*['"](?:node:)?${quoted}['"]`).test(text);
}

function fixturesFor(entry: CatalogueEntry, kind: 'valid' | 'invalid'): string[] {
  return fixtures
    .filter((f) => f.category === entry.category && f.kind === kind && entry.modules.some((m) => imports(f.text, m)))
    .map((f) => f.rel);
}

const rows = CATALOGUE.map((entry, i) => [`${i} ${entry.label} (${entry.modules.join(', ')})`, entry] as const);

describe('catalogue coverage', () => {
  it.each(rows)('row %s: its packages appear in an invalid fixture of its category', (_, entry) => {
    expect(fixturesFor(entry, 'invalid')).not.toEqual([]);
  });

  it.each(rows.filter(([, entry]) => entry.options !== undefined))(
    'row %s: options can make it safe, and a valid fixture of its category shows it',
    (_, entry) => {
      expect(fixturesFor(entry, 'valid')).not.toEqual([]);
    },
  );

  it('finds a package only where a fixture imports it', () => {
    expect(imports("import { LRUCache } from 'lru-cache';", 'lru-cache')).toBe(true);
    expect(imports("const fs = require('node:fs');", 'fs')).toBe(true);
    expect(imports("import x from 'lru-cache-plus';", 'lru-cache')).toBe(false);
    expect(imports('// lru-cache is not used here', 'lru-cache')).toBe(false);
  });
});
