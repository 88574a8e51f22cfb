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
  // A stream's one-shot completion events: they fire once, when the work the listening code started is done.
  'end',
  'finish',
]);

/** Methods that subscribe a listener to an event. */
export const LISTENER_METHODS: ReadonlySet<string> = new Set([
  'on',
  'once',
  'addListener',
  'prependListener',
  'prependOnceListener',
  'addEventListener',
]);

/** Listener registrations whose listener runs at most once, as a continuation of the code that listens. */
export const ONCE_METHODS: ReadonlySet<string> = new Set(['once', 'prependOnceListener']);

/**
 * Node-style APIs whose function arguments are completion callbacks, called once when the work
 * is done (`fs.readdir(dir, cb)`, `bcrypt.hash(pw, 10, cb)`): by module, the members (last name
 * of the callee's path), `*` for every member but `except`. A callback of these runs in its
 * caller's context whatever its parameters are named. (Maps: the keys met are from scanned code.)
 */
export const NODE_STYLE_APIS: ReadonlyMap<string, { members: readonly string[] | '*'; except?: readonly string[] }> =
  new Map([
    ['fs', { members: '*', except: ['watch', 'watchFile', 'unwatchFile'] }],
    ['dns', { members: '*' }],
    ['zlib', { members: '*' }],
    ['child_process', { members: ['exec', 'execFile'] }],
    [
      'crypto',
      {
        members: [
          'randomBytes',
          'randomFill',
          'randomInt',
          'pbkdf2',
          'scrypt',
          'hkdf',
          'generateKey',
          'generateKeyPair',
        ],
      },
    ],
    ['stream', { members: ['pipeline', 'finished'] }],
    ['bcrypt', { members: ['hash', 'compare', 'genSalt'] }],
    ['bcryptjs', { members: ['hash', 'compare', 'genSalt'] }],
    ['mongodb', { members: ['connect'] }],
    ['mongoose', { members: ['connect'] }],
    ['jsonwebtoken', { members: ['sign', 'verify'] }],
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
