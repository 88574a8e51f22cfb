import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../core/index.js';
import { runCli } from '../helpers/cli.js';
import { categoryFixtures } from '../helpers/fixtures.js';

// Mutants of the category fixtures (token deletion and duplication, truncation, random bytes,
// hostile characters), scanned through the built CLI: the scan must never fail, must print a
// report in the JSON contract, and must account for every file. A fixed seed makes a failure
// reproducible: the failing mutant's name and mutations are in the assertion message.

const SEED = 0x5eed_7;
const MUTANTS = 300;
const BATCHES = 3;

/** mulberry32: a tiny seeded PRNG, so the mutants are the same on every run. */
function prng(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const below = (n: number) => Math.floor(random() * n);
const pick = <T>(list: readonly T[]): T => list[below(list.length)]!;

const TOKEN = /\s+|[A-Za-z_$][\w$]*|\d+|[^\s\w]/g;
const HOSTILE = [
  '\u0000',
  '\u001b[2J',
  '\u001b]0;x\u0007',
  '\uFEFF',
  '\u2028',
  '\r',
  '\r\n',
  '/*',
  '*/',
  '`',
  '${',
  '(',
  '{',
  '[',
  '"',
  "'",
  '//',
  '\\',
  '</',
  '@generated',
  '\uD800',
  '𝒳',
];

/**
 * Names a plain object has without being given them (and `__proto__`, which replaces its
 * prototype): as identifiers, exports, members, package names and config keys they must be
 * names like any other.
 */
const PROTOTYPE_NAMES = [
  'hasOwnProperty',
  'constructor',
  'toString',
  'valueOf',
  '__proto__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  '__defineGetter__',
  'toLocaleString',
];
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const STRING = /'[^'\\\n]*'|"[^"\\\n]*"/g;

type TextMutation = (text: string) => string;
type ByteMutation = (bytes: Buffer) => Buffer;

const TEXT_MUTATIONS: Record<string, TextMutation> = {
  deleteToken(text) {
    const tokens = text.match(TOKEN) ?? [];
    tokens.splice(below(tokens.length + 1), 1 + below(3));
    return tokens.join('');
  },
  duplicateTokens(text) {
    const tokens = text.match(TOKEN) ?? [];
    const from = below(tokens.length + 1);
    const copy = tokens.slice(from, from + 1 + below(8));
    tokens.splice(below(tokens.length + 1), 0, ...copy);
    return tokens.join('');
  },
  duplicateLine(text) {
    const lines = text.split('\n');
    const at = below(lines.length);
    lines.splice(at, 0, lines[at]!);
    return lines.join('\n');
  },
  swapLines(text) {
    const lines = text.split('\n');
    const [i, j] = [below(lines.length), below(lines.length)];
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  },
  /** An identifier (a variable, an export, a member, a key) renamed to a prototype name. */
  prototypeName(text) {
    const tokens = text.match(TOKEN) ?? [];
    const names = tokens.flatMap((t, i) => (IDENTIFIER.test(t) ? [i] : []));
    const at = names.length > 0 ? pick(names) : -1;
    const [name, replacement] = [at >= 0 ? tokens[at]! : '', pick(PROTOTYPE_NAMES)];
    // Every occurrence of the name, so declarations and their uses still match.
    return tokens.map((t) => (t === name ? replacement : t)).join('');
  },
  /** A string (a package name, a key, an event) replaced by a prototype name. */
  prototypeString(text) {
    const strings = [...text.matchAll(STRING)];
    if (strings.length === 0) return text;
    const match = pick(strings);
    return text.slice(0, match.index) + `'${pick(PROTOTYPE_NAMES)}'` + text.slice(match.index + match[0].length);
  },
  insertHostile(text) {
    const at = below(text.length + 1);
    return text.slice(0, at) + pick(HOSTILE) + text.slice(at);
  },
};

const BYTE_MUTATIONS: Record<string, ByteMutation> = {
  truncate: (bytes) => bytes.subarray(0, below(bytes.length + 1)),
  randomBytes(bytes) {
    const at = below(bytes.length + 1);
    const noise = Buffer.from(Array.from({ length: 1 + below(16) }, () => below(256)));
    return Buffer.concat([bytes.subarray(0, at), noise, bytes.subarray(at)]);
  },
  flipBytes(bytes) {
    const out = Buffer.from(bytes);
    for (let n = 1 + below(4); n > 0 && out.length > 0; n--) out[below(out.length)] = below(256);
    return out;
  },
};

interface Mutant {
  /** Relative to the scan's working directory, as the report prints it. */
  file: string;
  from: string;
  mutations: string[];
  bytes: Buffer;
}

function mutate(source: string, from: string, index: number): Mutant {
  const mutations: string[] = [];
  let text = source;
  for (let n = 1 + below(3); n > 0; n--) {
    const name = pick(Object.keys(TEXT_MUTATIONS));
    mutations.push(name);
    text = TEXT_MUTATIONS[name]!(text);
  }
  let bytes: Buffer = Buffer.from(text, 'utf8');
  if (random() < 0.5) {
    const name = pick(Object.keys(BYTE_MUTATIONS));
    mutations.push(name);
    bytes = BYTE_MUTATIONS[name]!(bytes);
  }
  const batch = index % BATCHES;
  return { file: `b${batch}/m${String(index).padStart(3, '0')}${extname(from)}`, from, mutations, bytes };
}

