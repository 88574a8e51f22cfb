import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSourceFile, parseSource } from '../../core/index.js';
import { lint } from './util.js';

/** The doubt of each finding of a snippet about its values: `value` where their source is out of view. */
function bases(code: string): string[] {
  const { findings } = analyzeSourceFile(ts, parseSource(ts, 'src/app.js', code));
  return findings.map((f) => `${f.category}:${f.doubt === 'value' ? 'unseen value source' : 'seen'}`);
}

const memo = (value: string, imports = '') => `
import express from 'express';
${imports}
const cache = new Map();
const app = express();
app.get('/:key', async (req, res) => {
  const key = req.params.key;
  if (!cache.has(key)) cache.set(key, ${value});
  res.json(cache.get(key));
});
`;

describe('value sources of a memo', () => {
  it.each([
    ['configuration', 'process.env[key.toUpperCase()]'],
    [
      'a file shipped with the app, compiled',
      "ejs.compile(fs.readFileSync(path.join(__dirname, 'views', key), 'utf8'))",
    ],
    ['package.json', "require('./package.json').version"],
    ['a hash of the key', "crypto.createHash('sha1').update(key).digest('hex')"],
  ])('%s is the same on every instance: not reported', (_, value) => {
    const imports =
      "import fs from 'node:fs';\nimport path from 'node:path';\nimport crypto from 'node:crypto';\nimport ejs from 'ejs';";
    expect(lint(memo(value, imports), 'src/app.js')).toEqual([]);
  });

  it.each([
    ['the database', "(await pool.query('SELECT 1', [key])).rows", "import pg from 'pg';\nconst pool = new pg.Pool();"],
    ['an HTTP call', 'await (await fetch(`https://api/${key}`)).json()', ''],
    ['the clock', '{ key, at: Date.now() }', ''],
    ['randomness', "crypto.randomBytes(16).toString('hex')", "import crypto from 'node:crypto';"],
    ['request data', 'req.body', ''],
  ])('%s varies: reported, on a seen basis', (_, value, imports) => {
    expect(bases(memo(value, imports))).toEqual(['process-cache:seen']);
  });

  it('a value from a function of another file is reported, its basis an unseen value source', () => {
    expect(bases(memo('await loadPlan(key)', "import { loadPlan } from './plans.js';"))).toEqual([
      'process-cache:unseen value source',
    ]);
  });

  it('an object memoised and later written with request data varies', () => {
    const code = `
import express from 'express';
const cache = new Map();
const app = express();
app.get('/:key', (req, res) => {
  let headers = cache.get(req.params.key);
  if (!headers) {
    headers = { 'content-type': 'application/json' };
    cache.set(req.params.key, headers);
  }
  headers['x-token'] = req.get('x-token');
  res.json(headers);
});
`;
    expect(bases(code)).toEqual(['process-cache:seen']);
  });

  it('a flag written at request time is not a memo, even with a constant value', () => {
    const code = `
import express from 'express';
let setupDone = false;
const app = express();
app.post('/setup', (req, res) => {
  if (setupDone) return res.sendStatus(409);
  setupDone = true;
  res.end();
});
`;
    expect(lint(code, 'src/app.js')).toEqual(['3:module-state']);
  });
});
