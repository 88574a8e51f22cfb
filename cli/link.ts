import {
  type AnalyzeOptions,
  type Category,
  CATEGORY_INFO,
  categoriesFor,
  classifyFacts,
  composeMessage,
  type Condition,
  type ExportTarget,
  handRolledWhat,
  isWrite,
  type ModulePath,
  REQUEST_TIME,
  ruleIdOf,
  type SummaryContext,
  type Suggestion,
  UNKNOWN,
  unknownCallersContext,
  WRITTEN_AT_REQUEST_TIME,
  type WriteFacts,
} from '../core/index.js';
import { fingerprintBase } from './analyze-file.js';
import { internalError } from './errors.js';
import type { ProjectLayout } from './project.js';
import type { FileFinding, FileSummary, Finding, LinkFile, Located, RelatedLocation, ScanError } from './types.js';

interface Target {
  file: number;
  name: string;
  rest: string[];
}

/** The result of the link step: the program's findings, and the modules it could not link. */
export interface LinkResult {
  findings: Omit<Finding, 'severity'>[];
  /** One entry per module whose part of the link failed (other modules are still reported). */
  errors: ScanError[];
}

/** What the link step needs of the project layout: which project file a specifier names. */
export type Resolver = Pick<ProjectLayout, 'resolve'>;

/**
 * How many lookups may be nested (a re-export of a re-export, `module.exports = require(…)`):
 * a bound on the stack, far beyond real chains. Each (module, path) is looked up once: cycles
 * among barrels (`export *` from each other) cost one visit per module and name.
 */
const MAX_DEPTH = 200;
const CALLED_AT_REQUEST_TIME = 'called here at request time';
const CALLED_HERE = 'called here';

/**
 * Joins per-file results into the program's: settles findings that depend on who calls a
 * file's exports, reports exported state written in other files (at its declaration, with
 * every request-time write), and moves stores and timers created by project wrappers to the
 * wrappers' call sites. Returns the findings of the files that are not `context`.
 *
 * Each module's parts (the targets of its uses, the settling of its findings, its exported
 * state, its call sites of factories) run guarded: a part that throws is left out and the module
 * gets an `errors` entry; its other parts, and every other module, are still linked.
 */
