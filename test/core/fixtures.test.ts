import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSourceFile, CATEGORIES, lineOf, lineStarts, parseSource } from '../../core/index.js';
import { categoryFixtures, expectedMarkers, read } from '../helpers/fixtures.js';

const fixtures = categoryFixtures();

function findingsOf(file: string): string[] {
  const text = read(file);
  const { findings, errors } = analyzeSourceFile(ts, parseSource(ts, file, text), { honourEslintComments: true });
  expect(errors).toEqual([]);
  const starts = lineStarts(text);
  return findings.map((f) => `${lineOf(starts, f.start)}:${f.category}`).sort();
}

describe('category fixtures', () => {
  for (const fixture of fixtures) {
    it(`${fixture.rel} reports exactly its // expect: markers`, () => {
      const expected = expectedMarkers(read(fixture.file))
        .map((e) => `${e.line}:${e.category}`)
        .sort();
      if (fixture.kind === 'invalid') {
        expect(expected.length, 'an invalid fixture must mark at least one finding').toBeGreaterThan(0);
        expect(
          expected.some((e) => e.endsWith(`:${fixture.category}`)),
          'it must exercise its own category',
        ).toBe(true);
      } else {
        expect(expected, 'a valid fixture marks no finding').toEqual([]);
      }
      expect(findingsOf(fixture.file)).toEqual(expected);
    });
  }

  it.each(CATEGORIES)('%s has at least 6 valid and 6 invalid cases in JS and TS, ESM and CommonJS', (category) => {
    for (const kind of ['valid', 'invalid'] as const) {
      const files = fixtures.filter((f) => f.category === category && f.kind === kind);
      expect(files.length).toBeGreaterThanOrEqual(6);
      const texts = files.map((f) => ({ name: f.rel, text: read(f.file) }));
      expect(
        texts.some((t) => /\.tsx?$/.test(t.name)),
        'a TypeScript case',
      ).toBe(true);
      expect(
        texts.some((t) => /\.[cm]?js$/.test(t.name) && /\brequire\(/.test(t.text)),
        'a CommonJS case',
      ).toBe(true);
      expect(
        texts.some((t) => /^import\s/m.test(t.text) && /\.m?js$/.test(t.name)),
        'an ESM JavaScript case',
      ).toBe(true);
    }
  });
});

/** Every library the core claims to know appears in a fixture. */
const LIBRARIES = [
  'express-session',
  '@fastify/session',
  'memorystore',
  'cookie-session',
  'koa-session',
  'express-rate-limit',
  'express-slow-down',
  'rate-limiter-flexible',
  '@fastify/rate-limit',
  '@express-rate-limit/cluster-memory-store',
  'lru-cache',
  'node-cache',
  'memory-cache',
  'quick-lru',
  'keyv',
  'cache-manager',
  '@nestjs/cache-manager',
  '@apollo/utils.keyvaluecache',
  'memoizee',
  'mem',
  'p-memoize',
  'lodash',
  'multer',
  'formidable',
  'busboy',
  'fs',
  'fs/promises',
  'fs-extra',
  'lowdb/node',
  'nedb',
  'better-sqlite3',
  'sqlite3',
  'socket.io',
  '@socket.io/redis-adapter',
  'ws',
  'events',
  'node-cron',
  'cron',
  'node-schedule',
  'toad-scheduler',
  'cronosjs',
  '@nestjs/schedule',
  'async-mutex',
  'async-lock',
  'redlock',
];

describe('library coverage', () => {
  const all = fixtures.map((f) => read(f.file)).join('\n');
  it.each(LIBRARIES)('%s appears in a fixture', (library) => {
    const quoted = library.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    expect(all).toMatch(new RegExp(`(from|require\\()\\s*['"](node:)?${quoted}['"]`));
  });
  it('express-fileupload mv() appears in a fixture', () => {
    expect(all).toMatch(/\.files\.\w+\.mv\(/);
  });
});
