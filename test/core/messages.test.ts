import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSourceFile, parseSource } from '../../core/index.js';
import { LOG_FIX, OWN_FILE_FIX, UPLOAD_FIX } from '../../core/knowledge/index.js';
import { SETTING_WRITE } from '../../core/messages.js';
import { CATEGORY_INFO } from '../../core/categories.js';

// Messages that fit the finding: the advice for a file depends on what is written, the words for
// a global on whether the value comes from the request.

const lines = (...l: string[]) => `${l.join('\n')}\n`;

function findings(code: string, file = 'src/app.js') {
  return analyzeSourceFile(ts, parseSource(ts, file, code)).findings;
}

const handler = (body: string, imports = "import fs from 'node:fs';") =>
  lines(
    "import express from 'express';",
    imports,
    'const app = express();',
    `app.post('/x', async (req, res) => {`,
    body,
    '});',
  );

describe('file-write advice', () => {
  it.each([
    [
      'an upload buffer (multer memory storage)',
      'fs.writeFileSync(`uploads/${req.file.originalname}`, req.file.buffer);',
    ],
    ['the raw request body', 'await fs.promises.writeFile(`avatars/${req.params.id}.png`, req.body);'],
    ['an upload moved from its temp path', 'fs.renameSync(req.files.doc.tempFilePath, `docs/${req.params.id}`);'],
    [
      'a data value taken from req.file',
      'const { buffer } = req.file;\n  fs.writeFileSync(`u/${req.params.id}`, buffer);',
    ],
  ])('%s gets the upload advice', (_, body) => {
    expect(findings(handler(body)).map((f) => f.suggestion)).toEqual([UPLOAD_FIX]);
  });

  it('a part of the request form data, as bytes, gets the upload advice', () => {
    const code = lines(
      "import { writeFile } from 'node:fs/promises';",
      'export async function POST(request) {',
      '  const form = await request.formData();',
      "  const file = form.get('file');",
      '  await writeFile(`uploads/${file.name}`, Buffer.from(await file.arrayBuffer()));',
      '}',
    );
    expect(findings(code, 'app/api/uploads/route.js').map((f) => f.suggestion)).toEqual([UPLOAD_FIX]);
  });

  it('a multipart file stream piped into a write stream gets the upload advice', () => {
    const code = lines(
      "import busboy from 'busboy';",
      "import fs from 'node:fs';",
      'export function upload(req) {',
      '  const bb = busboy({ headers: req.headers });',
      "  bb.on('file', (name, file) => file.pipe(fs.createWriteStream(`inbox/${name}`)));",
      '  req.pipe(bb);',
      '}',
    );
    expect(findings(code).map((f) => f.suggestion)).toEqual([UPLOAD_FIX]);
  });

  it.each([
    ['appendFile', "fs.appendFileSync('audit.log', JSON.stringify(req.body));"],
    ['an append stream', "fs.createWriteStream('requests.txt', { flags: 'a' }).write(req.url);"],
    ['a .log file', "fs.writeFileSync('errors.log', String(req.query.e));"],
  ])('log lines (%s) get the log advice', (_, body) => {
    expect(findings(handler(body)).map((f) => f.suggestion)).toEqual([LOG_FIX]);
  });

  it.each([
    ['JSON the server builds', "fs.writeFileSync('data/settings.json', JSON.stringify(req.body));"],
    ['a search index', "fs.writeFileSync('index/search.idx', buildIndex(await loadPages()));"],
    ['a report it renders', "const csv = await render(req.params.month);\n  fs.writeFileSync('reports/r.csv', csv);"],
  ])('a file the server writes for its own use (%s) gets the own-file advice', (_, body) => {
    const [finding] = findings(handler(body));
    expect(finding?.suggestion).toEqual(OWN_FILE_FIX);
    expect(finding?.message).not.toContain('multer-s3');
  });
});

describe('global-mutation words', () => {
  const leak = CATEGORY_INFO['global-mutation'].breaks;

  it.each([
    ['a value from the request', 'process.env.TENANT = req.params.tenant;'],
    [
      'a value derived from it in a local',
      'const user = await load(req.headers.authorization);\n  globalThis.currentUser = user;',
    ],
    ['request data in Object.assign', "Object.assign(process.env, { LOCALE: req.get('accept-language') });"],
  ])('%s leaks between users', (_, body) => {
    const [finding] = findings(handler(body, ''));
    expect(finding?.message).toContain(leak);
    expect(finding?.suggestion).toEqual(CATEGORY_INFO['global-mutation'].suggestion);
  });

  it.each([
    ['a constant', "process.env.MAINTENANCE = 'on';"],
    ['a removed setting', 'delete process.env.MAINTENANCE;'],
    [
      'configuration fetched by the server',
      'const values = await fetchSecrets();\n  Object.assign(process.env, values);',
    ],
    ['a counter', 'global.requests++;'],
  ])('%s is a server-wide setting that goes stale on other replicas', (_, body) => {
    const [finding] = findings(handler(body, ''));
    expect(finding?.message).toContain(SETTING_WRITE.breaks);
    expect(finding?.message).not.toContain(leak);
    expect(finding?.suggestion).toEqual(SETTING_WRITE.suggestion);
  });
});