export function link(files: readonly LinkFile[], layout: Resolver, options: AnalyzeOptions, debug = false): LinkResult {
  const failed = new Map<number, unknown>();
  /** Runs one module's part; a failure is noted for the module (the first one) and gives `fallback`. */
  const guard = <T>(file: number, fallback: T, part: () => T): T => {
    try {
      return part();
    } catch (error) {
      if (!failed.has(file)) failed.set(file, error);
      return fallback;
    }
  };

  const index = new Map(files.map((f, i) => [f.path, i]));
  const resolved = new Map<string, number | undefined>();
  const resolveFrom = (from: number, specifier: string): number | undefined => {
    const k = `${from}\0${specifier}`;
    if (resolved.has(k)) return resolved.get(k);
    const path = layout.resolve(files[from]!.path, specifier);
    const found = path === undefined ? undefined : index.get(path);
    resolved.set(k, found);
    return found;
  };
  // Export names come from the scanned code (`__proto__`, `constructor`): a Map per module,
  // never an object's keys. A module whose summary cannot be read fails here, in its own part.
  const exportMaps = files.map((f, i) =>
    guard(i, undefined, () => (f.summary ? new Map<string, ExportTarget>(f.summary.exports) : undefined)),
  );

  // Lookups by module and path, each computed once; one met again while it is being computed
  // (a cycle of re-exports) finds nothing.
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
  const targetOf = (from: number, use: ModulePath): Target | undefined =>
    lookup(resolveFrom(from, use.specifier), [...(use.viaDefault ? ['default'] : []), ...use.path], 0);

  // Every use, with the export it reaches.
  type Use = { file: number; use: FileSummary['uses'][number]; target: Target };
  const uses: Use[] = [];
  files.forEach((f, i) => {
    const found = guard(i, [], () => {
      const mine: Use[] = [];
      for (const use of f.summary?.uses ?? []) {
        const target = targetOf(i, use);
        if (target) mine.push({ file: i, use, target });
      }
      return mine;
    });
    uses.push(...found);
  });
  const key = (file: number, name: string) => `${file}#${name}`;
  const called = new Map<string, Use[]>();
  const usesOf = new Map<number, Use[]>();
  for (const entry of uses) {
    const into = usesOf.get(entry.target.file);
    if (into) into.push(entry);
    else usesOf.set(entry.target.file, [entry]);
    // `registry.register(…)`: a call of a method of an exported instance.
    const method =
      entry.target.rest.length === 1 && entry.use.call !== undefined
        ? `${entry.target.name}.${entry.target.rest[0]}`
        : undefined;
    if (entry.target.rest.length > 0 && method === undefined) continue;
    const k = key(entry.target.file, method ?? entry.target.name);
    const callers = called.get(k);
    if (callers) callers.push(entry);
    else called.set(k, [entry]);
  }

  // When each export runs: the union of its callers' contexts, to a fixed point.
  const ext = new Map<string, number>();
  const final = (file: number, name: string): number => {
    const k = key(file, name);
    const mask = called.has(k) ? (ext.get(k) ?? 0) : unknownCallersContext(name);
    // An instance or class used whole elsewhere (passed on, stored) has methods anyone may call;
    // constructing a class (`new Registry()`) does not pass its statics on.
    const dot = name.indexOf('.');
    const passedOn = dot > 0 && (called.get(key(file, name.slice(0, dot))) ?? []).some((c) => !c.use.construct);
    return mask | (files[file]!.summary?.frameworkModule || passedOn ? UNKNOWN : 0);
  };
  const contextOf = (file: number, context: SummaryContext): number => {
    if (files[file]!.outside) return 0;
    let mask = context.mask;
    for (const name of context.via) mask |= final(file, name);
    return mask;
  };
  /** The context of a use; 0 when it cannot be read (its writes and calls are not reported). */
  const useContext = (entry: Use): number => guard(entry.file, 0, () => contextOf(entry.file, entry.use.context));
  // Modules whose part of a fixed point was still changing when it hit its bound.
  const unsettled = new Set<number>();
  let changing: number[] = [];
  for (let round = 0, changed = true; changed && round < MAX_CONTEXT_ROUNDS; round++) {
    changed = false;
    changing = [];
    for (const [k, callers] of called) {
      let mask = 0;
      // A caller whose context cannot be read: when it calls is unknown.
      for (const caller of callers)
        mask |= guard(caller.file, UNKNOWN, () => contextOf(caller.file, caller.use.context));
      if (mask !== (ext.get(k) ?? 0)) {
        ext.set(k, mask);
        changed = true;
        changing.push(callers[0]!.target.file); // the export's module
      }
    }
  }
  for (const file of changing) unsettled.add(file);
  const holds = (file: number, condition: Condition): boolean =>
    (condition.exports.reduce((m, n) => m | final(file, n), 0) & condition.need) !== 0;

  const out: Omit<Finding, 'severity'>[] = [];
  const bases = new Map<string, number>();
  const fingerprint = (file: string, category: Category, subject: string, lineText: string) => {
    const base = fingerprintBase(category, subject, lineText);
    const n = bases.get(`${file}\0${base}`) ?? 0;
    bases.set(`${file}\0${base}`, n + 1);
    return `${base}:${n}`;
  };
  files.forEach((f, i) =>
    guard(i, undefined, () => {
      for (const finding of f.findings) {
        const [base, n] = finding.fingerprint.split(':');
        bases.set(`${f.file}\0${base}`, Math.max(bases.get(`${f.file}\0${base}`) ?? 0, Number(n) + 1));
      }
    }),
  );

  // Findings of each file's own pass, settled.
  const factories = new Map<string, { file: number; finding: FileFinding; need: number }>();
  files.forEach((f, i) => {
    const settled = guard(i, [], () => {
      const mine: Omit<Finding, 'severity'>[] = [];
      for (const finding of f.findings) {
        const related: RelatedLocation[] = finding.related
          .filter((r) => !r.condition || holds(i, r.condition))
          .map(({ condition: _, ...r }) => r);
        const condition = finding.condition;
        if (condition === 'related' ? related.length === 0 : condition && !holds(i, condition)) continue;
        if (finding.factory !== undefined && typeof condition === 'object' && called.has(key(i, finding.factory))) {
          factories.set(key(i, finding.factory), { file: i, finding, need: condition.need });
          continue;
        }
        if (typeof condition === 'object') {
          // A write in a function other files call: where those calls run at request time.
          for (const name of condition.exports) {
            for (const caller of called.get(key(i, name)) ?? []) {
              if (!(useContext(caller) & condition.need) || caller.use.call === undefined) continue;
              related.push({
                file: files[caller.file]!.file,
                ...caller.use.at,
                message: condition.need === REQUEST_TIME ? CALLED_AT_REQUEST_TIME : CALLED_HERE,
              });
            }
          }
        }
        if (f.context || finding.suppressed) continue;
        const { condition: _c, factory: _f, what: _w, suppressed: _x, ...plain } = finding;
        mine.push({ ...plain, related: sortRelated(related) });
      }
      return mine;
    });
    out.push(...settled);
  });

  // Exported state, with the writes of every file.
  files.forEach((f, i) => {
    if (f.context) return;
    const reported = guard(i, [], () => {
      const mine: Omit<Finding, 'severity'>[] = [];
      for (const state of f.summary?.state ?? []) {
        const writes: (RelatedLocation & { facts: WriteFacts })[] = state.writes
          .filter((w) => !w.condition || holds(i, w.condition))
          .map((w) => ({ file: f.file, ...w.at, message: WRITTEN_AT_REQUEST_TIME, facts: w.facts }));
        for (const entry of usesOf.get(i) ?? []) {
          const { file, use, target } = entry;
          if (!state.exports.includes(target.name) || !use.write) continue;
          if (!isWrite(state.container, target.rest.length, use.write.op, use.write.method, false)) continue;
          if (!(useContext(entry) & REQUEST_TIME)) continue;
          writes.push({ file: files[file]!.file, ...use.at, message: WRITTEN_AT_REQUEST_TIME, facts: use.write.facts });
        }
        if (writes.length === 0) continue;
        const category = classifyFacts(
          state.name,
          state.container,
          writes.map((w) => w.facts),
        );
        if (!reportable(f.summary!, category, state.name, state.suppressed, options)) continue;
        const suggestion = CATEGORY_INFO[category].suggestion;
        mine.push(
          finding(
            f.file,
            category,
            state.name,
            state.at,
            state.end,
            composeMessage(category, handRolledWhat(category, state.name, 'module'), suggestion),
            suggestion,
            sortRelated(writes.map(({ facts: _, ...w }) => w)),
            fingerprint(f.file, category, state.name, state.lineText),
          ),
        );
      }
      return mine;
    });
    out.push(...reported);
  });

  // Factories of factories: `export const makeUserCache = () => createCache()`.
  for (let round = 0, changed = true; changed && round < MAX_FACTORY_ROUNDS; round++) {
    changed = false;
    changing = [];
    for (const { file, use, target } of uses) {
      const added = guard(file, false, () => {
        const origin =
          target.rest.length === 0 && use.call !== undefined ? factories.get(key(target.file, target.name)) : undefined;
        let more = false;
        for (const name of origin ? (use.returnedBy ?? []) : []) {
          if (!called.has(key(file, name)) || factories.has(key(file, name))) continue;
          factories.set(key(file, name), origin!);
          more = true;
        }
        return more;
      });
      if (added) changing.push(file);
      changed = added || changed;
    }
  }
  for (const file of changing) unsettled.add(file);
  // Call sites of factories and wrappers in a shared context (module scope, start-up, singletons).
  for (const entry of uses) {
    const { file, use, target } = entry;
    const caller = files[file]!;
    if (caller.context || !caller.summary) continue;
    const site = guard(file, undefined, () => {
      const origin =
        target.rest.length === 0 && use.call !== undefined ? factories.get(key(target.file, target.name)) : undefined;
      if (!origin) return undefined;
      if ((use.returnedBy ?? []).some((name) => factories.has(key(file, name)))) return undefined;
      if (!(contextOf(file, use.context) & origin.need)) return undefined;
      const { finding: created } = origin;
      if (!reportable(caller.summary!, created.category, created.subject, use.suppressed, options)) return undefined;
      const where = files[origin.file]!.file;
      const what = `${use.call} calls \`${target.name}\` (${where}:${created.line}), where ${created.what}`;
      return finding(
        caller.file,
        created.category,
        created.subject,
        use.at,
        use.end,
        composeMessage(created.category, what, created.suggestion),
        created.suggestion,
        [{ file: where, line: created.line, column: created.column, message: 'created here' }],
        fingerprint(caller.file, created.category, created.subject, use.lineText ?? ''),
      );
    });
    if (site) out.push(site);
  }

  const errors: ScanError[] = [];
  for (const [i, error] of failed) {
    if (!files[i]!.context)
      errors.push({
        file: files[i]!.file,
        message: internalError('cross-file analysis of this module failed', error, debug),
      });
  }
  for (const i of unsettled) {
    if (!files[i]!.context && !failed.has(i)) errors.push({ file: files[i]!.file, message: UNSETTLED });
  }
  return { findings: out, errors };
}

