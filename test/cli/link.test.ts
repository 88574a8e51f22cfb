import { describe, expect, it, vi } from 'vitest';
import { link, type Resolver } from '../../cli/link.js';
import { scan } from '../../cli/scan.js';
import type { FileSummary, LinkFile } from '../../cli/types.js';
import { REQUEST, REQUEST_TIME } from '../../core/index.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

// The link step on in-memory summaries, with the module resolver injected; and a whole scan
// whose resolver fails on one specifier.

vi.mock('../../cli/project.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../cli/project.js')>();
  class FailingLayout extends real.ProjectLayout {
    override resolve(fromFile: string, specifier: string): string | undefined {
      if (specifier === './explodes.js') throw new TypeError('injected failure');
      return super.resolve(fromFile, specifier);
    }
  }
  return { ...real, ProjectLayout: FailingLayout };
});

const at = (line: number, column = 1) => ({ line, column });
const NO_FACTS = { connection: false, ipKey: false };

/** Resolves `./name` from any file to `/p/name.js`, counting the calls. */
function resolver(): Resolver & { calls: number } {
  const r = {
    calls: 0,
    resolve(_from: string, specifier: string): string | undefined {
      r.calls++;
      return specifier.startsWith('./') ? `/p/${specifier.slice(2)}.js` : undefined;
    },
  };
  return r;
}

function module(name: string, summary: Partial<FileSummary>): LinkFile {
  return {
    path: `/p/${name}.js`,
    file: `${name}.js`,
    context: false,
    findings: [],
    summary: { exports: [], starExports: [], frameworkModule: false, commonJs: false, state: [], uses: [], ...summary },
  };
}

/** `store.js`: `const sessions = new Map(); export { sessions }`. */
const store = module('store', {
  exports: [['sessions', { local: 'sessions' }]],
  state: [
    {
      name: 'sessions',
      exports: ['sessions'],
      container: 'map',
      at: at(1, 7),
      end: at(1, 15),
      lineText: 'const sessions = new Map();',
      writes: [],
    },
  ],
});

/** A module that writes `sessions` through `specifier` at request time: `sessions.set(…)` at `line`. */
function writer(name: string, specifier: string, path: string[], line: number): LinkFile {
  return module(name, {
    uses: [
      {
        specifier,
        viaDefault: false,
        path: [...path, 'set'],
        at: at(line),
        end: at(line, 20),
        context: { mask: REQUEST, via: [] },
        write: { op: 'call', method: 'set', facts: NO_FACTS },
      },
    ],
  });
}

const where = (findings: { file: string; line: number; related: { file: string; line: number }[] }[]) =>
  findings.map((f) => `${f.file}:${f.line} <- ${f.related.map((r) => `${r.file}:${r.line}`).join(' ')}`);

