import { describe, expect, it } from 'vitest';
import { findCallers, settleContexts } from '../../../core/program/callers.js';
import { Failures } from '../../../core/program/failures.js';
import { settleLifetimes } from '../../../core/program/lifetimes.js';
import { exportLookup } from '../../../core/program/lookup.js';
import { LOAD, REQUEST, UNKNOWN } from '../../../core/reach.js';
import { module } from '../../helpers/program.js';

// The first phases on their own, on hand-written summaries: export lookup, callers, contexts.

const resolve = (_from: string, specifier: string) =>
  specifier.startsWith('./') ? `/p/${specifier.slice(2)}.js` : undefined;
const call = (specifier: string, path: string[], mask: number, via: string[] = []) => ({
  specifier,
  viaDefault: false,
  path,
  call: `${path.join('.')}()`,
  start: 0,
  end: 1,
  context: { mask, via },
});

describe('export lookup', () => {
  const files = [
    module('impl', { exports: [['track', { local: 'track' }]] }),
    // export { track as record } from './impl'
    module('barrel', { exports: [['record', { from: { specifier: './impl', viaDefault: false, path: ['track'] } }]] }),
    // module.exports = counters
    module('counters', { commonJs: true, exports: [['default', { local: 'counters' }]] }),
  ];

  it('follows re-exports to the export that binds a name, and members of a CommonJS module.exports', () => {
    const lookup = exportLookup(files, resolve, new Failures());
    expect(lookup.targetOf(1, { specifier: './barrel', viaDefault: false, path: ['record'] })).toEqual({
      file: 0,
      name: 'track',
      rest: [],
    });
    expect(lookup.targetOf(1, { specifier: './counters', viaDefault: false, path: ['hits'] })).toEqual({
      file: 2,
      name: 'default',
      rest: ['hits'],
    });
    expect(lookup.targetOf(1, { specifier: 'express', viaDefault: false, path: ['Router'] })).toBeUndefined();
  });
});

describe('callers and contexts', () => {
  const lib = module('lib', {
    exports: [
      ['register', { local: 'register' }],
      ['handle', { local: 'handle' }],
      ['helper', { local: 'helper' }],
      ['orphan', { local: 'orphan' }],
    ],
    // helper() is called inside handle(): it runs when handle's callers do.
    uses: [],
  });
  const files = [
    lib,
    module('boot', { uses: [call('./lib', ['register'], LOAD)] }),
    module('routes', { uses: [call('./lib', ['handle'], REQUEST)] }),
    module('relay', { exports: [['relay', { local: 'relay' }]], uses: [call('./lib', ['helper'], 0, ['relay'])] }),
    module('api', { uses: [call('./relay', ['relay'], REQUEST)] }),
    module('lib.test', { uses: [call('./lib', ['orphan'], REQUEST)] }, { outside: true }),
  ];

  it('an export runs when its callers do, through exports of other files, to a fixed point', () => {
    const failures = new Failures();
    const callers = findCallers(files, exportLookup(files, resolve, failures), failures);
    const contexts = settleContexts(files, callers, failures);
    expect(contexts.exportContext(0, 'register')).toBe(LOAD);
    expect(contexts.exportContext(0, 'handle')).toBe(REQUEST);
    expect(contexts.exportContext(0, 'helper')).toBe(REQUEST);
    // Called only by a test: never at request time.
    expect(contexts.exportContext(0, 'orphan')).toBe(0);
    expect(contexts.holds(0, { exports: ['register', 'orphan'], need: REQUEST | UNKNOWN })).toBe(false);
    expect(contexts.holds(0, { exports: ['helper'], need: REQUEST | UNKNOWN })).toBe(true);
    expect(failures.list(files)).toEqual([]);
  });

  it('an export no file calls has unknown callers', () => {
    const failures = new Failures();
    const alone = [lib];
    const contexts = settleContexts(
      alone,
      findCallers(alone, exportLookup(alone, resolve, failures), failures),
      failures,
    );
    expect(contexts.exportContext(0, 'handle') & UNKNOWN).toBe(UNKNOWN);
  });
});

describe('lifetimes', () => {
  const cls = (name: string, via: string[] = []) => ({
    name,
    exports: [name],
    instances: [],
    singleton: false,
    constructed: { mask: 0, via },
    fields: [],
  });
  const construct = (specifier: string, name: string, mask: number, via: string[] = []) => ({
    ...call(specifier, [name], mask, via),
    construct: true as const,
  });
  const files = [
    // Server, Session, Plugin, Orphan, Manager (built in Server's constructor: `Server` is its context), Extension
    module('classes', {
      exports: [
        ['Server', { local: 'Server' }],
        ['Session', { local: 'Session' }],
        ['Plugin', { local: 'Plugin' }],
        ['Orphan', { local: 'Orphan' }],
        ['Extension', { local: 'Extension' }],
      ],
      classes: [
        cls('Server'),
        cls('Session'),
        cls('Plugin'),
        cls('Orphan'),
        { ...cls('Manager', ['Server']), exports: [] },
        cls('Extension'),
      ],
    }),
    module('main', { uses: [construct('./classes', 'Server', LOAD), call('./classes', ['Plugin'], LOAD)] }),
    module('routes', { uses: [construct('./classes', 'Session', REQUEST), construct('./classes', 'Plugin', LOAD)] }),
    module(
      'classes.test',
      { uses: [construct('./classes', 'Session', REQUEST), construct('./classes', 'Orphan', REQUEST)] },
      { outside: true },
    ),
    // A library's playground builds it at load time; the library never does.
    module('playground', { uses: [construct('./classes', 'Extension', LOAD)] }, { outside: true }),
  ];

  it('long-lived when every construction runs at start-up, also through another long-lived object; transient when one runs per request', () => {
    const failures = new Failures();
    const callers = findCallers(files, exportLookup(files, resolve, failures), failures);
    const lifetimes = settleLifetimes(files, callers, settleContexts(files, callers, failures), failures);
    expect([0, 1, 2, 3, 4, 5].map((c) => lifetimes.of(0, c))).toEqual([
      'process',
      'transient',
      // passed on whole (`register(Plugin)`): anyone may construct it
      'unknown',
      // constructed only by a test, per case: transient (an example building it at load would make it long-lived)
      'transient',
      'process',
      'process',
    ]);
    expect(failures.list(files)).toEqual([]);
  });
});
