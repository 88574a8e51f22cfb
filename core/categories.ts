import { type AnalyzeOptions, CATEGORIES, type Category, type Suggestion } from './types.js';

/** Everything a host needs to know about a category: its rule, its words, its default advice. */
export interface CategoryInfo {
  id: Category;
  /** ESLint rule name without the plugin prefix. */
  rule: string;
  /** One-line description for rule metadata ("Disallow …"). */
  description: string;
  /** What breaks when the state stays in the process. */
  breaks: string;
  /** What is lost when the instance dies (used by inventories). */
  lost: string;
  /** Where the state should live instead, when no library-specific advice applies. */
  suggestion: Suggestion;
  /** Whether the problem only appears with several instances (false: it also leaks between requests). */
  scalingOnly: boolean;
}

export const CATEGORY_INFO: Record<Category, CategoryInfo> = {
  'module-state': {
    id: 'module-state',
    rule: 'no-module-state',
    description: 'Disallow module-level mutable state written at request time',
    breaks: 'each instance keeps its own copy, it is lost on restart and it is shared by every user of this instance',
    lost: 'everything written since the instance started',
    suggestion: {
      summary: 'keep it in Redis (hashes, counters, keys with a TTL) or in the database',
      packages: ['ioredis', 'redis'],
    },
    scalingOnly: false,
  },
  'file-write': {
    id: 'file-write',
    rule: 'no-local-file-write',
    description: "Disallow writes to the instance's local disk on a request path",
    breaks: 'the file exists on one instance only and disappears when the instance is replaced',
    lost: 'the written files',
    suggestion: {
      summary: 'write to object storage (S3-compatible, presigned uploads) or the database',
      packages: ['@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'],
    },
    scalingOnly: true,
  },
  'memory-session': {
    id: 'memory-session',
    rule: 'no-memory-session',
    description: 'Disallow sessions kept in process memory',
    breaks: 'users are logged out on restart and whenever the load balancer sends them to another instance',
    lost: 'every active session',
    suggestion: {
      summary: 'use a shared session store (Redis) or signed cookies',
      packages: ['connect-redis', 'ioredis'],
    },
    scalingOnly: true,
  },
  'process-cache': {
    id: 'process-cache',
    rule: 'no-process-cache',
    description: 'Disallow caches that live in process memory',
    breaks: 'each instance caches and invalidates on its own, so instances serve different, stale data',
    lost: 'the cached entries (cold cache after every restart)',
    suggestion: {
      summary: 'cache in Redis (keyv or cache-manager with a Redis store); keep local caches for immutable data only',
      packages: ['@keyv/redis', 'keyv', 'cache-manager'],
    },
    scalingOnly: true,
  },
  'memory-rate-limit': {
    id: 'memory-rate-limit',
    rule: 'no-memory-rate-limit',
    description: 'Disallow rate limiters that count in process memory',
    breaks:
      'every instance counts separately, so the real limit is multiplied by the number of instances and resets on restart',
    lost: 'the hit counters',
    suggestion: {
      summary: 'count in Redis (INCR with a TTL per key), or use a rate limiter with a Redis store',
      packages: ['rate-limit-redis', 'rate-limiter-flexible'],
    },
    scalingOnly: true,
  },
  'socket-registry': {
    id: 'socket-registry',
    rule: 'no-local-socket-registry',
    description: 'Disallow connection registries and event fan-out local to one process',
    breaks: 'a message reaches only the clients connected to the same instance',
    lost: 'the connection registry (clients must reconnect)',
    suggestion: {
      summary: 'fan out through Redis pub/sub or a socket.io adapter',
      packages: ['@socket.io/redis-adapter', 'ioredis'],
    },
    scalingOnly: true,
  },
  'in-process-scheduler': {
    id: 'in-process-scheduler',
    rule: 'no-in-process-scheduler',
    description: 'Disallow timers and cron jobs started by the web process',
    breaks: 'the job runs once per replica, and a run in progress is lost when the instance stops',
    lost: 'scheduled and in-progress runs',
    suggestion: {
      summary:
        'run it as a queue job (BullMQ repeatable jobs, pg-boss), a platform cron job, or behind leader election',
      packages: ['bullmq', 'pg-boss'],
    },
    scalingOnly: true,
  },
  'process-lock': {
    id: 'process-lock',
    rule: 'no-process-lock',
    description: 'Disallow locks that only exclude callers in the same process',
    breaks: 'the lock excludes only callers on the same instance: two instances enter the critical section at once',
    lost: 'held locks',
    suggestion: {
      summary: 'take a distributed lock (Redlock) or a Postgres advisory lock',
      packages: ['redlock'],
    },
    scalingOnly: true,
  },
  'global-mutation': {
    id: 'global-mutation',
    rule: 'no-global-mutation',
    description: 'Disallow writes to globalThis, global or process.env at request time',
    breaks: "concurrent requests overwrite each other's values, leaking one user's data into another's request",
    lost: 'the values written',
    suggestion: {
      summary: 'pass per-request data through AsyncLocalStorage or request context; keep shared data in the database',
      packages: [],
    },
    scalingOnly: false,
  },
};

/** `statecheck/<rule>` for a category. */
export function ruleIdOf(category: Category): string {
  return `statecheck/${CATEGORY_INFO[category].rule}`;
}

/** The category of a rule name, with or without the `statecheck/` prefix. */
export function categoryOfRule(rule: string): Category | undefined {
  const name = rule.startsWith('statecheck/') ? rule.slice('statecheck/'.length) : rule;
  for (const info of Object.values(CATEGORY_INFO)) {
    if (info.rule === name || info.id === name) return info.id;
  }
  return undefined;
}

/** The categories to run on a file, given whether it is a serverless or SSR module. */
export function categoriesFor(
  options: Pick<AnalyzeOptions, 'categories' | 'singleInstance'>,
  serverless: boolean,
): readonly Category[] {
  const requested = options.categories ?? CATEGORIES;
  if (!options.singleInstance) return requested;
  return requested.filter((c) => !CATEGORY_INFO[c].scalingOnly && (c !== 'module-state' || serverless));
}
