/**
 * Server code is what the server reaches.
 *
 * **Entry points** are where the server's code starts:
 * - files that start a server: `x.listen(port)` (not `history.listen(fn)` nor `x.listen('event', fn)`), http/https/
 *   http2/net/tls `createServer`, `NestFactory.create`, `new Hono()`, `fastify()`, `new Koa()`, `Bun.serve`, `Deno.serve`,
 *   ws and socket.io servers, `startStandaloneServer`, micro, polka, restify, hapi (an `express()` app is not: where it listens is);
 * - framework modules: Next.js `app/…/route`, `pages/api/`, `middleware`, `'use server'`; SvelteKit `+server`, `+page.server`,
 *   `+layout.server`, `hooks.server`; Nuxt/Nitro `server/{api,routes,middleware,plugins}/`; Netlify and Vercel functions;
 *   Workers `export default { fetch }`; Next.js pages exporting `getServerSideProps` & co. and Remix routes exporting
 *   `loader`/`action`, of which only the imports those functions use are followed;
 * - queue consumers (bullmq, bull, pg-boss, kafkajs, amqplib, Nest `@Processor`) and handlers named in serverless configs;
 * - the `main`/`exports` of a server library: a package depending on a server framework, or on a workspace package
 *   that holds an entry point or is a server library.
 * Tests, CLIs (they import an argument parser or prompt library), package `bin` files, files under context folders
 * (scripts, migrations, seeds, examples, docs, tests, …) and browser code (unless its server start resolves through a
 * server package) are never entry points.
 *
 * **Server code** is every file an entry point reaches through imports that load code (ESM, CommonJS, literal
 * `import()`; not `import type`), except files that say themselves what else they are — tests, CLIs, package `bin`
 * files, browser code, files under context folders — which stay that even when the server imports them (a barrel
 * re-exporting a test helper or a DOM controller), and are not walked through. The rest is read as context, not
 * reported. With no entry point at all, every file but
 * browser code is server code and the path scope decides (`mode: 'fallback'`).
 */
import { SERVER_FRAMEWORKS, type EntryFactKind, type ScopeFacts } from '../scope-facts.js';

export interface ScopeFile {
  /** Absolute, with forward slashes. */
  path: string;
  facts: ScopeFacts;
}

export interface ScopePackage {
  /** The folder of its package.json, absolute, forward slashes. */
  dir: string;
  name: string;
  /** Names of its dependencies, peer and optional dependencies. */
  dependencies: readonly string[];
  /** Files of `main`/`module`/`exports`/`source`. */
  entries: readonly string[];
  /** Files named by `bin`. */
  bin: readonly string[];
}

/** A handler a serverless config names (`handler: src/users.create` in serverless.yml). */
export interface ConfiguredHandler {
  path: string;
  /** The exported name. */
  name: string;
  /** Where it is named: "named in serverless.yml". */
  why: string;
}

export interface ScopeInput {
  /** The project root: context folders are matched on paths below it. */
  root: string;
  files: readonly ScopeFile[];
  /** The file a specifier names from a file, if it is one of the project's. */
  resolve: (fromPath: string, specifier: string) => string | undefined;
  /** Every package of the workspace, the root one included. */
  packages?: readonly ScopePackage[];
  /** Folders read as context and never entry points; `CONTEXT_FOLDERS` when omitted. */
  contextFolders?: readonly string[];
  handlers?: readonly ConfiguredHandler[];
}

export const CONTEXT_FOLDERS: readonly string[] = [
  'scripts',
  'migrations',
  'seeds',
  'seeders',
  'examples',
  'example',
  'playground',
  'demo',
  'docs',
  'website',
  'fixtures',
  'test',
  'tests',
  '__tests__',
  'e2e',
  'cypress',
  'benchmarks',
];

export type EntryKind = EntryFactKind | 'serverless' | 'library';

export interface ScopeEntry {
  path: string;
  kind: EntryKind;
  why: string;
}

export type ContextKind = 'browser' | 'cli' | 'test' | 'tooling' | 'not-reached';

export type ScopeVerdict =
  /**
   * `entry` is absent in fallback mode. `via` is the file that imports this one on a shortest
   * import chain from the entry point (absent for the entry itself): `ScopeResult.chain` follows it.
   */
  { server: true; entry?: string; entryWhy: string; via?: string } | { server: false; kind: ContextKind; why: string };

