import { describe, expect, it } from 'vitest';
import type { CoreFinding, ModuleSummary } from '../../../core/index.js';
import { linkProgram } from '../../../core/program/link.js';
import type { ModuleResolver, ProgramFile, ProgramResult } from '../../../core/program/types.js';
import { REQUEST, REQUEST_TIME } from '../../../core/reach.js';
import { module } from '../../helpers/program.js';

// The program's phases on in-memory summaries, with the module resolver injected. Offsets are
// written `line * 1000 + column`, so that expectations read as lines.

const at = (line: number, column = 1) => line * 1000 + column;
const NO_FACTS = { connection: false, ipKey: false };

/** Resolves `./name` from any file to `/p/name.js`, counting the calls. */
function resolver(): { resolve: ModuleResolver; calls: number } {
  const r = {
    calls: 0,
    resolve: (_from: string, specifier: string): string | undefined => {
      r.calls++;
      return specifier.startsWith('./') ? `/p/${specifier.slice(2)}.js` : undefined;
    },
  };
  return r;
}

function link(files: ProgramFile[], r = resolver()): ProgramResult & { files: ProgramFile[] } {
  return {
    ...linkProgram({ files, resolve: r.resolve, options: {}, where: (f, o) => `${name(files, f)}:${line(o)}` }),
    files,
  };
}

const name = (files: readonly ProgramFile[], file: number) => files[file]!.path.slice('/p/'.length);
const line = (offset: number) => Math.floor(offset / 1000);

/** `store.js:1 <- app.js:3`: each finding, with its related locations. */
const where = ({ findings, files }: ReturnType<typeof link>) =>
  findings
    .map(
      (f) =>
        `${name(files, f.file)}:${line(f.start)} <- ${f.related
          .map((r) => `${name(files, r.file)}:${line(r.start)}`)
          .sort()
          .join(' ')}`,
    )
    .sort();
const failed = ({ failures, files }: ReturnType<typeof link>) => failures.map((f) => name(files, f.file));

/** `store.js`: `const sessions = new Map(); export { sessions }`. */
const store = module('store', {
  exports: [['sessions', { local: 'sessions' }]],
  state: [{ name: 'sessions', exports: ['sessions'], container: 'map', start: at(1, 7), end: at(1, 15), writes: [] }],
});

/** A module that writes `sessions` through `specifier` at request time: `sessions.set(…)` at `line`. */
function writer(name: string, specifier: string, path: string[], line: number): ProgramFile {
  return module(name, {
    uses: [
      {
        specifier,
        viaDefault: false,
        path: [...path, 'set'],
        start: at(line),
        end: at(line, 20),
        context: { mask: REQUEST, via: [] },
        write: { op: 'call', method: 'set', facts: NO_FACTS },
      },
    ],
  });
}

const cacheFinding = (start: number, extra: Partial<CoreFinding> = {}): CoreFinding => ({
  category: 'process-cache',
  start,
  end: start + 18,
  message: '`new LRUCache(…)` (lru-cache) is a cache in process memory',
  suggestion: { summary: '', packages: [] },
  related: [],
  subject: 'lru-cache',
  ...extra,
});

