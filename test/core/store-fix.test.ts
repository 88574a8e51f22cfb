import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { analyzeSourceFile, CATALOGUE, parseSource, storeFixEdits } from '../../core/index.js';

// The store and adapter fixes the ESLint rules suggest come from the catalogue's rows; the edits
// are only written into code of a shape they fit.

/** The file after the fix of its first finding, or undefined when it has none. */
function fixedText(code: string, fileName = 'src/app.js'): string | undefined {
  const sourceFile = parseSource(ts, fileName, code);
  const finding = analyzeSourceFile(ts, sourceFile).findings[0];
  if (!finding) throw new Error('no finding');
  const fix = storeFixEdits(ts, sourceFile, finding);
  if (!fix) return undefined;
  let text = code;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start))
    text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return text;
}

describe('store fixes', () => {
  it('are catalogue data: each row with a fix names the packages its imports come from', () => {
    const rows = CATALOGUE.filter((row) => row.fix);
    expect(rows.map((row) => row.label).sort()).toEqual([
      'express-rate-limit',
      'express-session',
      'multer diskStorage',
      'socket.io',
    ]);
    for (const row of rows)
      for (const spec of row.fix!.imports) expect(row.fix!.install, row.label).toContain(spec.module);
  });

  it('session() with no options gets an options object', () => {
    expect(fixedText("import session from 'express-session';\nexport const s = session();\n")).toBe(
      "import session from 'express-session';\nimport { RedisStore } from 'connect-redis';\nexport const s = session({ store: new RedisStore({ client: redis }) });\n",
    );
  });

  it('an import already there is not added twice', () => {
    expect(
      fixedText(
        "import session from 'express-session';\nimport { RedisStore } from 'connect-redis';\nexport const s = session({ secret: 'x' });\n",
      ),
    ).toBe(
      "import session from 'express-session';\nimport { RedisStore } from 'connect-redis';\nexport const s = session({ secret: 'x', store: new RedisStore({ client: redis }) });\n",
    );
  });

  it('no fix where it would not fit: options not written in place, a name the file uses, an unnamed server', () => {
    expect(
      fixedText("import session from 'express-session';\nconst o = {};\nexport const s = session(o);\n"),
    ).toBeUndefined();
    expect(
      fixedText(
        "import session from 'express-session';\nimport { RedisStore } from './my-store';\nexport const s = session({});\n",
      ),
    ).toBeUndefined();
    expect(
      fixedText("import { Server } from 'socket.io';\nexport default new Server(3000).on('connection', () => {});\n"),
    ).toBeUndefined();
  });
});