export interface ScopeResult {
  mode: 'program' | 'fallback';
  entries: ScopeEntry[];
  verdicts: ReadonlyMap<string, ScopeVerdict>;
  /** Files read as server code, and the others by kind. */
  counts: { server: number; context: Record<ContextKind, number> };
  /** A shortest import chain from an entry point to a server file, entry point first. */
  chain(path: string): string[];
  /** Lines for `--explain-scope <file>`. */
  explain(path: string): string[];
}

/** Decides, for every file, whether it is server code, and why. Pure; bounded by the files given. */
export function computeScope(input: ScopeInput): ScopeResult {
  const graph = new ImportGraph(input);
  const places = new Places(input);
  const entries = findEntries(input, places);
  const verdicts = new Map<string, ScopeVerdict>();
  if (entries.length === 0) {
    for (const { path, facts } of input.files) {
      verdicts.set(
        path,
        facts.browser !== undefined
          ? { server: false, kind: 'browser', why: facts.browser }
          : { server: true, entryWhy: 'no entry point found: the path scope decides' },
      );
    }
  } else {
    reach(entries, graph, places, verdicts);
    classifyRest(input, places, graph, verdicts, entries.length);
  }
  const counts = { server: 0, context: { browser: 0, cli: 0, test: 0, tooling: 0, 'not-reached': 0 } };
  for (const v of verdicts.values()) {
    if (v.server) counts.server++;
    else counts.context[v.kind]++;
  }
  const mode = entries.length === 0 ? 'fallback' : 'program';
  const chain = (path: string) => chainOf(path, verdicts);
  return { mode, entries, verdicts, counts, chain, explain: (path) => explain(path, graph, places, verdicts) };
}

/** Where a file sits: its package, a context folder above it, whether it is a package's `bin`. */
class Places {
  private readonly packages: ScopePackage[];
  private readonly bins = new Map<string, ScopePackage>();
  private readonly contextFolders: ReadonlySet<string>;

  constructor(private readonly input: ScopeInput) {
    this.packages = [...(input.packages ?? [])].sort((a, b) => b.dir.length - a.dir.length);
    for (const pkg of this.packages) for (const bin of pkg.bin) this.bins.set(bin, pkg);
    this.contextFolders = new Set(input.contextFolders ?? CONTEXT_FOLDERS);
  }

  /** The innermost package holding a file. */
  packageOf(path: string): ScopePackage | undefined {
    return this.packages.find((p) => path.startsWith(`${p.dir}/`));
  }

  binOf(path: string): ScopePackage | undefined {
    return this.bins.get(path);
  }

  /**
   * The first context folder on the way from the root to the file, or only down to `base`
   * (a framework's route tree starts there: `app/api/scripts/` is a URL, not a scripts folder).
   */
  contextFolder(path: string, base?: string): string | undefined {
    const within = base !== undefined && path.startsWith(base) ? base : path;
    const folders = this.relative(within).split('/').slice(0, -1);
    return folders.find((f) => this.contextFolders.has(f));
  }

  relative(path: string): string {
    const root = this.input.root.replace(/\/+$/, '');
    return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
  }
}

/** The files each file loads (resolved once per folder and specifier). */
class ImportGraph {
  private readonly files: ReadonlyMap<string, ScopeFacts>;
  private readonly resolved = new Map<string, string | undefined>();
  private readonly edges = new Map<string, string[]>();

  constructor(private readonly input: ScopeInput) {
    this.files = new Map(input.files.map((f) => [f.path, f.facts]));
  }

  facts(path: string): ScopeFacts | undefined {
    return this.files.get(path);
  }

  /** What running the file loads; of a `page` entry, only what its server functions use. */
  serverTargets(path: string): string[] {
    const facts = this.files.get(path);
    return facts?.entry?.kind === 'page' ? this.targets(path, true) : this.targets(path, false);
  }

  /** Everything the file loads, as a bundler would follow it. */
  allTargets(path: string): string[] {
    return this.targets(path, false);
  }

  private targets(path: string, serverOnly: boolean): string[] {
    const key = `${serverOnly ? 's' : 'a'}:${path}`;
    let found = this.edges.get(key);
    if (found) return found;
    found = [];
    for (const fact of this.files.get(path)?.imports ?? []) {
      if (fact.typeOnly || (serverOnly && fact.server !== true)) continue;
      const target = this.resolve(path, fact.specifier);
      if (target !== undefined && target !== path && this.files.has(target)) found.push(target);
    }
    this.edges.set(key, found);
    return found;
  }

  private resolve(from: string, specifier: string): string | undefined {
    const key = `${from.slice(0, from.lastIndexOf('/'))}\0${specifier}`;
    if (!this.resolved.has(key)) this.resolved.set(key, this.input.resolve(from, specifier));
    return this.resolved.get(key);
  }
}

