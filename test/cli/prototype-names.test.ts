import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';

// Names a plain object has without being given them (`constructor`, `toString`, …) and
// `__proto__`, which replaces its prototype: in scanned code and in configuration they are
// names like any other, never a way into statecheck's own objects.

interface Report {
  findings: {
    file: string;
    line: number;
    column: number;
    category: string;
    related: { file: string; line: number; message: string }[];
  }[];
  errors: { file: string; message: string }[];
}

const APP = ["const express = require('express');", 'const app = express();'];
const at = (r: Report) =>
  r.findings.map(
    (f) => `${f.category} ${f.file}:${f.line}:${f.column} <- ${f.related.map((x) => `${x.file}:${x.line}`).join(' ')}`,
  );

describe('prototype names in scanned code', () => {
  const dir = useTempDir('statecheck-proto-');
  const scan = async (args: string[] = []) => {
    const { code, stdout, stderr } = await runCli(['--format', 'json', ...args], dir.path);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    return JSON.parse(stdout) as Report;
  };

  it("a CommonJS member: require('./x').hasOwnProperty(…) next to a write through the same module", async () => {
    dir.write('profiles.js', 'const profiles = new Map();\nmodule.exports = { profiles };\n');
    dir.write(
      'app.js',
      [
        ...APP,
        "app.get('/', (req, res) => {",
        "  if (require('./profiles').hasOwnProperty('profiles')) require('./profiles').profiles.set(req.query.id, req.body);",
        "  require('./profiles').toString();",
        '  res.end();',
        '});',
        'app.listen(3000);',
        '',
      ].join('\n'),
    );
    const report = await scan(['--no-cache']);
    expect(at(report)).toEqual(['module-state profiles.js:1:7 <- app.js:4']);
    expect(report.errors).toEqual([]);
  });

  it('an ESM named import of `constructor` and a namespace member `toString`, each linked to its callers', async () => {
    dir.write('package.json', '{ "type": "module" }\n');
    dir.write(
      'lib.js',
      [
        'const seen = new Set();',
        'export function constructor(req) { seen.add(req.query.id); }',
        'export function toString(v) { seen.delete(v); }',
        'export function valueOf(v) { seen.add(v); }',
        '',
      ].join('\n'),
    );
    // Only `constructor` runs per request: the writes of the other two run at start-up.
    dir.write(
      'app.js',
      [
        "import express from 'express';",
        "import { constructor, valueOf } from './lib.js';",
        "import * as lib from './lib.js';",
        'const app = express();',
        "valueOf('boot');",
        "lib.toString('boot');",
        "app.get('/', (req, res) => { constructor(req); lib.isPrototypeOf(req); res.end(); });",
        'app.listen(3000);',
        '',
      ].join('\n'),
    );
    const report = await scan(['--no-cache']);
    expect(at(report)).toEqual(['module-state lib.js:1:7 <- lib.js:2']);
    expect(report.errors).toEqual([]);
  });

  it('`export { x as __proto__ }`: the same findings cold, warm and on worker threads', async () => {
    dir.write('package.json', '{ "type": "module" }\n');
    dir.write('store.js', 'const x = new Map();\nexport { x as __proto__ };\n');
    dir.write(
      'app.js',
      [
        "import express from 'express';",
        "import { __proto__ as store } from './store.js';",
        'const app = express();',
        "app.get('/', (req, res) => { store.set(req.query.id, 1); res.end(); });",
        'app.listen(3000);',
        '',
      ].join('\n'),
    );
    // Enough files for two worker threads.
    for (let i = 0; i < 320; i++)
      dir.write(`routes/r${i}.js`, `export const route${i} = (req, res) => res.end('${i}');\n`);
    const expected = ['module-state store.js:1:7 <- app.js:4'];
    const cache = ['--cache-location', '.cache', '--jobs', '1'];
    expect(at(await scan(['--no-cache', '--jobs', '1']))).toEqual(expected);
    expect(at(await scan(cache))).toEqual(expected);
    expect(at(await scan(cache))).toEqual(expected);
    expect(at(await scan(['--no-cache', '--jobs', '2']))).toEqual(expected);
  });
});

describe('prototype names in the configuration', () => {
  const dir = useTempDir('statecheck-proto-config-');
  const setUp = (config: string) => {
    dir.write('statecheck.config.json', config);
    dir.write(
      'app.js',
      [
        ...APP,
        "const { LRUCache } = require('lru-cache');",
        "const make = require('constructor');",
        'const made = make();',
        'const cache = new LRUCache({ max: 10 });',
        'app.listen(3000);',
        '',
      ].join('\n'),
    );
  };

  it('a package named `constructor` is reported as configured, and scanned like any other without configuration', async () => {
    setUp(
      '{ "packages": { "constructor": "process-cache", "toString": { "category": "process-cache", "exports": ["valueOf"] } } }\n',
    );
    const configured = await runCli(['--format', 'json', '--no-cache'], dir.path);
    expect(configured.stderr).toBe('');
    expect(at(JSON.parse(configured.stdout) as Report)).toEqual([
      'process-cache app.js:5:14 <- ',
      'process-cache app.js:6:15 <- ',
    ]);
    setUp('{}\n');
    const plain = await runCli(['--format', 'json', '--no-cache'], dir.path);
    expect(plain.code).toBe(1);
    const report = JSON.parse(plain.stdout) as Report;
    expect(at(report)).toEqual(['process-cache app.js:6:15 <- ']);
    expect(report.errors).toEqual([]);
  });

  it('a `__proto__` key is a configuration error (exit code 2), not a way to apply settings unseen', async () => {
    const refused = 'not allowed: `__proto__`, `constructor` and `prototype` would reach the prototype of an object';
    const cases: [string, string][] = [
      ['{ "__proto__": { "rules": { "process-cache": "off" } } }', `statecheck.config.json: __proto__: ${refused}`],
      ['{ "packages": { "__proto__": "process-cache" } }', `statecheck.config.json: packages.__proto__: ${refused}`],
      ['{ "rules": { "constructor": "off" } }', `statecheck.config.json: rules.constructor: ${refused}`],
      [
        '{ "rules": { "process-cache": ["warn", { "allow": [], "prototype": 1 }] } }',
        `statecheck.config.json: rules.process-cache.1.prototype: ${refused}`,
      ],
    ];
    for (const [config, message] of cases) {
      setUp(config);
      const { code, stdout, stderr } = await runCli(['--format', 'json', '--no-cache'], dir.path);
      expect(stdout).toBe('');
      expect(stderr.split('\n')[0]).toBe(`statecheck: ${message}`);
      expect(code).toBe(2);
    }
  });

  it('--format with a prototype name is an unknown format', async () => {
    setUp('{}\n');
    for (const format of ['constructor', 'toString', '__proto__']) {
      const { code, stderr } = await runCli(['--format', format, '--no-cache'], dir.path);
      expect(stderr).toBe(
        `statecheck: unknown format "${format}"\n  use one of: pretty, json, sarif, github, gitlab, junit, markdown\n`,
      );
      expect(code).toBe(2);
    }
  });
});