describe('the program', () => {
  it('reports exported state written in another module', () => {
    const result = link([store, writer('app', './store', ['sessions'], 3)]);
    expect(where(result)).toEqual(['store.js:1 <- app.js:3']);
    expect(result.failures).toEqual([]);
  });

  describe('a module whose part fails', () => {
    // `exports` that is not a list of pairs, a use without a context: summaries of a shape the
    // program does not expect, as a bug in the per-file pass or a damaged cache would give.
    const broken = (name: string): ProgramFile[] => {
      const user = writer(`${name}-user`, './store', ['sessions'], 4);
      return [
        module(name, { exports: 5 as unknown as ModuleSummary['exports'] }),
        {
          ...user,
          summary: {
            ...user.summary!,
            uses: [{ ...user.summary!.uses[0]!, context: null as unknown as ModuleSummary['uses'][number]['context'] }],
          },
        },
      ];
    };

    it('gets a failure naming the module, with what was thrown; every other module is still linked and reported', () => {
      const result = link([store, ...broken('bad'), writer('app', './store', ['sessions'], 3)]);
      expect(where(result)).toEqual(['store.js:1 <- app.js:3']);
      expect(failed(result)).toEqual(['bad.js', 'bad-user.js']);
      expect(result.failures[0]!.error).toBeInstanceOf(TypeError);
    });

    it('the exports it calls have unknown callers, so what they write is still reported', () => {
      // lib.js: `const seen = new Set(); export function track(id) { seen.add(id); }`
      const lib: ProgramFile = {
        ...module('lib', { exports: [['track', { local: 'track' }]] }),
        findings: [
          {
            category: 'module-state',
            start: at(1, 7),
            end: at(1, 11),
            message: '`seen` is shared mutable state written at request time',
            suggestion: { summary: '', packages: [] },
            related: [
              {
                start: at(2, 37),
                end: at(2, 50),
                message: 'written here at request time',
                condition: { exports: ['track'], need: REQUEST_TIME },
              },
            ],
            condition: 'related',
            subject: 'seen',
          },
        ],
      };
      const caller = module('caller', {
        uses: [
          {
            specifier: './lib',
            viaDefault: false,
            path: ['track'],
            call: 'track(id)',
            start: at(3),
            end: at(3, 10),
            context: null as unknown as ModuleSummary['uses'][number]['context'],
          },
        ],
      });
      const result = link([lib, caller]);
      expect(where(result)).toEqual(['lib.js:1 <- lib.js:2']);
      expect(failed(result)).toEqual(['caller.js']);
    });

    it('its other parts are still linked: its own findings are reported', () => {
      // cache.js: `export const cache = new LRUCache()`, certain in itself; its summary unreadable.
      const own: ProgramFile = {
        ...module('cache', { exports: 5 as unknown as ModuleSummary['exports'] }),
        findings: [cacheFinding(at(2, 22))],
      };
      const result = link([own]);
      expect(where(result)).toEqual(['cache.js:2 <- ']);
      expect(result.findings[0]!.own).toBe(0);
      expect(failed(result)).toEqual(['cache.js']);
    });

    it('a module read for context only is linked around, without a failure', () => {
      const files = [
        store,
        ...broken('bad').map((f) => ({ ...f, context: true })),
        writer('app', './store', ['sessions'], 3),
      ];
      const result = link(files);
      expect(where(result)).toEqual(['store.js:1 <- app.js:3']);
      expect(result.failures).toEqual([]);
    });
  });

  it('a caller outside the server (a test, a script) makes nothing request time', () => {
    const result = link([store, { ...writer('app.test', './store', ['sessions'], 3), outside: true }]);
    expect(where(result)).toEqual([]);
  });

  describe('export * lookups', () => {
    /**
     * Three barrels that re-export each other (and `store`), `count` modules importing `names`
     * names through them, and how often the program read a barrel's `export *` list.
     */
    const lattice = (count: number, names: number) => {
      const reads = { count: 0 };
      const barrels = ['a', 'b', 'c'].map((name, i, all) => {
        const barrel = module(name, {});
        const stars = [
          ...all.filter((other) => other !== name).map((other) => `./${other}`),
          ...(i === 2 ? ['./store'] : []),
        ];
        Object.defineProperty(barrel.summary, 'starExports', {
          get: () => {
            reads.count++;
            return stars;
          },
        });
        return barrel;
      });
      const users = Array.from({ length: count }, (_, u) =>
        module(`user${u}`, {
          uses: Array.from({ length: names }, (_, n) => ({
            specifier: `./${['a', 'b', 'c'][n % 3]}`,
            viaDefault: false,
            path: [n === 0 ? 'sessions' : `missing${n}`, 'set'],
            start: at(n + 1),
            end: at(n + 1, 20),
            context: { mask: REQUEST, via: [] },
            write: { op: 'call' as const, method: 'set', facts: NO_FACTS },
          })),
        }),
      );
      return { files: [store, ...barrels, ...users], reads };
    };

    it('finds a name through a cycle of barrels, and misses a name none exports', () => {
      expect(where(link(lattice(1, 3).files))).toEqual(['store.js:1 <- user0.js:1']);
    });

    it('looks each (module, name) up once, however many modules import it and however the barrels cycle', () => {
      const { files, reads } = lattice(50, 60);
      const users = Array.from({ length: 50 }, (_, u) => `user${u}.js:1`).sort();
      expect(where(link(files))).toEqual([`store.js:1 <- ${users.join(' ')}`]);
      // Each barrel's list once per name: 60 names, three barrels.
      expect(reads.count).toBe(60 * 3);
    });

    it('asks the resolver once per module and specifier', () => {
      const r = resolver();
      link(lattice(5, 6).files, r);
      // Each user resolves its three barrels; each barrel its two or three stars.
      expect(r.calls).toBe(5 * 3 + 2 + 2 + 3);
    });
  });

  describe('fixed points that reach their bound', () => {
    // m1 calls m0.f0 from its export f1, m2 calls m1.f1 from f2, …; app calls the last at request
    // time. Listed callee first, each round carries "runs at request time" one module further.
    const callChain = (length: number) => [
      ...Array.from({ length }, (_, i) =>
        module(`m${i}`, {
          exports: [[`f${i}`, { local: `f${i}` }]],
          uses:
            i === 0
              ? []
              : [
                  {
                    specifier: `./m${i - 1}`,
                    viaDefault: false,
                    path: [`f${i - 1}`],
                    call: `f${i - 1}()`,
                    start: at(2),
                    end: at(2, 6),
                    context: { mask: 0, via: [`f${i}`] },
                  },
                ],
        }),
      ),
      module('app', {
        uses: [
          {
            specifier: `./m${length - 1}`,
            viaDefault: false,
            path: [`f${length - 1}`],
            call: 'f()',
            start: at(3),
            end: at(3, 4),
            context: { mask: REQUEST, via: [] },
          },
        ],
      }),
    ];

    it('when exports run: a chain of calls longer than the bound gets failures without an error, a shorter one none', () => {
      expect(link(callChain(40)).failures).toEqual([]);
      const { failures } = link(callChain(80));
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) expect(failure.error).toBeUndefined();
    });

    // g0.js creates a store in its export `make0`; g1.js's `make1` returns `make0()`, and so on:
    // factories of factories, listed caller first, so each round finds one more.
    const factoryChain = (length: number, apps = 1) => {
      const files = Array.from({ length }, (_, i) =>
        module(`g${i}`, {
          exports: [[`make${i}`, { local: `make${i}` }]],
          uses:
            i === 0
              ? []
              : [
                  {
                    specifier: `./g${i - 1}`,
                    viaDefault: false,
                    path: [`make${i - 1}`],
                    call: `make${i - 1}()`,
                    returnedBy: [`make${i}`],
                    start: at(2),
                    end: at(2, 9),
                    context: { mask: 0, via: [`make${i}`] },
                  },
                ],
        }),
      );
      files[0]!.findings = [
        cacheFinding(at(2, 10), {
          condition: { exports: ['make0'], need: REQUEST_TIME },
          factory: 'make0',
          what: '`new LRUCache(…)` (lru-cache) is a cache in process memory',
        }),
      ];
      const callers = Array.from({ length: apps }, (_, a) =>
        module(`app${a}`, {
          uses: [
            {
              specifier: `./g${length - 1}`,
              viaDefault: false,
              path: [`make${length - 1}`],
              call: 'make()',
              start: at(1),
              end: at(1, 7),
              context: { mask: REQUEST, via: [] },
            },
          ],
        }),
      );
      return [...callers, ...files.reverse()];
    };

    it('factories of factories: a chain longer than the bound gets failures, a shorter one none', () => {
      const short = link(factoryChain(10, 2));
      expect(short.failures).toEqual([]);
      expect(where(short)).toEqual(['app0.js:1 <- g0.js:2', 'app1.js:1 <- g0.js:2']);
      expect(link(factoryChain(40, 2)).failures.length).toBeGreaterThan(0);
    });
  });

  describe('stores created by wrappers', () => {
    // factory.js: `export function makeServer() { const io = new Server(); setInterval(…); }`
    const factory = (): ProgramFile => ({
      ...module('factory', { exports: [['makeServer', { local: 'makeServer' }]] }),
      findings: [
        cacheFinding(at(2, 14), {
          category: 'socket-registry',
          subject: 'socket.io',
          condition: { exports: ['makeServer'], need: REQUEST_TIME },
          factory: 'makeServer',
          what: '`new Server(…)` (socket.io) keeps its sockets in this process',
        }),
        cacheFinding(at(3, 3), {
          category: 'in-process-scheduler',
          subject: 'setInterval',
          condition: { exports: ['makeServer'], need: REQUEST_TIME },
          factory: 'makeServer',
          what: '`setInterval(…)` runs in every instance',
        }),
      ],
    });
    const caller = (name: string, line: number) =>
      module(name, {
        uses: [
          {
            specifier: './factory',
            viaDefault: false,
            path: ['makeServer'],
            call: 'makeServer()',
            start: at(line),
            end: at(line, 12),
            context: { mask: REQUEST, via: [] },
          },
        ],
      });

    it('several creations in one wrapper with several call sites: one finding per creation at each call site', () => {
      const result = link([factory(), caller('a', 4), caller('b', 7)]);
      expect(where(result)).toEqual([
        'a.js:4 <- factory.js:2',
        'a.js:4 <- factory.js:3',
        'b.js:7 <- factory.js:2',
        'b.js:7 <- factory.js:3',
      ]);
      expect(result.findings.map((f) => f.category).sort()).toEqual([
        'in-process-scheduler',
        'in-process-scheduler',
        'socket-registry',
        'socket-registry',
      ]);
      expect(result.findings[0]!.message).toContain('(factory.js:');
    });

    it('a wrapper with a single call site: each creation is reported where it is created, with the call site related', () => {
      const result = link([factory(), caller('a', 4)]);
      expect(where(result)).toEqual(['factory.js:2 <- a.js:4', 'factory.js:3 <- a.js:4']);
      expect(result.findings.map((f) => f.own).sort()).toEqual([0, 1]);
    });

    it('a single call site in a file read for context still reports the creation; a creation in a context file is not reported', () => {
      expect(where(link([factory(), { ...caller('a', 4), context: true }]))).toEqual([
        'factory.js:2 <- a.js:4',
        'factory.js:3 <- a.js:4',
      ]);
      expect(where(link([{ ...factory(), context: true }, caller('a', 4)]))).toEqual([]);
    });
  });
});