/**
 * Modules that use every prototype name as an export (local, re-exported, through `export *`
 * cycles), an import, a namespace and CommonJS member and a package name; added to every batch
 * as they are, next to the mutants.
 */
const PROTOTYPE_MODULES: Record<string, string> = {
  'proto/exports.mjs': [
    'const hits = new Map();',
    'const seen = new Set();',
    'export { hits as __proto__, hits as constructor, seen as toString };',
    'export function hasOwnProperty(req) { seen.add(req.query.id); }',
    'export const valueOf = { count: 0 };',
    "export * from './star.mjs';",
    '',
  ].join('\n'),
  'proto/star.mjs': [
    "export * from './exports.mjs';",
    'export const isPrototypeOf = new Map();',
    "export { default as propertyIsEnumerable } from './common.js';",
    '',
  ].join('\n'),
  'proto/common.js': [
    'const counters = {};',
    'module.exports = counters;',
    'module.exports.propertyIsEnumerable = function (req) { counters[req.ip] = 1; };',
    'exports.__defineGetter__ = new Map();',
    'exports.toLocaleString = () => counters.constructor;',
    '',
  ].join('\n'),
  'proto/app.mjs': [
    "import express from 'express';",
    "import cache from 'constructor';",
    "import { toString as valueOf } from 'toString';",
    "import { __proto__ as proto, constructor, toString, hasOwnProperty, valueOf as value, isPrototypeOf, propertyIsEnumerable } from './exports.mjs';",
    "import * as ns from './star.mjs';",
    "import common from './common.js';",
    "const { toLocaleString, __proto__: base } = require('./common.js');",
    'const app = express();',
    'const made = cache();',
    'const other = new valueOf.constructor();',
    "app.get('/', (req, res) => {",
    '  proto.set(req.ip, 1); constructor.set(req.ip, 2); toString.add(req.ip); hasOwnProperty(req); value.count++; isPrototypeOf.clear();',
    '  ns.toString.add(req.ip); ns.valueOf.count++; ns.hasOwnProperty(req); ns.constructor.clear(); ns.__proto__.delete(req.ip); ns.isPrototypeOf.set(1, 2);',
    '  common.propertyIsEnumerable(req); common.hasOwnProperty(req.ip); common.toString(); common.__defineGetter__.set(req.ip, 1); propertyIsEnumerable(req);',
    "  require('./common.js').hasOwnProperty('x'); require('./common.js').toLocaleString.x = 1; toLocaleString(); base.valueOf = req.ip;",
    '  res.end();',
    '});',
    'app.listen(3000);',
    '',
  ].join('\n'),
};

/** Packages named after prototype members, configured (`__proto__` is refused as a key). */
const PROTOTYPE_CONFIG = {
  packages: Object.fromEntries(
    PROTOTYPE_NAMES.filter((n) => n !== '__proto__').map((name, i) => [
      name,
      i % 2 === 0 ? 'process-cache' : { category: 'module-state', exports: PROTOTYPE_NAMES },
    ]),
  ),
  rules: { 'process-cache': ['error', { allow: PROTOTYPE_NAMES }] },
  // Every mutant is a program of its own: no scope (a mutant that starts a server would make the
  // others unreached context of one program).
  defaultScope: false,
};

interface Report {
  version: number;
  findings: {
    ruleId: string;
    category: string;
    severity: string;
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    message: string;
    related: { file: string; line: number; column: number; message: string }[];
    fingerprint: string;
    subject: string;
  }[];
  errors: { file: string; message: string }[];
  skipped: { file: string; kind: string; reason: string }[];
  summary: { files: number; findings: number; errors: number; skipped: Record<string, number>; durationMs: number };
}

