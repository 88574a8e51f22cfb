import type { ExportTarget, ModulePath } from '../summary.js';
import type { Failures } from './failures.js';
import type { ModuleResolver, ProgramFile } from './types.js';

/** Where an export lookup ends: a module-scope binding `name` of `file`, and members below it. */
export interface Target {
  file: number;
  name: string;
  rest: string[];
}

export interface ExportLookup {
  /** The file a specifier names from a file, if it is one of the program's. */
  resolveFrom(from: number, specifier: string): number | undefined;
  /** The binding a use of another module reaches, through re-exports and barrels. */
  targetOf(from: number, use: ModulePath): Target | undefined;
}

/**
 * How many lookups may be nested (a re-export of a re-export, `module.exports = require(…)`):
 * a bound on the stack, far beyond real chains. Each (module, path) is looked up once: cycles
 * among barrels (`export *` from each other) cost one visit per module and name.
 */
const MAX_DEPTH = 200;

/**
 * Export lookup over the program's summaries, memoised per module and path; the resolver is
 * asked once per module and specifier. A module whose summary cannot be read fails in its own
 * part and exports nothing.
 */
export function exportLookup(files: readonly ProgramFile[], resolve: ModuleResolver, failures: Failures): ExportLookup {
  const index = new Map(files.map((f, i) => [f.path, i]));
  const resolved = new Map<string, number | undefined>();
  const resolveFrom = (from: number, specifier: string): number | undefined => {
    const k = `${from}\0${specifier}`;
    if (resolved.has(k)) return resolved.get(k);
    const path = resolve(files[from]!.path, specifier);
    const found = path === undefined ? undefined : index.get(path);
    resolved.set(k, found);
    return found;
  };
  // Export names come from the scanned code (`__proto__`, `constructor`): a Map per module,
  // never an object's keys.
  const exportMaps = files.map((f, i) =>
    failures.guard(i, undefined, () => (f.summary ? new Map<string, ExportTarget>(f.summary.exports) : undefined)),
  );

  // One met again while it is being computed (a cycle of re-exports) finds nothing.
  const looked = new Map<string, Target | null>();
  const lookup = (file: number | undefined, path: readonly string[], depth: number): Target | undefined => {
    if (file === undefined || !exportMaps[file] || depth > MAX_DEPTH) return undefined;
    const k = `${file}\0${path.join('\0')}`;
    const known = looked.get(k);
    if (known !== undefined || looked.has(k)) return known ?? undefined;
    looked.set(k, null);
    const found = lookupOnce(file, path, depth);
    looked.set(k, found ?? null);
    return found;
  };
  const lookupOnce = (file: number, path: readonly string[], depth: number): Target | undefined => {
    const summary = files[file]!.summary!;
    const exports = exportMaps[file]!;
    if (path.length === 0) return exports.has('default') ? lookup(file, ['default'], depth + 1) : undefined;
    const [name, ...rest] = path as [string, ...string[]];
    const target = exports.get(name);
    if (target && 'local' in target) return { file, name, rest };
    if (target)
      return lookup(
        resolveFrom(file, target.from.specifier),
        [...(target.from.viaDefault ? ['default'] : []), ...target.from.path, ...rest],
        depth + 1,
      );
    if (name === 'default') return undefined;
    for (const star of summary.starExports) {
      const found = lookup(resolveFrom(file, star), path, depth + 1);
      if (found) return found;
    }
    // CommonJS `module.exports = counters`: `require('./counters').hits` is a member of it.
    return summary.commonJs && exports.has('default') ? lookup(file, ['default', ...path], depth + 1) : undefined;
  };
  return {
    resolveFrom,
    targetOf: (from, use) =>
      lookup(resolveFrom(from, use.specifier), [...(use.viaDefault ? ['default'] : []), ...use.path], 0),
  };
}