/** Rounds of "when an export runs is when its callers do": each round follows calls one module further. */
const MAX_CONTEXT_ROUNDS = 64;
/** Rounds of "a factory returning a factory's value is a factory" (chains are short). */
const MAX_FACTORY_ROUNDS = 24;
const UNSETTLED =
  'cross-file analysis stopped at its bound before settling (a very long chain of calls between modules): findings that depend on this module may be missing';

/** Whether a finding of `category` on `subject` survives the file's categories, suppressions and `allow`. */
function reportable(
  summary: FileSummary,
  category: Category,
  subject: string,
  suppressed: readonly Category[] | undefined,
  options: AnalyzeOptions,
): boolean {
  if (!categoriesFor(options, summary.frameworkModule).includes(category)) return false;
  if (suppressed?.includes(category)) return false;
  return !options.allow?.[category]?.includes(subject);
}

function finding(
  file: string,
  category: Category,
  subject: string,
  at: Located,
  end: Located,
  message: string,
  suggestion: Suggestion,
  related: RelatedLocation[],
  fingerprint: string,
): Omit<Finding, 'severity'> {
  return {
    ruleId: ruleIdOf(category),
    category,
    file,
    line: at.line,
    column: at.column,
    endLine: end.line,
    endColumn: end.column,
    message,
    suggestion,
    related,
    fingerprint,
    subject,
  };
}

function sortRelated(related: RelatedLocation[]): RelatedLocation[] {
  return related.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column,
  );
}
