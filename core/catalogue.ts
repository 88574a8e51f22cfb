import type { Category, Suggestion } from './types.js';

/**
 * How a library creates process-bound state:
 * - `call` / `new` / `call-or-new`: calling or constructing the export creates it;
 * - `register`: the export is a plugin passed to `app.register(plugin, options)`;
 * - `decorator`: the export is a decorator (`@Cron()`);
 * - `module`: the module itself is the store (`require('memory-cache').put(…)`);
 * - `memoize`: a memoizer, a finding when wrapped around I/O at module scope;
 * - `fs-write`: a file-system write, a finding on a request path;
 * - `emitter`: an event emitter, a finding when used to fan out per request;
 * - `ws-server`: a WebSocket server, a finding when its local `clients` are broadcast to.
 */
export type CreateVia =
  | 'call'
  | 'new'
  | 'call-or-new'
  | 'register'
  | 'decorator'
  | 'module'
  | 'memoize'
  | 'fs-write'
  | 'emitter'
  | 'ws-server';

/** When the options of a creating call make it safe. No `options` means always a finding. */
export interface OptionCheck {
  /** The argument holding the options; `any` looks at every object-literal argument. */
  arg: number | 'any';
  /** Any of these keys set to a value that is not itself process-local makes it safe. */
  safeKeys?: readonly string[];
  /** Any of these keys makes it a finding; without them it is safe. */
  unsafeKeys?: readonly string[];
  /** String values that keep it process-local even under a safe key (`store: 'memory'`). */
  unsafeValues?: readonly string[];
  /** A non-object argument (a connection string, a store instance) makes it safe. */
  safeIfNotObject?: boolean;
  /** The argument names a file (string, or object with this key); these names stay in memory. */
  file?: { key: string; memoryNames: readonly string[] };
  /** A later `<instance>.<method>(…)` call fixes it (`io.adapter(createAdapter(…))`). */
  fixedByMethod?: string;
}

export interface CatalogueEntry {
  /** Label used in messages and fingerprints. */
  label: string;
  category: Category;
  /** Package names (`node:` prefixes are stripped before matching). */
  modules: readonly string[];
  /** Export paths: `` (the module itself), `MemoryStore`, `promises.writeFile`, `verbose().Database`, `()`. */
  exports: readonly string[];
  via: CreateVia;
  options?: OptionCheck;
  /** A process-local store: passing it as `store:` does not fix the state. */
  localStore?: boolean;
  /** Only a finding when created outside request handlers (module scope, constructors, start-up). */
  outsideRequestOnly?: boolean;
  /** For `fs-write`: which argument is the destination path. */
  pathArg?: number;
  /** For `module`: the methods that write to the module's store. */
  writeMethods?: readonly string[];
  /** What was found, completing "… from <label>": e.g. "has no `store`, so sessions live in a MemoryStore". */
  what: string;
  suggestion: Suggestion;
}

const SESSION_FIX: Suggestion = {
  summary:
    'pass a shared store: `session({ store: new RedisStore({ client: redis }), … })`, or keep the session in a signed cookie',
  packages: ['connect-redis', 'ioredis'],
};
const RATE_FIX: Suggestion = {
  summary: 'give the limiter a Redis store: `rateLimit({ store: new RedisStore({ sendCommand }) })`',
  packages: ['rate-limit-redis', 'ioredis'],
};
const CACHE_FIX: Suggestion = {
  summary:
    'cache in Redis through keyv or cache-manager with a Redis store; keep a local cache only for immutable data',
  packages: ['keyv', '@keyv/redis', 'cache-manager'],
};
const UPLOAD_FIX: Suggestion = {
  summary: 'stream uploads to object storage (multer-s3, or presigned S3 uploads straight from the client)',
  packages: ['multer-s3', '@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'],
};
const FILE_DB_FIX: Suggestion = {
  summary: 'use a database server (Postgres, MySQL, MongoDB) or a hosted SQLite service reachable from every instance',
  packages: ['pg', 'mongodb'],
};
const SCHEDULER_FIX: Suggestion = {
  summary:
    'run the job from a queue (BullMQ repeatable jobs, pg-boss schedules) or a platform cron job that calls an endpoint once',
  packages: ['bullmq', 'pg-boss'],
};
const LOCK_FIX: Suggestion = {
  summary: 'take a distributed lock: Redlock over Redis, or a Postgres advisory lock (`pg_advisory_xact_lock`)',
  packages: ['redlock', 'ioredis'],
};