/** Why a file with entry facts (or a package entry) is not an entry point, if it is not. */
function rejection(facts: ScopeFacts, path: string, places: Places, library: boolean): string | undefined {
  if (facts.test !== undefined) return `it is a test (${facts.test})`;
  const bin = places.binOf(path);
  if (bin) return `it is the \`bin\` of ${bin.name}`;
  if (facts.cli !== undefined) return `it is a command-line tool (${facts.cli})`;
  const folder = places.contextFolder(path, facts.entry?.base);
  if (folder !== undefined) return `it is in ${folder}/, read as context`;
  const uncertainStart = facts.entry?.kind === 'server-start' && !facts.entry.certain;
  if (facts.browser !== undefined && (library || uncertainStart)) return `it is browser code (${facts.browser})`;
  return undefined;
}

function findEntries(input: ScopeInput, places: Places): ScopeEntry[] {
  const byPath = new Map(input.files.map((f) => [f.path, f.facts]));
  const entries = new Map<string, ScopeEntry>();
  for (const { path, facts } of input.files) {
    if (facts.entry && rejection(facts, path, places, false) === undefined)
      entries.set(path, { path, kind: facts.entry.kind, why: facts.entry.why });
  }
  for (const handler of input.handlers ?? []) {
    const facts = byPath.get(handler.path);
    if (!facts || entries.has(handler.path) || !facts.exports.includes(handler.name)) continue;
    if (rejection(facts, handler.path, places, false) !== undefined) continue;
    entries.set(handler.path, {
      path: handler.path,
      kind: 'serverless',
      why: `exports \`${handler.name}\`, ${handler.why}`,
    });
  }
  for (const [pkg, why] of serverLibraries(input.packages ?? [], [...entries.keys()], places)) {
    for (const path of pkg.entries) {
      const facts = byPath.get(path);
      if (!facts || entries.has(path) || rejection(facts, path, places, true) !== undefined) continue;
      entries.set(path, { path, kind: 'library', why: `the main module of ${pkg.name}, a server library (${why})` });
    }
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Packages that are server libraries, with why: they depend on a server framework, or on a
 * workspace package that holds an entry point or is a server library itself (to a fixed point).
 */
function serverLibraries(
  packages: readonly ScopePackage[],
  entryPaths: readonly string[],
  places: Places,
): Map<ScopePackage, string> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const holdsEntry = new Set(entryPaths.map((path) => places.packageOf(path)).filter((p) => p !== undefined));
  const libraries = new Map<ScopePackage, string>();
  for (const pkg of packages) {
    const framework = pkg.dependencies.find((d) => SERVER_FRAMEWORKS.includes(d));
    if (framework !== undefined) libraries.set(pkg, `depends on ${framework}`);
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const pkg of packages) {
      if (libraries.has(pkg)) continue;
      const server = pkg.dependencies
        .map((d) => byName.get(d))
        .find((d) => d !== undefined && d !== pkg && (holdsEntry.has(d) || libraries.has(d)));
      if (server) {
        libraries.set(
          pkg,
          `depends on ${server.name}, ${holdsEntry.has(server) ? 'which holds an entry point' : 'a server library'}`,
        );
        changed = true;
      }
    }
  }
  return libraries;
}

/**
 * Breadth-first from every entry point: each reached file keeps its entry and the file it was
 * reached from. A file that says itself what it is (a test, a CLI, browser code, a file in a
 * context folder) stays that, even when the server imports it (a barrel re-exporting a test
 * helper or a DOM controller): the walk does not go through it.
 */
function reach(
  entries: readonly ScopeEntry[],
  graph: ImportGraph,
  places: Places,
  verdicts: Map<string, ScopeVerdict>,
): void {
  const queue: string[] = [];
  for (const e of entries) {
    verdicts.set(e.path, { server: true, entry: e.path, entryWhy: e.why });
    queue.push(e.path);
  }
  for (let i = 0; i < queue.length; i++) {
    const via = queue[i]!;
    const reached = verdicts.get(via);
    if (!reached?.server) continue;
    const { entry, entryWhy } = reached;
    for (const target of graph.serverTargets(via)) {
      if (verdicts.has(target)) continue;
      const facts = graph.facts(target);
      if (facts && ownKind(facts, target, places)) continue;
      verdicts.set(target, { server: true, entry, entryWhy, via });
      queue.push(target);
    }
  }
}

