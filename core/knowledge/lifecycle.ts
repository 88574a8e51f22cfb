// When framework and runtime code calls back: what reach.ts needs to know about libraries to
// tell load time from request time.

/** Array and promise methods that call their callback synchronously or once, in the caller's context. */
export const INHERITING_METHODS: ReadonlySet<string> = new Set([
  'forEach',
  'map',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'sort',
  'toSorted',
  'then',
  'catch',
  'finally',
  'from',
  'listen',
  'call',
  'apply',
]);

/** Globals that call their callback once, in the caller's context. */
export const INHERITING_GLOBALS: ReadonlySet<string> = new Set([
  'setTimeout',
  'setImmediate',
  'queueMicrotask',
  'Promise',
]);

/** Events that fire once around start-up or shutdown, not per request. */
export const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set([
  'listening',
  'ready',
  'close',
  'exit',
  'beforeExit',
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGUSR2',
  'uncaughtException',
  'unhandledRejection',
  'warning',
  'error',
  'connect',
]);

/** Methods that subscribe a listener to an event. */
export const LISTENER_METHODS: ReadonlySet<string> = new Set([
  'on',
  'once',
  'addListener',
  'prependListener',
  'addEventListener',
]);

/** Nest lifecycle hooks: called once while the application starts or stops. */
export const NEST_LIFECYCLE: ReadonlySet<string> = new Set([
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

/** Nest class decorators whose methods handle requests. */
export const NEST_REQUEST_CLASSES: ReadonlySet<string> = new Set(['Controller', 'Resolver', 'WebSocketGateway']);
