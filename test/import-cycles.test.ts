import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures.js';

// The CLI and the plugin are layered: types and helpers sit below the modules that produce and
// read them, so no module imports, even for a type, a module that imports it back.

const FOLDERS = ['cli', 'rules'];

/** Every `.ts` source below the folders, relative to the root with forward slashes. */
function sources(): string[] {
  return FOLDERS.flatMap((folder) =>
    readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
      .map((name) => `${folder}/${name.split('\\').join('/')}`),
  );
}

/** Each source's imports of other sources, `import type` and `export … from` included. */
function importGraph(): Map<string, string[]> {
  const files = sources();
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => ref.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) =>
        relative(ROOT, resolve(ROOT, dirname(file), specifier.replace(/\.js$/, '.ts')))
          .split('\\')
          .join('/'),
      )
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The cycles of a graph, one per strongly connected component of more than one module (or a self-import). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('imports of cli/ and rules/', () => {
  const graph = importGraph();

  it('are read: relative specifiers resolve to the sources, type imports included', () => {
    expect(graph.get('cli/run.ts')).toContain('cli/scan.ts');
    expect(graph.get('cli/scan.ts')).toContain('cli/types.ts');
    expect(graph.get('rules/analyze.ts')).toContain('rules/types.ts');
    expect(graph.get('rules/index.ts')).toContain('rules/types.ts');
  });

  it('finds a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('have no cycle, not even through a type-only import', () => {
    expect(cycles(graph)).toEqual([]);
  });
});
