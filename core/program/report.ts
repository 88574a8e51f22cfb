import { categoriesFor, CATEGORY_INFO } from '../categories.js';
import { classifyFacts, handRolledWhat, type WriteFacts } from '../detectors/hand-rolled.js';
import { composeMessage, WRITTEN_AT_REQUEST_TIME } from '../messages.js';
import { REQUEST_TIME } from '../reach.js';
import { isWrite } from '../state.js';
import type { ModuleSummary } from '../summary.js';
import type { AnalyzeOptions, Category } from '../types.js';
import { type Callers, type Contexts, exportKey, type Use } from './callers.js';
import type { Failures } from './failures.js';
import { CALLED_HERE, type Factory, type Settled } from './settle.js';
import type { ProgramFile, ProgramFinding, ProgramLocation } from './types.js';

/**
 * Exported state, with the writes of every file (phase: reporting): reported at its declaration
 * when some write, in its own file or another, runs at request time.
 */
export function reportExportedState(
  files: readonly ProgramFile[],
  callers: Callers,
  contexts: Contexts,
  failures: Failures,
  options: AnalyzeOptions,
): ProgramFinding[] {
  const out: ProgramFinding[] = [];
  files.forEach((f, i) => {
    if (f.context) return;
    const reported = failures.guard(i, [], () => {
      const mine: ProgramFinding[] = [];
      for (const state of f.summary?.state ?? []) {
        const writes: (ProgramLocation & { facts: WriteFacts })[] = state.writes
          .filter((w) => !w.condition || contexts.holds(i, w.condition))
          .map((w) => ({ file: i, start: w.start, message: WRITTEN_AT_REQUEST_TIME, facts: w.facts }));
        for (const entry of callers.usesOf(i)) {
          const { use, target } = entry;
          if (!state.exports.includes(target.name) || !use.write) continue;
          if (!isWrite(state.container, target.rest.length, use.write.op, use.write.method, false)) continue;
          if (!(contexts.useContext(entry) & REQUEST_TIME)) continue;
          writes.push({ file: entry.file, start: use.start, message: WRITTEN_AT_REQUEST_TIME, facts: use.write.facts });
        }
        if (writes.length === 0) continue;
        const category = classifyFacts(
          state.name,
          state.container,
          writes.map((w) => w.facts),
        );
        if (!reportable(f.summary!, category, state.name, state.suppressed, options)) continue;
        const suggestion = CATEGORY_INFO[category].suggestion;
        mine.push({
          file: i,
          category,
          subject: state.name,
          start: state.start,
          end: state.end,
          message: composeMessage(category, handRolledWhat(category, state.name, 'module'), suggestion),
          suggestion,
          related: writes.map(({ facts: _, ...w }) => w),
        });
      }
      return mine;
    });
    out.push(...reported);
  });
  return out;
}

/** Rounds of "a factory returning a factory's value is a factory" (chains are short). */
const MAX_FACTORY_ROUNDS = 24;

/**
 * Stores and timers created by project wrappers, where the wrappers are called in a shared
 * context (module scope, start-up, singletons) (phase: reporting). Each creation is reported on
 * its own. A creation with a single such call site is reported where it is created (where the
 * fix goes), with the call site as related; one with several, at each call site.
 */
export function reportFactoryCalls(
  files: readonly ProgramFile[],
  callers: Callers,
  contexts: Contexts,
  settled: Settled,
  failures: Failures,
  options: AnalyzeOptions,
  where: (file: number, offset: number) => string,
): ProgramFinding[] {
  const { factories } = settled;
  const originsOf = ({ use, target }: Use): readonly Factory[] | undefined =>
    target.rest.length === 0 && use.call !== undefined ? factories.get(exportKey(target.file, target.name)) : undefined;
  // Factories of factories: `export const makeUserCache = () => createCache()`.
  let changing: number[] = [];
  for (let round = 0, changed = true; changed && round < MAX_FACTORY_ROUNDS; round++) {
    changed = false;
    changing = [];
    for (const entry of callers.uses) {
      const { file, use } = entry;
      const added = failures.guard(file, false, () => {
        const origins = originsOf(entry);
        let more = false;
        for (const name of origins ? (use.returnedBy ?? []) : []) {
          const k = exportKey(file, name);
          if (!callers.of(file, name) || factories.has(k)) continue;
          factories.set(k, [...origins!]);
          more = true;
        }
        return more;
      });
      if (added) changing.push(file);
      changed = added || changed;
    }
  }
  failures.unsettle(changing);

  // The call sites of each creation that run in the context it needs.
  const sites = new Map<Factory, Use[]>();
  for (const entry of callers.uses) {
    const { file, use } = entry;
    const origins = failures.guard(file, [], () => {
      const found = originsOf(entry);
      if (!found || (use.returnedBy ?? []).some((name) => factories.has(exportKey(file, name)))) return [];
      const shared = contexts.contextOf(file, use.context);
      return found.filter((origin) => shared & origin.need);
    });
    for (const origin of origins) sites.set(origin, [...(sites.get(origin) ?? []), entry]);
  }

  const out: ProgramFinding[] = [];
  for (const [origin, calls] of sites) {
    const { finding: created } = origin;
    const creator = files[origin.file]!;
    if (calls.length === 1 && !created.suppressed) {
      const site = calls[0]!;
      const caller = files[site.file]!;
      if (creator.context || !caller.summary) continue;
      if (!reportable(caller.summary, created.category, created.subject, site.use.suppressed, options)) continue;
      const { category, subject, start, end, message, suggestion } = created;
      const related = [{ file: site.file, start: site.use.start, message: CALLED_HERE }];
      out.push({ file: origin.file, category, subject, start, end, message, suggestion, related, own: origin.own });
      continue;
    }
    for (const { file, use, target } of calls) {
      const caller = files[file]!;
      if (caller.context || !caller.summary) continue;
      const site = failures.guard(file, undefined, () => {
        if (!reportable(caller.summary!, created.category, created.subject, use.suppressed, options)) return undefined;
        const what = `${use.call} calls \`${target.name}\` (${where(origin.file, created.start)}), where ${created.what}`;
        return {
          file,
          category: created.category,
          subject: created.subject,
          start: use.start,
          end: use.end,
          message: composeMessage(created.category, what, created.suggestion),
          suggestion: created.suggestion,
          related: [{ file: origin.file, start: created.start, message: 'created here' }],
        };
      });
      if (site) out.push(site);
    }
  }
  return out;
}

/** Whether a finding of `category` on `subject` survives the file's categories, suppressions and `allow`. */
function reportable(
  summary: ModuleSummary,
  category: Category,
  subject: string,
  suppressed: readonly Category[] | undefined,
  options: AnalyzeOptions,
): boolean {
  if (!categoriesFor(options, summary.frameworkModule).includes(category)) return false;
  if (suppressed?.includes(category)) return false;
  return !options.allow?.[category]?.includes(subject);
}