describe('link', () => {
  it('reports exported state written in another module', () => {
    const { findings, errors } = link([store, writer('app', './store', ['sessions'], 3)], resolver(), {});
    expect(where(findings)).toEqual(['store.js:1 <- app.js:3']);
    expect(errors).toEqual([]);
  });

  describe('a module whose part fails', () => {
    // `exports` that is not a list of pairs, a use without a context: summaries of a shape the
    // link step does not expect, as a bug in the per-file pass or a damaged cache would give.
    const broken = (name: string): LinkFile[] => [
      module(name, { exports: 5 as unknown as FileSummary['exports'] }),
      {
        ...writer(`${name}-user`, './store', ['sessions'], 4),
        summary: {
          ...writer('x', './store', ['sessions'], 4).summary!,
          uses: [
            {
              ...writer('x', './store', ['sessions'], 4).summary!.uses[0]!,
              context: null as unknown as FileSummary['uses'][number]['context'],
            },
          ],
        },
      },
    ];

    it('gets an errors entry naming the module; every other module is still linked and reported', () => {
      const files = [store, ...broken('bad'), writer('app', './store', ['sessions'], 3)];
      const { findings, errors } = link(files, resolver(), {});
      expect(where(findings)).toEqual(['store.js:1 <- app.js:3']);
      expect(errors.map((e) => e.file)).toEqual(['bad.js', 'bad-user.js']);
      expect(errors[0]!.message).toMatch(
        /^cross-file analysis of this module failed: .* \(run with --debug for the stack\)$/,
      );
    });

    it('the exports it calls have unknown callers, so what they write is still reported', () => {
      // lib.js: `const seen = new Set(); export function track(id) { seen.add(id); }`
      const lib: LinkFile = {
        ...module('lib', { exports: [['track', { local: 'track' }]] }),
        findings: [
          {
            ruleId: 'statecheck/no-module-state',
            category: 'module-state',
            file: 'lib.js',
            line: 1,
            column: 7,
            endLine: 1,
            endColumn: 11,
            message: '`seen` is shared mutable state written at request time',
            suggestion: { summary: '', packages: [] },
            related: [
              {
                file: 'lib.js',
                line: 2,
                column: 37,
                message: 'written here at request time',
                condition: { exports: ['track'], need: REQUEST_TIME },
              },
            ],
            condition: 'related',
            fingerprint: '0123456789abcdef01234567:0',
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
            at: at(3),
            end: at(3, 10),
            context: null as unknown as FileSummary['uses'][number]['context'],
          },
        ],
      });
      const { findings, errors } = link([lib, caller], resolver(), {});
      expect(where(findings)).toEqual(['lib.js:1 <- lib.js:2']);
      expect(errors.map((e) => e.file)).toEqual(['caller.js']);
    });

    it('its other parts are still linked: its own findings are reported', () => {
      // cache.js: `export const cache = new LRUCache()`, certain in itself; its summary unreadable.
      const own: LinkFile = {
        ...module('cache', { exports: 5 as unknown as FileSummary['exports'] }),
        findings: [
          {
            ruleId: 'statecheck/no-process-cache',
            category: 'process-cache',
            file: 'cache.js',
            line: 2,
            column: 22,
            endLine: 2,
            endColumn: 40,
            message: '`new LRUCache(…)` (lru-cache) is a cache in process memory',
            suggestion: { summary: '', packages: [] },
            related: [],
            fingerprint: '0123456789abcdef01234567:0',
            subject: 'lru-cache',
          },
        ],
      };
      const { findings, errors } = link([own], resolver(), {});
      expect(where(findings)).toEqual(['cache.js:2 <- ']);
      expect(errors.map((e) => e.file)).toEqual(['cache.js']);
    });

    it('carries the stack with debug', () => {
      const { errors } = link([store, ...broken('bad')], resolver(), {}, true);
      expect(errors[0]!.message).toMatch(/^cross-file analysis of this module failed: TypeError: .*\n {4}at /);
    });

    it('a module read for context only is linked around, without an entry', () => {
      const files = [
        store,
        ...broken('bad').map((f) => ({ ...f, context: true })),
        writer('app', './store', ['sessions'], 3),
      ];
      const { findings, errors } = link(files, resolver(), {});
      expect(where(findings)).toEqual(['store.js:1 <- app.js:3']);
      expect(errors).toEqual([]);
    });
  });

  describe('export * lookups', () => {
    /**
     * Three barrels that re-export each other (and `store`), `count` modules importing `names`
     * names through them, and how often the link step read a barrel's `export *` list.
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
            at: at(n + 1),
            end: at(n + 1, 20),
            context: { mask: REQUEST, via: [] },
            write: { op: 'call' as const, method: 'set', facts: NO_FACTS },
          })),
        }),
      );
      return { files: [store, ...barrels, ...users], reads };
    };

    it('finds a name through a cycle of barrels, and misses a name none exports', () => {
      const { findings } = link(lattice(1, 3).files, resolver(), {});
      expect(where(findings)).toEqual(['store.js:1 <- user0.js:1']);
    });

    it('looks each (module, name) up once, however many modules import it and however the barrels cycle', () => {
      const { files, reads } = lattice(50, 60);
      const { findings } = link(files, resolver(), {});
      const users = Array.from({ length: 50 }, (_, u) => `user${u}.js:1`).sort();
      expect(where(findings)).toEqual([`store.js:1 <- ${users.join(' ')}`]);
      // Each barrel's list once per name: 60 names, three barrels.
      expect(reads.count).toBe(60 * 3);
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
                    at: at(2),
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
            at: at(3),
            end: at(3, 4),
            context: { mask: REQUEST, via: [] },
          },
        ],
      }),
    ];

    it('when exports run: a chain of calls longer than the bound gets an errors entry, a shorter one none', () => {
      expect(link(callChain(40), resolver(), {}).errors).toEqual([]);
      const { errors } = link(callChain(80), resolver(), {});
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors)
        expect(error.message).toMatch(
          /^cross-file analysis stopped at its bound before settling .*: findings that depend on this module may be missing$/,
        );
    });

    // g0.js creates a store in its export `make0`; g1.js's `make1` returns `make0()`, and so on:
    // factories of factories, listed caller first, so each round finds one more.
    const factoryChain = (length: number) => {
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
                    at: at(2),
                    end: at(2, 9),
                    context: { mask: 0, via: [`make${i}`] },
                  },
                ],
        }),
      );
      files[0]!.findings = [
        {
          ruleId: 'statecheck/no-process-cache',
          category: 'process-cache',
          file: 'g0.js',
          line: 2,
          column: 10,
          endLine: 2,
          endColumn: 28,
          message: '`new LRUCache(…)` (lru-cache) is a cache in process memory',
          suggestion: { summary: '', packages: [] },
          related: [],
          fingerprint: '0123456789abcdef01234567:0',
          condition: { exports: ['make0'], need: REQUEST_TIME },
          factory: 'make0',
          what: '`new LRUCache(…)` (lru-cache) is a cache in process memory',
          subject: 'lru-cache',
        },
      ];
      const app = module('app', {
        uses: [
          {
            specifier: `./g${length - 1}`,
            viaDefault: false,
            path: [`make${length - 1}`],
            call: 'make()',
            at: at(1),
            end: at(1, 7),
            context: { mask: REQUEST, via: [] },
          },
        ],
      });
      return [app, ...files.reverse()];
    };

    it('factories of factories: a chain longer than the bound gets an errors entry, a shorter one none', () => {
      const short = link(factoryChain(10), resolver(), {});
      expect(short.errors).toEqual([]);
      expect(where(short.findings)).toEqual(['app.js:1 <- g0.js:2']);
      const { errors } = link(factoryChain(40), resolver(), {});
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) expect(error.message).toMatch(/^cross-file analysis stopped at its bound/);
    });
  });

  describe('in a scan', () => {
    const dir = useTempDir('statecheck-link-');

    it('a module the link step fails on gets an errors entry; the findings of every file are still reported', async () => {
      dir.write('src/app.js', SAMPLE_APP);
      dir.write('src/stats.js', 'export const stats = { hits: 0, misses: 0 };\n');
      dir.write(
        'src/count.js',
        "import { stats } from './stats.js';\nimport { boom } from './explodes.js';\nexport function count(req, res, next) {\n  stats.hits++;\n  boom();\n  next();\n}\n",
      );
      dir.write(
        'src/miss.js',
        "import { stats } from './stats.js';\nexport function miss(req, res, next) {\n  stats.misses++;\n  next();\n}\n",
      );
      dir.write('src/explodes.js', 'export function boom() {}\n');
      const result = await scan({ cwd: dir.path, paths: [], cache: false, jobs: 1 });
      // The write in count.js is lost with its module; the one in miss.js is not.
      expect(
        result.findings.map(
          (f) => `${f.file}:${f.line} ${f.category} <- ${f.related.map((r) => `${r.file}:${r.line}`).join(' ')}`,
        ),
      ).toEqual([
        'src/app.js:4 memory-session <- ',
        'src/app.js:5 module-state <- src/app.js:7',
        'src/stats.js:1 module-state <- src/miss.js:3',
      ]);
      expect(result.errors).toEqual([
        {
          file: 'src/count.js',
          message: 'cross-file analysis of this module failed: injected failure (run with --debug for the stack)',
        },
      ]);
    });
  });
});