/** Follows `via` back to the entry point (at most once per file: `via` links only go to files reached earlier). */
function chainOf(path: string, verdicts: ReadonlyMap<string, ScopeVerdict>): string[] {
  const chain: string[] = [];
  for (let at: string | undefined = path; at !== undefined && chain.length <= verdicts.size;) {
    const verdict = verdicts.get(at);
    if (!verdict?.server) break;
    chain.push(at);
    at = verdict.via;
  }
  return chain.reverse();
}

/**
 * Files no entry point reaches: their own facts say what they are, else the nearest such
 * file that reaches them (browser code, a CLI, a test, tooling), else they are not reached.
 */
function classifyRest(
  input: ScopeInput,
  places: Places,
  graph: ImportGraph,
  verdicts: Map<string, ScopeVerdict>,
  entryCount: number,
): void {
  const seeds: { path: string; kind: ContextKind; why: string }[] = [];
  for (const { path, facts } of input.files) {
    if (verdicts.has(path)) continue;
    const own = ownKind(facts, path, places);
    if (!own) continue;
    verdicts.set(path, own);
    seeds.push({ path, ...own });
  }
  // Tests reach the code they test, which is what it is without them: they pass their kind on last.
  spread(
    seeds.filter((s) => s.kind !== 'test'),
    places,
    graph,
    verdicts,
  );
  spread(
    seeds.filter((s) => s.kind === 'test'),
    places,
    graph,
    verdicts,
  );
  const notReached = `not reached from ${entryCount === 1 ? 'the entry point' : `any of the ${entryCount} entry points`}`;
  for (const { path } of input.files)
    if (!verdicts.has(path)) verdicts.set(path, { server: false, kind: 'not-reached', why: notReached });
}

/** Breadth-first from files that say what they are: a file reached without a verdict takes its source's. */
function spread(
  seeds: readonly { path: string; kind: ContextKind; why: string }[],
  places: Places,
  graph: ImportGraph,
  verdicts: Map<string, ScopeVerdict>,
): void {
  const queue: string[] = [];
  const passed = new Map<string, ScopeVerdict>();
  for (const { path, kind, why } of seeds) {
    passed.set(path, { server: false, kind, why: `reached from ${places.relative(path)}, which ${predicate(why)}` });
    queue.push(path);
  }
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    const verdict = passed.get(from)!;
    for (const target of graph.allTargets(from)) {
      if (verdicts.has(target)) continue;
      verdicts.set(target, verdict);
      passed.set(target, verdict);
      queue.push(target);
    }
  }
}

function ownKind(
  facts: ScopeFacts,
  path: string,
  places: Places,
): { server: false; kind: ContextKind; why: string } | undefined {
  if (facts.test !== undefined) return { server: false, kind: 'test', why: facts.test };
  const bin = places.binOf(path);
  if (bin) return { server: false, kind: 'cli', why: `is the \`bin\` of ${bin.name}` };
  if (facts.cli !== undefined) return { server: false, kind: 'cli', why: facts.cli };
  if (facts.browser !== undefined) return { server: false, kind: 'browser', why: facts.browser };
  const folder = places.contextFolder(path);
  if (folder !== undefined) return { server: false, kind: 'tooling', why: `is in ${folder}/` };
  return undefined;
}

/** "imports react" reads on after "which"; "`'use client'`" needs a verb. */
function predicate(why: string): string {
  return /^(imports|uses|is|calls|creates|renders) /.test(why) ? why : `has ${why}`;
}

function explain(
  path: string,
  graph: ImportGraph,
  places: Places,
  verdicts: ReadonlyMap<string, ScopeVerdict>,
): string[] {
  const name = places.relative(path);
  const verdict = verdicts.get(path);
  if (!verdict) return [`${name}: not a file statecheck read`];
  if (!verdict.server) {
    const lines = [`${name}: not server code (${verdict.kind}): ${verdict.why}`];
    const facts = graph.facts(path);
    const reason = facts?.entry && rejection(facts, path, places, false);
    if (facts?.entry && reason) lines.push(`  ${facts.entry.why}, but is not an entry point: ${reason}`);
    return lines;
  }
  if (verdict.entry === undefined) return [`${name}: server code (${verdict.entryWhy})`];
  if (verdict.entry === path) return [`${name}: server code, an entry point: ${verdict.entryWhy}`];
  return [
    `${name}: server code`,
    `  entry point: ${places.relative(verdict.entry)} (${verdict.entryWhy})`,
    `  import chain: ${chainOf(path, verdicts)
      .map((p) => places.relative(p))
      .join(' → ')}`,
  ];
}
