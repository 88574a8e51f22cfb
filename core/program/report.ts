import { categoriesFor, CATEGORY_INFO } from '../categories.js';
import { classifyFacts, handRolledWhat, type WriteFacts } from '../detectors/hand-rolled.js';
import { composeMessage, WRITTEN_AT_REQUEST_TIME } from '../messages.js';
import { surelyIn } from '../confidence.js';
import { REQUEST_TIME } from '../reach.js';
import { type ContainerKind, isWrite } from '../state.js';
import type { ModuleSummary } from '../summary.js';
import type { AnalyzeOptions, Category, CoreFinding, Doubt } from '../types.js';
import { type Callers, type Contexts, exportKey, type Use } from './callers.js';
import type { Failures } from './failures.js';
import type { Lifetimes } from './lifetimes.js';
import { atCreation, CALLED_HERE, type Factory, type Settled } from './settle.js';
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
        const writes: StateWriteSite[] = state.writes
          .filter((w) => !w.condition || contexts.holds(i, w.condition))
          .map((w) => ({
            file: i,
            start: w.start,
            message: WRITTEN_AT_REQUEST_TIME,
            facts: w.facts,
            sure: !w.unsure && (!w.condition || contexts.sure(i, w.condition)),
          }));
        for (const entry of callers.usesOf(i)) {
          const { use, target } = entry;
          if (!state.exports.includes(target.name) || !use.write) continue;
          if (!isWrite(state.container, target.rest.length, use.write.op, use.write.method, false)) continue;
          const context = contexts.useContext(entry);
          if (!(context & REQUEST_TIME)) continue;
          writes.push({
            file: entry.file,
            start: use.start,
            message: WRITTEN_AT_REQUEST_TIME,
            facts: use.write.facts,
            sure: surelyIn(context, REQUEST_TIME),
          });
        }
        if (writes.length === 0) continue;
        const found = stateFinding(i, f.summary!, state, 'module', writes, options);
        if (found) mine.push(found);
      }
      return mine;
    });
    out.push(...reported);
  });
  return out;
}

/**
 * Fields of long-lived objects, with the writes of every file (phase: reporting): reported at
 * the field when some write runs at request time. A singleton's own writes are its file's
 * finding already; writes from other files (through an imported instance, an instance the
 * importer constructs or is handed, `Server.getInstance()`) join it as related locations.
 */
export function reportClassState(
  files: readonly ProgramFile[],
  callers: Callers,
  contexts: Contexts,
  lifetimes: Lifetimes,
  settled: readonly ProgramFinding[],
  failures: Failures,
  options: AnalyzeOptions,
): ProgramFinding[] {
  const out: ProgramFinding[] = [];
  files.forEach((f, i) => {
    if (f.context || !f.summary?.classes?.length) return;
    const uses = callers.usesOf(i);
    const reported = failures.guard(i, [], () => {
      const mine: ProgramFinding[] = [];
      f.summary!.classes.forEach((cls, c) => {
        if (lifetimes.of(i, c) !== 'process') return;
        for (const field of cls.fields) {
          const writes: StateWriteSite[] = [];
          for (const entry of uses) {
            const { use, target } = entry;
            if (!use.write) continue;
            const rest = target.rest;
            const depth = cls.exports.includes(target.name)
              ? rest[0] === 'prototype' && rest[1] === field.name
                ? rest.length - 2
                : -1
              : cls.instances.includes(target.name) && rest[0] === field.name
                ? rest.length - 1
                : -1;
            if (depth < 0) continue;
            if (!isWrite(field.container, depth, use.write.op, use.write.method, !field.readonly)) continue;
            const context = contexts.useContext(entry);
            if (!(context & REQUEST_TIME)) continue;
            const reset = depth === 0 && use.write.reset === true;
            writes.push({
              file: entry.file,
              start: use.start,
              message: WRITTEN_AT_REQUEST_TIME,
              facts: use.write.facts,
              reset,
              sure: surelyIn(context, REQUEST_TIME),
            });
          }
          const own = settled.find((s) => s.file === i && s.start === field.start && s.subject === field.name);
          if (own) {
            own.related.push(...writes.map(({ file: at, start, message }) => ({ file: at, start, message })));
            // A write in view from another file makes the field's finding certain.
            if (own.doubt === 'callers' && writes.some((w) => w.sure)) delete own.doubt;
            continue;
          }
          if (!cls.singleton) {
            for (const w of field.writes)
              if (!w.condition || contexts.holds(i, w.condition))
                writes.push({
                  file: i,
                  start: w.start,
                  message: WRITTEN_AT_REQUEST_TIME,
                  facts: w.facts,
                  sure: !w.unsure && (!w.condition || contexts.sure(i, w.condition)),
                });
          }
          if (writes.length === 0 || (field.resettable && writes.every((w) => w.reset))) continue;
          const found = stateFinding(i, f.summary!, field, 'field', writes, options);
          if (found) mine.push(found);
        }
      });
      return mine;
    });
    out.push(...reported);
  });
  return out;
}

