import { relative } from 'node:path';
import { describeOutOfScope, outOfScopeReason, type OutOfScope } from '../core/index.js';
import { computeScope, type ContextKind, type ScopeEntry, type ScopeResult } from '../core/program/scope.js';
import { toPosix } from './files.js';
import { packageManifests, type ProjectLayout } from './project.js';
import { configuredHandlers } from './serverless.js';
import type { FileResult, ScopeSummary } from './types.js';

/** Where each file of the program runs, as the run decides it (the program's scope, or the path scope). */
export interface RunScope {
  mode: 'entry-points' | 'path-scope';
  /** Whether the file is server code: reported when selected, its calls can run at request time. */
  isServer(index: number): boolean;
  /** Why a file is not server code, in words (for named files left out). */
  whyNot(index: number): string | undefined;
  /** What a file that is not server code is read as; undefined for server code. */
  contextOf(index: number): ContextKind | undefined;
  summary: ScopeSummary;
  entries: readonly ScopeEntry[];
  /** Lines for `--explain-scope <path>` (an absolute path). */
  explain(path: string): string[];
}

interface ScopeOptions {
  cwd: string;
  /** The selection's base and whether the built-in scope applies (`defaultScope: false` turns it off). */
  base: string;
  defaultScope: boolean;
}

/**
 * Decides what is server code: what the program's entry points reach (core/program/scope.ts),
 * or, with no entry point at all, the path scope (minus browser code). With `defaultScope: false`
 * every file is server code. Files without facts (skipped, unreadable) fall back to the path scope.
 */
export function runScope(
  files: readonly { path: string; file: string }[],
  results: readonly FileResult[],
  layout: ProjectLayout,
  options: ScopeOptions,
): RunScope {
  const paths = files.map((f) => f.path);
  const manifests = packageManifests(options.cwd, paths);
  const packages = manifests.map((m) => ({
    dir: toPosix(m.dir),
    name: m.name,
    dependencies: m.dependencies,
    entries: defined(m.entries.map((e) => layout.packageFile(m.dir, e))),
    bin: defined(m.bin.map((e) => layout.packageFile(m.dir, e))),
  }));
  const dirs = [...new Set([options.cwd, ...manifests.map((m) => m.dir)])];
  const scope: ScopeResult = computeScope({
    root: options.cwd,
    files: files.flatMap((f, i) => {
      const facts = results[i]?.scopeFacts;
      return facts ? [{ path: f.path, facts }] : [];
    }),
    resolve: (from, specifier) => layout.resolve(from, specifier),
    packages,
    handlers: configuredHandlers(dirs, paths, layout),
  });
  const program = scope.mode === 'program';
  const pathReason = (path: string): OutOfScope | undefined =>
    options.defaultScope ? outOfScopeReason(toPosix(relative(options.base, path))) : undefined;
  const verdicts = files.map((f) => scope.verdicts.get(f.path));
  const server = files.map((f, i) => {
    if (!options.defaultScope) return true;
    const verdict = verdicts[i];
    if (program && verdict) return verdict.server;
    return verdict?.server !== false && pathReason(f.path) === undefined;
  });
  const summary: ScopeSummary = {
    mode: program ? 'entry-points' : 'path-scope',
    entryPoints: scope.entries.length,
    server: 0,
    context: { browser: 0, cli: 0, test: 0, tooling: 0, 'not-reached': 0 },
    skipped: 0,
  };
  files.forEach((f, i) => {
    if (results[i]?.skipped || !results[i]?.scopeFacts) summary.skipped++;
    else if (server[i]) summary.server++;
    else summary.context[contextKind(verdicts[i], pathReason(f.path), program)]++;
  });
  const index = new Map(paths.map((p, i) => [p, i]));
  const whyNot = (i: number): string | undefined => {
    if (server[i]) return undefined;
    const verdict = verdicts[i];
    if (verdict && !verdict.server && (program || verdict.kind === 'browser'))
      return `not server code (${verdict.kind}): ${verdict.why}`;
    const reason = pathReason(files[i]!.path);
    return reason ? describeOutOfScope(reason) : 'not server code';
  };
  return {
    mode: summary.mode,
    isServer: (i) => server[i] ?? false,
    whyNot,
    contextOf: (i) => (server[i] ? undefined : contextKind(verdicts[i], pathReason(files[i]!.path), program)),
    summary,
    entries: scope.entries,
    explain(path) {
      const i = index.get(path);
      const name = toPosix(relative(options.cwd, path));
      if (i === undefined)
        return [`${name}: not a file statecheck read (not a source file, or never read: dependencies, build output)`];
      if (!options.defaultScope) return [`${name}: server code (the built-in scope is off: \`defaultScope: false\`)`];
      if (!results[i]?.scopeFacts)
        return [`${name}: not analysed (${results[i]?.skipped?.reason ?? 'it could not be read'})`];
      if (program) return scope.explain(path);
      const fallback = 'no entry point found in the program, so the path scope decides';
      if (server[i]) return [`${name}: server code (${fallback})`];
      return [`${name}: ${whyNot(i)} (${fallback})`];
    },
  };
}

/** The kind of context a file that is not server code is read as. */
function contextKind(
  verdict: ReturnType<ScopeResult['verdicts']['get']>,
  reason: OutOfScope | undefined,
  program: boolean,
): ContextKind {
  if (verdict && !verdict.server && (program || verdict.kind === 'browser')) return verdict.kind;
  if (reason?.kind === 'directory')
    return ['test', 'tests', '__tests__', '__mocks__', '__fixtures__', 'e2e', 'cypress'].includes(reason.name)
      ? 'test'
      : 'tooling';
  return 'tooling';
}

function defined<T>(values: (T | undefined)[]): T[] {
  return values.filter((v): v is T => v !== undefined);
}
