import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseErrors, parseSource } from '../core/index.js';
import { libraryCategories, main } from '../tools/new-library.js';
import { expectedMarkers, ROOT } from './helpers/fixtures.js';

// `npm run new:library` run into a temporary copy: the fixtures it writes, the row it prints.

let copy = '';
beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), 'statecheck-new-library-'));
});
afterEach(() => rmSync(copy, { recursive: true, force: true }));

function scaffold(...args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main([...args, '--root', copy], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

/** Every file below the copy, relative, sorted. */
function written(): string[] {
  return readdirSync(copy, { recursive: true, encoding: 'utf8', withFileTypes: false })
    .filter((path) => path.endsWith('.mjs'))
    .map((path) => path.split('\\').join('/'))
    .sort();
}

/** The row printed between the instructions and the end: `  { … },`. */
function printedRow(stdout: string): string {
  const start = stdout.indexOf('  {\n');
  expect(start, 'a row in the output').toBeGreaterThan(0);
  return stdout.slice(start).trimEnd();
}

describe('npm run new:library', () => {
  it('writes an invalid fixture that marks its finding and a valid one that marks none', () => {
    const { code, stdout, stderr } = scaffold('@acme/cache', 'process-cache');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(written()).toEqual([
      'fixtures/process-cache/invalid/acme-cache.mjs',
      'fixtures/process-cache/valid/acme-cache-shared-store.mjs',
    ]);
    expect(stdout).toContain(
      '  fixtures/process-cache/invalid/acme-cache.mjs\n  fixtures/process-cache/valid/acme-cache-shared-store.mjs\n',
    );
    const invalid = readFileSync(join(copy, 'fixtures/process-cache/invalid/acme-cache.mjs'), 'utf8');
    const valid = readFileSync(join(copy, 'fixtures/process-cache/valid/acme-cache-shared-store.mjs'), 'utf8');
    expect(invalid).toContain("import Cache from '@acme/cache';");
    expect(expectedMarkers(invalid)).toEqual([{ line: 6, category: 'process-cache' }]);
    expect(invalid.split('\n')[5]).toBe('const store = new Cache(); // expect: process-cache');
    expect(expectedMarkers(valid)).toEqual([]);
    expect(valid).toContain('new Cache({ store: sharedStore })');
    // Both are code the parser reads without an error, as the fixtures test needs.
    for (const [name, text] of [
      ['invalid.mjs', invalid],
      ['valid.mjs', valid],
    ] as const) {
      expect(parseErrors(ts, parseSource(ts, join(copy, name), text))).toEqual([]);
    }
  });

  it('prints a catalogue row that type-checks as a CatalogueEntry of the category, for the package and export', () => {
    const { stdout } = scaffold('stash-lite', 'memory-rate-limit', '--export', 'Limiter');
    const row = printedRow(stdout);
    expect(row).toContain(
      "label: 'stash-lite', category: 'memory-rate-limit', modules: ['stash-lite'], exports: ['Limiter'], form: 'call-or-new',",
    );
    expect(stdout).toContain('at the end of the memory-rate-limit block of CATALOGUE in core/knowledge/catalogue.ts');
    expect(readFileSync(join(copy, 'fixtures/memory-rate-limit/invalid/stash-lite.mjs'), 'utf8')).toContain(
      "import { Limiter } from 'stash-lite';",
    );

    const file = join(copy, 'row.ts');
    const catalogue = join(ROOT, 'core', 'knowledge', 'index.js').split('\\').join('/');
    writeFileSync(
      file,
      `import type { CatalogueEntry } from '${catalogue}';\nexport const rows: CatalogueEntry[] = [\n${row}\n];\n`,
    );
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: [],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it.each([
    [
      ['lru-cache', 'process-cache'],
      'new:library: lru-cache is already in the catalogue, as "lru-cache" (process-cache)',
    ],
    [
      ['@acme/x', 'module-state'],
      'new:library: module-state has no library rows: it is found from the code itself; add a detector case instead',
    ],
    [['@acme/x', 'caches'], 'new:library: unknown category "caches"'],
    [['not a name', 'process-cache'], 'new:library: not a package name: "not a name"'],
    [['@acme/x'], 'new:library: expected a package and a category'],
  ])('%j writes nothing and says why', (args, message) => {
    const { code, stdout, stderr } = scaffold(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message)).toBe(true);
    expect(written()).toEqual([]);
  });

  it('never overwrites a fixture', () => {
    expect(scaffold('@acme/cache', 'process-cache').code).toBe(0);
    writeFileSync(join(copy, 'fixtures/process-cache/valid/acme-cache-shared-store.mjs'), '// edited\n');
    const again = scaffold('@acme/cache', 'process-cache');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already there, nothing written');
    expect(readFileSync(join(copy, 'fixtures/process-cache/valid/acme-cache-shared-store.mjs'), 'utf8')).toBe(
      '// edited\n',
    );
  });

  it('offers the categories that have library rows', () => {
    expect(libraryCategories()).toEqual(
      expect.arrayContaining(['memory-session', 'process-cache', 'file-write', 'process-lock']),
    );
    expect(libraryCategories()).not.toContain('module-state');
  });

  it('runs as a script (tsx), as `npm run new:library` runs it', () => {
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const result = spawnSync(
      process.execPath,
      [tsx, join(ROOT, 'tools', 'new-library.ts'), '@acme/locks', 'process-lock', '--root', copy],
      { encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(join(copy, 'fixtures/process-lock/invalid/acme-locks.mjs'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['new:library']).toBe('tsx tools/new-library.ts');
  });
});