/** A request-time write of hand-rolled state, with what classifies it and whether its context is in view. */
type StateWriteSite = ProgramLocation & { facts: WriteFacts; sure: boolean; reset?: boolean };

/**
 * The finding of hand-rolled state (exported module state, a long-lived object's field) with its
 * request-time writes: classified by their shape, unless suppressed or allowed; certain when
 * some write is on a request path in view.
 */
function stateFinding(
  file: number,
  summary: ModuleSummary,
  state: { name: string; container: ContainerKind; start: number; end: number; suppressed?: Category[] },
  where: 'module' | 'field',
  writes: readonly StateWriteSite[],
  options: AnalyzeOptions,
): ProgramFinding | undefined {
  const category = classifyFacts(
    state.name,
    state.container,
    writes.map((w) => w.facts),
  );
  if (!category || !reportable(summary, category, state.name, state.suppressed, options)) return undefined;
  const suggestion = CATEGORY_INFO[category].suggestion;
  return {
    file,
    category,
    subject: state.name,
    start: state.start,
    end: state.end,
    message: composeMessage(category, handRolledWhat(category, state.name, where), suggestion),
    suggestion,
    related: writes.map(({ file: at, start, message }) => ({ file: at, start, message })),
    ...(writes.some((w) => w.sure) ? {} : { doubt: 'callers' as const }),
  };
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
      const related = [{ file: site.file, start: site.use.start, message: CALLED_HERE }];
      const doubt = siteDoubt(created, contexts.useContext(site), origin.need);
      out.push(atCreation(origin.file, origin.own, created, related, doubt));
      continue;
    }
    for (const { file, use, target } of calls) {
      const caller = files[file]!;
      if (caller.context || !caller.summary) continue;
      const site = failures.guard(file, undefined, () => {
        if (!reportable(caller.summary!, created.category, created.subject, use.suppressed, options)) return undefined;
        const what = `${use.call} calls \`${target.name}\` (${where(origin.file, created.start)}), where ${created.what}`;
        const doubt = siteDoubt(created, contexts.contextOf(file, use.context), origin.need);
        return {
          file,
          category: created.category,
          subject: created.subject,
          start: use.start,
          end: use.end,
          message: composeMessage(created.category, what, created.suggestion),
          suggestion: created.suggestion,
          related: [{ file: origin.file, start: created.start, message: 'created here' }],
          ...(doubt ? { doubt } : {}),
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

/** A store or timer created through a wrapper: as sure as the call site's context, and the creation's own doubt. */
function siteDoubt(created: CoreFinding, context: number, need: number): Doubt | undefined {
  if (created.doubt || created.evidence === 'library') return created.doubt;
  return surelyIn(context, need) ? undefined : 'callers';
}
