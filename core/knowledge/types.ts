import type { Category, Suggestion } from '../types.js';

/**
 * How an export creates its state:
 * - `call` / `new` / `call-or-new`: calling or constructing the export creates it;
 * - `register`: the export is a plugin passed to `app.register(plugin, options)`;
 * - `decorator`: the export is a decorator (`@Cron()`);
 * - `module`: the module itself is the store (`require('memory-cache').put(…)`);
 * - `method`: a method of an instance injected by its type
 *   (`constructor(private registry: SchedulerRegistry)`, then `this.registry.addInterval(…)`).
 */
export type CreationForm = 'call' | 'new' | 'call-or-new' | 'register' | 'decorator' | 'module' | 'method';

/**
 * A row whose creations are not reported as they are, but by the detector that owns the
 * pattern, where the pattern holds:
 * - `memoize`: a memoizer, a finding when wrapped around I/O at module scope (process-cache);
 * - `fs-write`: a file-system write, a finding on a request path (file-write);
 * - `emitter`: an event emitter, a finding when used to fan out per request (socket-registry);
 * - `ws-server`: a WebSocket server, a finding when its local `clients` are broadcast to (socket-registry).
 */
export type Pattern = 'memoize' | 'fs-write' | 'emitter' | 'ws-server';

/** Safe when one of `keys` holds a store that is not itself process-local: `session({ store })`. */
export interface StoreKeyCheck {
  kind: 'store-key';
  /** The argument holding the options. */
  arg: number;
  keys: readonly string[];
  /** String values that keep it process-local even under a store key (`store: 'memory'`). */
  localValues?: readonly string[];
  /** A non-object argument (a connection string, a store instance) is the store itself. */
  storeIfNotObject?: boolean;
  /** An array argument is a list of settings without a store (`ThrottlerModule.forRoot([{ ttl, limit }])`). */
  arrayHasNoStore?: boolean;
}

/** A finding only when one of `keys` is set, to one of `values` when given: `multer({ dest })`. */
export interface UnsafeKeyCheck {
  kind: 'unsafe-key';
  arg: number;
  keys: readonly string[];
  values?: readonly string[];
}

/** The argument names a file (a string, or an object with `key`): a finding unless it is one of `memoryNames`. */
export interface FileNameCheck {
  kind: 'file-name';
  arg: number;
  key: string;
  memoryNames: readonly string[];
  /** What no argument (or no `key`) means: the library's default is in memory, or a file. */
  missing: 'memory' | 'file';
}

/** Safe with an adapter under `key` in any object argument, or a later `<instance>.<method>(…)`: socket.io. */
export interface AdapterCheck {
  kind: 'adapter';
  key: string;
  method: string;
}

/** The argument is the store itself: a finding when absent, `undefined`, `null` or process-local (`new CookieJar()`). */
export interface StoreArgCheck {
  kind: 'store-arg';
  arg: number;
}

/**
 * A database client whose options select an embedded driver that keeps the database in a file:
 * `new Sequelize({ dialect: 'sqlite', storage: 'app.db' })`. Clients of database servers are safe.
 */
export interface EmbeddedDbCheck {
  kind: 'embedded-db';
  /** The driver: one of `values` under one of `keys`, or a value imported from one of `modules`. Absent: the package is the driver. */
  driver?: { keys: readonly string[]; values: readonly string[]; modules?: readonly string[] };
  /** The path to the file name in the options (`['connection', 'filename']`). */
  file: readonly string[];
  memoryNames: readonly string[];
  /** What an embedded driver without a file name means. */
  missing: 'memory' | 'file';
  /** A connection string with one of these prefixes selects the embedded driver (`sqlite:app.db`). */
  urlPrefixes?: readonly string[];
}

/** `forRootAsync({ useFactory: () => options })`: the options the factory returns, judged by `returns`. */
export interface FactoryCheck {
  kind: 'factory';
  arg: number;
  key: string;
  returns: Omit<StoreKeyCheck, 'arg'>;
}

/**
 * A default in-memory cache that is a finding only when something stores data in it:
 * `new ApolloServer({ plugins: [responseCachePlugin()] })` without `cache`.
 */
export interface DefaultCacheCheck {
  kind: 'default-cache';
  arg: number;
  key: string;
  /** Values of `key` that still select the default cache (`cache: 'bounded'`). */
  defaultValues: readonly string[];
  /** The list under `usedBy.key` holds a call of one of `usedBy.modules`: the default cache stores responses. */
  usedBy: { key: string; modules: readonly string[] };
}