/**
 * Library knowledge: which package, which export, which options make it safe, and what to do
 * instead. Adding a library means adding a row here.
 */
export const CATALOGUE: readonly CatalogueEntry[] = [
  // ── memory-session ────────────────────────────────────────────────────────────────────────
  {
    label: 'express-session',
    category: 'memory-session',
    modules: ['express-session'],
    exports: [''],
    via: 'call',
    options: { arg: 0, safeKeys: ['store'] },
    what: 'has no shared `store`, so sessions live in its in-process MemoryStore',
    suggestion: SESSION_FIX,
  },
  {
    label: 'express-session MemoryStore',
    category: 'memory-session',
    modules: ['express-session'],
    exports: ['MemoryStore'],
    via: 'new',
    localStore: true,
    what: 'keeps sessions in process memory',
    suggestion: SESSION_FIX,
  },
  {
    label: 'memorystore',
    category: 'memory-session',
    modules: ['memorystore'],
    exports: ['()'],
    via: 'new',
    localStore: true,
    what: 'keeps sessions in process memory (an LRU per instance)',
    suggestion: SESSION_FIX,
  },
  {
    label: '@fastify/session',
    category: 'memory-session',
    modules: ['@fastify/session', 'fastify-session'],
    exports: [''],
    via: 'register',
    options: { arg: 1, safeKeys: ['store'] },
    what: 'is registered without a `store`, so sessions live in process memory',
    suggestion: {
      summary: 'register it with a Redis store: `{ store: new RedisStore({ client }) }`',
      packages: ['connect-redis', 'ioredis'],
    },
  },
  {
    label: 'next-session',
    category: 'memory-session',
    modules: ['next-session'],
    exports: ['', 'nextSession'],
    via: 'call',
    options: { arg: 0, safeKeys: ['store'] },
    what: 'has no `store`, so sessions live in process memory',
    suggestion: SESSION_FIX,
  },
  // ── memory-rate-limit ─────────────────────────────────────────────────────────────────────
  {
    label: 'express-rate-limit',
    category: 'memory-rate-limit',
    modules: ['express-rate-limit'],
    exports: ['', 'rateLimit'],
    via: 'call',
    options: { arg: 0, safeKeys: ['store'] },
    what: 'has no shared `store`, so it counts hits in process memory',
    suggestion: RATE_FIX,
  },
  {
    label: 'express-rate-limit MemoryStore',
    category: 'memory-rate-limit',
    modules: ['express-rate-limit'],
    exports: ['MemoryStore'],
    via: 'new',
    localStore: true,
    what: 'counts hits in process memory',
    suggestion: RATE_FIX,
  },
  {
    label: '@express-rate-limit/cluster-memory-store',
    category: 'memory-rate-limit',
    modules: ['@express-rate-limit/cluster-memory-store'],
    exports: ['ClusterMemoryStoreWorker', 'ClusterMemoryStorePrimary'],
    via: 'new',
    localStore: true,
    what: 'shares counters between the cluster workers of one machine only',
    suggestion: RATE_FIX,
  },
  {
    label: 'express-slow-down',
    category: 'memory-rate-limit',
    modules: ['express-slow-down'],
    exports: ['', 'slowDown'],
    via: 'call',
    options: { arg: 0, safeKeys: ['store'] },
    what: 'has no shared `store`, so it counts hits in process memory',
    suggestion: {
      summary: 'give it a Redis store: `slowDown({ store: new RedisStore({ sendCommand }) })`',
      packages: ['rate-limit-redis'],
    },
  },
  {
    label: 'rate-limiter-flexible RateLimiterMemory',
    category: 'memory-rate-limit',
    modules: ['rate-limiter-flexible'],
    exports: ['RateLimiterMemory', 'RateLimiterCluster'],
    via: 'new',
    localStore: true,
    what: 'counts points in the memory of one process (or one machine)',
    suggestion: {
      summary: 'use `RateLimiterRedis` (or `RateLimiterPostgres`) with the same options',
      packages: ['rate-limiter-flexible', 'ioredis'],
    },
  },
  {
    label: '@fastify/rate-limit',
    category: 'memory-rate-limit',
    modules: ['@fastify/rate-limit', 'fastify-rate-limit'],
    exports: [''],
    via: 'register',
    options: { arg: 1, safeKeys: ['redis', 'store'] },
    what: 'is registered without `redis`, so it counts hits in process memory',
    suggestion: { summary: 'pass a Redis client: `{ redis: new Redis(…) }`', packages: ['ioredis'] },
  },
  {
    label: 'hono-rate-limiter',
    category: 'memory-rate-limit',
    modules: ['hono-rate-limiter'],
    exports: ['rateLimiter'],
    via: 'call',
    options: { arg: 0, safeKeys: ['store'] },
    what: 'has no `store`, so it counts hits in process memory',
    suggestion: {
      summary: 'give it a Redis store (`@hono-rate-limiter/redis`)',
      packages: ['@hono-rate-limiter/redis'],
    },
  },
  {
    label: 'koa-ratelimit',
    category: 'memory-rate-limit',
    modules: ['koa-ratelimit'],
    exports: [''],
    via: 'call',
    options: { arg: 0, unsafeKeys: ['driver'], unsafeValues: ['memory'] },
    what: "uses the `'memory'` driver",
    suggestion: { summary: "use `driver: 'redis'` with a shared Redis client", packages: ['ioredis'] },
  },
  {
    label: '@nestjs/throttler',
    category: 'memory-rate-limit',
    modules: ['@nestjs/throttler'],
    exports: ['ThrottlerModule.forRoot'],
    via: 'call',
    options: { arg: 0, safeKeys: ['storage'] },
    what: 'has no `storage`, so it counts requests in process memory',
    suggestion: {
      summary:
        'pass a Redis storage: `ThrottlerModule.forRoot({ throttlers, storage: new ThrottlerStorageRedisService(redis) })`',
      packages: ['@nest-lab/throttler-storage-redis'],
    },
  },
  // ── process-cache ─────────────────────────────────────────────────────────────────────────
  {
    label: 'lru-cache',
    category: 'process-cache',
    modules: ['lru-cache'],
    exports: ['', 'LRUCache'],
    via: 'call-or-new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'node-cache',
    category: 'process-cache',
    modules: ['node-cache'],
    exports: [''],
    via: 'new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'memory-cache',
    category: 'process-cache',
    modules: ['memory-cache'],
    exports: [''],
    via: 'module',
    writeMethods: ['put'],
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'memory-cache Cache',
    category: 'process-cache',
    modules: ['memory-cache'],
    exports: ['Cache'],
    via: 'new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'quick-lru',
    category: 'process-cache',
    modules: ['quick-lru'],
    exports: [''],
    via: 'new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'tiny-lru',
    category: 'process-cache',
    modules: ['tiny-lru'],
    exports: ['lru', 'LRU'],
    via: 'call-or-new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: '@isaacs/ttlcache',
    category: 'process-cache',
    modules: ['@isaacs/ttlcache'],
    exports: ['', 'TTLCache'],
    via: 'new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'cacheable CacheableMemory',
    category: 'process-cache',
    modules: ['cacheable'],
    exports: ['CacheableMemory'],
    via: 'new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'keyv',
    category: 'process-cache',
    modules: ['keyv'],
    exports: ['', 'Keyv'],
    via: 'new',
    options: { arg: 0, safeKeys: ['store', 'uri'], safeIfNotObject: true },
    localStore: true,
    what: 'has no store, so it keeps entries in a Map in process memory',
    suggestion: {
      summary: 'give keyv a Redis store: `new Keyv({ store: new KeyvRedis(url) })`',
      packages: ['@keyv/redis', 'keyv'],
    },
  },
  {
    label: 'cache-manager',
    category: 'process-cache',
    modules: ['cache-manager'],
    exports: ['caching', 'createCache'],
    via: 'call',
    options: { arg: 0, safeKeys: ['store', 'stores'], unsafeValues: ['memory'], safeIfNotObject: true },
    localStore: true,
    what: 'uses its memory store, so entries live in process memory',
    suggestion: {
      summary:
        'create the cache over a Redis store: v6 `createCache({ stores: [new Keyv({ store: new KeyvRedis(url) })] })`',
      packages: ['cache-manager', 'keyv', '@keyv/redis'],
    },
  },
  {
    label: 'cache-manager memoryStore',
    category: 'process-cache',
    modules: ['cache-manager'],
    exports: ['memoryStore'],
    via: 'call',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: '@nestjs/cache-manager',
    category: 'process-cache',
    modules: ['@nestjs/cache-manager', '@nestjs/common'],
    exports: ['CacheModule.register'],
    via: 'call',
    options: { arg: 0, safeKeys: ['store', 'stores'], unsafeValues: ['memory'] },
    what: 'has no store, so the cache lives in process memory',
    suggestion: {
      summary:
        'register it with a Redis store: `CacheModule.register({ stores: [new Keyv({ store: new KeyvRedis(url) })] })`',
      packages: ['@keyv/redis', 'keyv'],
    },
  },
  {
    label: 'Apollo InMemoryLRUCache',
    category: 'process-cache',
    modules: ['@apollo/utils.keyvaluecache', 'apollo-server-caching'],
    exports: ['InMemoryLRUCache'],
    via: 'new',
    localStore: true,
    what: 'is a cache in process memory',
    suggestion: {
      summary: 'use a Redis-backed cache: `new KeyvAdapter(new Keyv(redisUrl))`',
      packages: ['@apollo/utils.keyvadapter', 'keyv', '@keyv/redis'],
    },
  },
  {
    label: 'memoizee',
    category: 'process-cache',
    modules: ['memoizee'],
    exports: [''],
    via: 'memoize',
    what: 'memoizes I/O in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'mem',
    category: 'process-cache',
    modules: ['mem', 'memoize'],
    exports: ['', 'memoize'],
    via: 'memoize',
    what: 'memoizes I/O in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'p-memoize',
    category: 'process-cache',
    modules: ['p-memoize'],
    exports: ['', 'pMemoize'],
    via: 'memoize',
    what: 'memoizes promises in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'lodash memoize',
    category: 'process-cache',
    modules: ['lodash', 'lodash-es', 'underscore'],
    exports: ['memoize'],
    via: 'memoize',
    what: 'memoizes I/O in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'lodash memoize',
    category: 'process-cache',
    modules: ['lodash/memoize', 'lodash.memoize', 'lodash-es/memoize'],
    exports: [''],
    via: 'memoize',
    what: 'memoizes I/O in process memory',
    suggestion: CACHE_FIX,
  },
  {
    label: 'fast-memoize',
    category: 'process-cache',
    modules: ['fast-memoize'],
    exports: [''],
    via: 'memoize',
    what: 'memoizes I/O in process memory',
    suggestion: CACHE_FIX,
  },
  // ── file-write ────────────────────────────────────────────────────────────────────────────
  {
    label: 'fs',
    category: 'file-write',
    modules: ['fs', 'graceful-fs', 'fs-extra'],
    via: 'fs-write',
    pathArg: 0,
    exports: [
      'writeFile',
      'writeFileSync',
      'appendFile',
      'appendFileSync',
      'createWriteStream',
      'promises.writeFile',
      'promises.appendFile',
      'outputFile',
      'outputFileSync',
      'outputJson',
      'outputJsonSync',
      'outputJSON',
      'outputJSONSync',
      'writeJson',
      'writeJsonSync',
      'writeJSON',
      'writeJSONSync',
    ],
    what: 'writes to the local disk on a request path',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'fs',
    category: 'file-write',
    modules: ['fs', 'graceful-fs', 'fs-extra'],
    via: 'fs-write',
    pathArg: 1,
    exports: [
      'rename',
      'renameSync',
      'copyFile',
      'copyFileSync',
      'cp',
      'cpSync',
      'promises.rename',
      'promises.copyFile',
      'promises.cp',
      'move',
      'moveSync',
      'copy',
      'copySync',
    ],
    what: 'moves or copies a file on the local disk on a request path',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'fs/promises',
    category: 'file-write',
    modules: ['fs/promises'],
    via: 'fs-write',
    pathArg: 0,
    exports: ['writeFile', 'appendFile'],
    what: 'writes to the local disk on a request path',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'fs/promises',
    category: 'file-write',
    modules: ['fs/promises'],
    via: 'fs-write',
    pathArg: 1,
    exports: ['rename', 'copyFile', 'cp'],
    what: 'moves or copies a file on the local disk on a request path',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'write-file-atomic',
    category: 'file-write',
    modules: ['write-file-atomic'],
    via: 'fs-write',
    pathArg: 0,
    exports: ['', 'sync'],
    what: 'writes to the local disk on a request path',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'jsonfile',
    category: 'file-write',
    modules: ['jsonfile'],
    via: 'fs-write',
    pathArg: 0,
    exports: ['writeFile', 'writeFileSync'],
    what: 'writes to the local disk on a request path',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'multer',
    category: 'file-write',
    modules: ['multer'],
    exports: [''],
    via: 'call',
    options: { arg: 0, unsafeKeys: ['dest'] },
    what: 'stores uploads in a local `dest` folder',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'multer diskStorage',
    category: 'file-write',
    modules: ['multer'],
    exports: ['diskStorage'],
    via: 'call',
    what: 'stores uploads on the local disk',
    suggestion: UPLOAD_FIX,
  },
  {
    label: 'formidable',
    category: 'file-write',
    modules: ['formidable'],
    exports: ['', 'formidable', 'IncomingForm', 'Formidable'],
    via: 'call-or-new',
    options: { arg: 0, unsafeKeys: ['uploadDir'] },
    what: 'saves uploads into a local `uploadDir`',
    suggestion: {
      summary: 'stream parts to object storage with `fileWriteStreamHandler`, or use presigned S3 uploads',
      packages: ['@aws-sdk/lib-storage', '@aws-sdk/client-s3'],
    },
  },
  {
    label: 'lowdb',
    category: 'file-write',
    modules: ['lowdb/node', 'lowdb'],
    exports: ['JSONFile', 'JSONFileSync', 'JSONFilePreset', 'JSONFileSyncPreset', 'TextFile', 'TextFileSync'],
    via: 'call-or-new',
    what: 'keeps the database in a local JSON file',
    suggestion: FILE_DB_FIX,
  },
  {
    label: 'lowdb',
    category: 'file-write',
    modules: ['lowdb/adapters/FileSync', 'lowdb/adapters/FileAsync'],
    exports: [''],
    via: 'new',
    what: 'keeps the database in a local JSON file',
    suggestion: FILE_DB_FIX,
  },
  {
    label: 'nedb',
    category: 'file-write',
    modules: ['nedb', '@seald-io/nedb', 'nedb-promises'],
    exports: ['', 'Datastore', 'create', 'Datastore.create'],
    via: 'call-or-new',
    options: { arg: 0, file: { key: 'filename', memoryNames: [] } },
    what: 'keeps the database in a local file',
    suggestion: FILE_DB_FIX,
  },
  {
    label: 'better-sqlite3',
    category: 'file-write',
    modules: ['better-sqlite3'],
    exports: [''],
    via: 'call-or-new',
    options: { arg: 0, file: { key: 'filename', memoryNames: [':memory:', ''] } },
    what: 'keeps the database in a local file',
    suggestion: FILE_DB_FIX,
  },
  {
    label: 'sqlite3',
    category: 'file-write',
    modules: ['sqlite3'],
    exports: ['Database', 'verbose().Database', 'cached.Database'],
    via: 'new',
    options: { arg: 0, file: { key: 'filename', memoryNames: [':memory:', ''] } },
    what: 'keeps the database in a local file',
    suggestion: FILE_DB_FIX,
  },
  {
    label: 'sqlite',
    category: 'file-write',
    modules: ['sqlite'],
    exports: ['open'],
    via: 'call',
    options: { arg: 0, file: { key: 'filename', memoryNames: [':memory:', ''] } },
    what: 'keeps the database in a local file',
    suggestion: FILE_DB_FIX,
  },
  // ── socket-registry ───────────────────────────────────────────────────────────────────────
  {
    label: 'socket.io',
    category: 'socket-registry',
    modules: ['socket.io'],
    exports: ['', 'Server'],
    via: 'call-or-new',
    options: { arg: 'any', safeKeys: ['adapter'], fixedByMethod: 'adapter' },
    what: 'has no adapter',
    suggestion: {
      summary: 'attach a shared adapter: `io.adapter(createAdapter(pubClient, subClient))`',
      packages: ['@socket.io/redis-adapter', 'ioredis'],
    },
  },
  {
    label: '@socket.io/cluster-adapter',
    category: 'socket-registry',
    modules: ['@socket.io/cluster-adapter'],
    exports: ['createAdapter'],
    via: 'call',
    localStore: true,
    what: 'only links the workers of one machine',
    suggestion: {
      summary: 'use the Redis (or Postgres) adapter to reach every instance',
      packages: ['@socket.io/redis-adapter'],
    },
  },
  {
    label: 'ws',
    category: 'socket-registry',
    modules: ['ws'],
    exports: ['WebSocketServer', 'Server', 'WebSocket.Server'],
    via: 'ws-server',
    what: 'broadcasts to its local `clients` list',
    suggestion: {
      summary: 'publish messages through Redis pub/sub and let every instance send to its own clients',
      packages: ['ioredis'],
    },
  },
  {
    label: 'EventEmitter',
    category: 'socket-registry',
    modules: ['events'],
    exports: ['', 'EventEmitter'],
    via: 'emitter',
    what: 'fans out events inside this process only',
    suggestion: {
      summary: 'publish through Redis pub/sub (or Postgres LISTEN/NOTIFY) so every instance receives the event',
      packages: ['ioredis'],
    },
  },
  // ── in-process-scheduler ──────────────────────────────────────────────────────────────────
  {
    label: 'node-cron',
    category: 'in-process-scheduler',
    modules: ['node-cron'],
    exports: ['schedule', 'createTask'],
    via: 'call',
    what: 'runs the job inside the web process',
    suggestion: SCHEDULER_FIX,
  },
  {
    label: 'cron',
    category: 'in-process-scheduler',
    modules: ['cron'],
    exports: ['CronJob', 'CronJob.from', 'job'],
    via: 'call-or-new',
    what: 'runs the job inside the web process',
    suggestion: SCHEDULER_FIX,
  },
  {
    label: 'node-schedule',
    category: 'in-process-scheduler',
    modules: ['node-schedule'],
    exports: ['scheduleJob'],
    via: 'call',
    what: 'runs the job inside the web process',
    suggestion: SCHEDULER_FIX,
  },
  {
    label: 'toad-scheduler',
    category: 'in-process-scheduler',
    modules: ['toad-scheduler'],
    exports: ['SimpleIntervalJob', 'LongIntervalJob', 'CronJob'],
    via: 'new',
    what: 'runs the job inside the web process',
    suggestion: SCHEDULER_FIX,
  },
  {
    label: 'cronosjs',
    category: 'in-process-scheduler',
    modules: ['cronosjs'],
    exports: ['scheduleTask', 'CronosTask'],
    via: 'call-or-new',
    what: 'runs the job inside the web process',
    suggestion: SCHEDULER_FIX,
  },
  {
    label: 'bree',
    category: 'in-process-scheduler',
    modules: ['bree'],
    exports: [''],
    via: 'new',
    what: 'runs the jobs from the web process',
    suggestion: SCHEDULER_FIX,
  },
  {
    label: '@nestjs/schedule',
    category: 'in-process-scheduler',
    modules: ['@nestjs/schedule'],
    exports: ['Cron', 'Interval'],
    via: 'decorator',
    what: 'runs the method on a timer in every replica',
    suggestion: SCHEDULER_FIX,
  },
  // ── process-lock ──────────────────────────────────────────────────────────────────────────
  {
    label: 'async-mutex',
    category: 'process-lock',
    modules: ['async-mutex'],
    exports: ['Mutex', 'Semaphore'],
    via: 'new',
    outsideRequestOnly: true,
    what: 'is a lock held in process memory',
    suggestion: LOCK_FIX,
  },
  {
    label: 'async-lock',
    category: 'process-lock',
    modules: ['async-lock'],
    exports: [''],
    via: 'new',
    outsideRequestOnly: true,
    what: 'is a lock held in process memory',
    suggestion: LOCK_FIX,
  },
  {
    label: 'await-lock',
    category: 'process-lock',
    modules: ['await-lock'],
    exports: [''],
    via: 'new',
    outsideRequestOnly: true,
    what: 'is a lock held in process memory',
    suggestion: LOCK_FIX,
  },
];

/** Packages whose objects are connections to shared services: holding them is not state. */
export const CLIENT_MODULES: ReadonlySet<string> = new Set([
  'ioredis',
  'redis',
  '@redis/client',
  'pg',
  'pg-pool',
  'postgres',
  'mysql',
  'mysql2',
  'mysql2/promise',
  'mongodb',
  'mongoose',
  '@prisma/client',
  'knex',
  'sequelize',
  'typeorm',
  'drizzle-orm',
  '@upstash/redis',
  '@aws-sdk/client-s3',
  'kafkajs',
  'amqplib',
  'bullmq',
  'bull',
  'pg-boss',
  'redlock',
  '@elastic/elasticsearch',
  'cassandra-driver',
  'nats',
  'stripe',
  'axios',
  'got',
  'undici',
]);

/** Index of entries by `module#path`. */
export function catalogueIndex(): Map<string, CatalogueEntry[]> {
  const index = new Map<string, CatalogueEntry[]>();
  for (const entry of CATALOGUE) {
    for (const module of entry.modules) {
      for (const path of entry.exports) {
        const key = `${module}#${path}`;
        const list = index.get(key) ?? [];
        list.push(entry);
        index.set(key, list);
      }
    }
  }
  return index;
}