/** The JSON output contract (docs/output-contract.md), checked field by field. */
function checkContract(report: Report, lines: (file: string) => number): void {
  expect(Object.keys(report).sort()).toEqual(['errors', 'findings', 'skipped', 'summary', 'version']);
  expect(report.version).toBe(1);
  for (const f of report.findings) {
    const where = `${f.file}:${f.line}:${f.column}`;
    expect((CATEGORIES as readonly string[]).includes(f.category), where).toBe(true);
    expect(f.ruleId, where).toMatch(/^statecheck\/no-[a-z-]+$/);
    expect(['error', 'warn'], where).toContain(f.severity);
    expect(f.message.length, where).toBeGreaterThan(0);
    expect(f.fingerprint, where).toMatch(/^[0-9a-f]{24}:\d+$/);
    expect(typeof f.subject === 'string' && f.subject.length > 0, `${where} subject`).toBe(true);
    // A related location may be in another file (a write through an import).
    for (const [file, line, column] of [
      [f.file, f.line, f.column],
      [f.file, f.endLine, f.endColumn],
      ...f.related.map((r) => [r.file, r.line, r.column] as const),
    ] as const) {
      expect(Number.isInteger(line) && line >= 1 && line <= lines(file), `${where} line ${line}`).toBe(true);
      expect(Number.isInteger(column) && column >= 1, `${where} column ${column}`).toBe(true);
    }
    expect(f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column), where).toBe(true);
  }
  for (const e of report.errors) {
    expect(typeof e.file === 'string' && typeof e.message === 'string' && e.message.length > 0, JSON.stringify(e)).toBe(
      true,
    );
  }
  for (const s of report.skipped) {
    expect(typeof s.file === 'string' && typeof s.kind === 'string' && s.reason.length > 0, JSON.stringify(s)).toBe(
      true,
    );
  }
  expect(report.summary.findings).toBe(report.findings.length);
  expect(report.summary.errors).toBe(report.errors.length);
  expect(Object.values(report.summary.skipped).reduce((a, b) => a + b, 0)).toBe(report.skipped.length);
}

describe(`fuzzing: ${MUTANTS} mutants of the category fixtures (seed ${SEED})`, () => {
  let dir = '';
  const mutants: Mutant[] = [];
  const byFile = new Map<string, Mutant>();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-fuzz-'));
    const fixtures = categoryFixtures();
    for (let i = 0; i < MUTANTS; i++) {
      const fixture = fixtures[below(fixtures.length)]!;
      const mutant = mutate(readFileSync(fixture.file, 'utf8'), fixture.rel, i);
      mutants.push(mutant);
      byFile.set(mutant.file, mutant);
      mkdirSync(join(dir, `b${i % BATCHES}`), { recursive: true });
      writeFileSync(join(dir, mutant.file), mutant.bytes);
    }
    for (let batch = 0; batch < BATCHES; batch++) {
      for (const [rel, text] of Object.entries(PROTOTYPE_MODULES)) {
        const mutant: Mutant = {
          file: `b${batch}/${rel}`,
          from: 'prototype names',
          mutations: [],
          bytes: Buffer.from(text),
        };
        mutants.push(mutant);
        byFile.set(mutant.file, mutant);
        mkdirSync(join(dir, `b${batch}`, 'proto'), { recursive: true });
        writeFileSync(join(dir, mutant.file), mutant.bytes);
      }
    }
    writeFileSync(join(dir, 'statecheck.config.json'), JSON.stringify(PROTOTYPE_CONFIG));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Lines of a mutant as an editor counts them (after decoding; CR, LF and CRLF end a line). */
  const lines = (file: string) =>
    new TextDecoder().decode(byFile.get(file)!.bytes).split(/\r\n|[\r\n\u2028\u2029]/).length;
  const describeMutant = (file: string) => {
    const m = byFile.get(file);
    return m ? `${file} (from ${m.from}: ${m.mutations.join(', ')})` : file;
  };
  const reports: Report[] = [];

  it.each(Array.from({ length: BATCHES }, (_, i) => i))(
    'batch %i: never crashes, prints the JSON contract, loses no file',
    async (batch) => {
      const { code, stdout, stderr } = await runCli(
        ['--format', 'json', '--no-cache', '--jobs', '1', `b${batch}`],
        dir,
      );
      expect(stderr, stderr).toBe('');
      expect([0, 1], `exit code ${code}`).toContain(code);
      const report = JSON.parse(stdout) as Report;
      checkContract(report, lines);
      const expected = mutants.filter((m) => m.file.startsWith(`b${batch}/`)).map((m) => m.file);
      // Every mutant was discovered and scanned; whatever it gave is about one of them.
      expect(report.summary.files).toBe(expected.length);
      for (const file of [
        ...report.findings.map((f) => f.file),
        ...report.errors.map((e) => e.file),
        ...report.skipped.map((s) => s.file),
      ])
        expect(expected, describeMutant(file)).toContain(file);
      // Analysis problems are reported as such, never as a crash of statecheck itself.
      for (const e of report.errors)
        expect(e.message, describeMutant(e.file)).not.toMatch(
          /^(analysis failed|parsing failed|analysis crashed|detector )/,
        );
      reports.push(report);
    },
  );

  it('all mutants at once on worker threads give the same findings and errors as the batches', async () => {
    expect(reports).toHaveLength(BATCHES);
    const { code, stdout, stderr } = await runCli(
      ['--format', 'json', '--no-cache', '--jobs', '2', ...Array.from({ length: BATCHES }, (_, i) => `b${i}`)],
      dir,
    );
    expect(stderr).toBe('');
    expect([0, 1]).toContain(code);
    const all = JSON.parse(stdout) as Report;
    expect(all.summary.files).toBe(mutants.length);
    expect(all.findings).toEqual(reports.flatMap((r) => r.findings));
    expect(all.errors).toEqual(reports.flatMap((r) => r.errors));
    expect(all.skipped).toEqual(reports.flatMap((r) => r.skipped));
  });
});