/** A scheduler runs a job only when given a function: `Cron(pattern, fn)`, not `Cron(pattern).nextRun()`. */
export interface JobFunctionCheck {
  kind: 'job-function';
}

/** A job handed to a registry: not a finding when the job is itself a catalogued scheduler, reported there. */
export interface RegisteredJobCheck {
  kind: 'registered-job';
  arg: number;
}

/** When the options of a creating call make it safe, one judge per kind (library.ts). No check: always a finding. */
export type OptionCheck =
  | StoreKeyCheck
  | UnsafeKeyCheck
  | FileNameCheck
  | AdapterCheck
  | StoreArgCheck
  | EmbeddedDbCheck
  | FactoryCheck
  | DefaultCacheCheck
  | JobFunctionCheck
  | RegisteredJobCheck;

/**
 * Where a creation counts: `shared` (module scope, start-up, singletons, unknown callers: one
 * store for the process; one created per request is transient), `anywhere` (a job or a file
 * written counts wherever it runs), `request` (only at request time: a job added to one replica).
 */
export type CreationContext = 'shared' | 'anywhere' | 'request';

interface BaseEntry {
  /** Label used in messages, fingerprints and `allow` lists. */
  label: string;
  category: Category;
  /** Package names (`node:` prefixes are stripped before matching). */
  modules: readonly string[];
  /** Export paths: `` (the module itself), `MemoryStore`, `promises.writeFile`, `verbose().Database`, `()`. */
  exports: readonly string[];
  options?: OptionCheck;
  /** A process-local store: passing it as `store:` does not fix the state. */
  localStore?: boolean;
  /** Where a creation counts; by default `anywhere` for schedulers and file writes, else `shared`. */
  context?: CreationContext;
  /** What was found, completing "`new X(…)` (<label>) …": "has no `store`, so sessions live in a MemoryStore". */
  what: string;
  /** What breaks, where the category's words do not fit the row. */
  breaks?: string;
  suggestion: Suggestion;
  /** The fix as code, for an editor suggestion (never an autofix): a shared store or adapter. */
  fix?: StoreFix;
}

/**
 * A fix the ESLint rules offer as a suggestion: the code that puts the state in a shared store.
 * - `option`: add `key: value` to the options object of the call (`session({ store: … })`);
 * - `method`: call `<instance>.<method>(value)` after the statement that creates the instance
 *   (`io.adapter(createAdapter(…))`);
 * - `replace`: replace the call with `value` (`multer.diskStorage(…)` → `multerS3(…)`).
 */
export interface StoreFix {
  kind: 'option' | 'method' | 'replace';
  /** `option`: the key; `method`: the method name. */
  name?: string;
  value: string;
  /** Imports to add: a named export, or the default one (`named` absent). */
  imports: readonly { module: string; named?: string; local: string }[];
  /** What the suggestion does, completing "…: install <packages>". */
  summary: string;
  /** The packages to install, named in the suggestion's text. */
  install: readonly string[];
}

/** A row reported as a creation of its category (library-findings.ts). */
export interface CreationEntry extends BaseEntry {
  form: 'call' | 'new' | 'call-or-new' | 'register' | 'decorator';
  pattern?: undefined;
}

/** `memoize(fn)`: process-cache reports it when `fn` does I/O. */
export interface MemoizeEntry extends BaseEntry {
  form: 'call';
  pattern: 'memoize';
}

/** `fs.writeFile(path, …)`: file-write reports it on a request path. */
export interface FsWriteEntry extends BaseEntry {
  form: 'call';
  pattern: 'fs-write';
  /** The argument that is the destination path. */
  pathArg: number;
}

/** `new EventEmitter()`, `new WebSocketServer()`: socket-registry reports them when they fan out. */
export interface FanOutEntry extends BaseEntry {
  form: 'new';
  pattern: 'emitter' | 'ws-server';
}

/** `require('memory-cache')`: the module is the store, written through `writeMethods`. */
export interface ModuleEntry extends BaseEntry {
  form: 'module';
  pattern?: undefined;
  writeMethods: readonly string[];
}

/** `this.registry.addInterval(…)` on an instance of the export: `methods` create the state. */
export interface MethodEntry extends BaseEntry {
  form: 'method';
  pattern?: undefined;
  methods: readonly string[];
}

/** One row of library knowledge. */
export type CatalogueEntry = CreationEntry | MemoizeEntry | FsWriteEntry | FanOutEntry | ModuleEntry | MethodEntry;
