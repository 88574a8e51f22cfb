import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { analyzeSourceFile, parseSource } from '../../core/index.js';
import { readSuppressions } from '../../core/suppressions.js';
import { lint } from './util.js';

const handler = (comment: string, sameLine = '') =>
  [
    "import express from 'express';",
    'const app = express();',
    comment,
    `const seen = new Set();${sameLine}`,
    "app.get('/', (req, res) => { seen.add(req.ip); res.end(); });",
    '',
  ].join('\n');

describe('suppressions', () => {
  it.each([
    ['// statecheck-disable-next-line module-state -- per-instance metric'],
    ['// statecheck-disable-next-line no-module-state -- per-instance metric'],
    ['// statecheck-disable-next-line statecheck/no-module-state, process-cache -- per-instance metric'],
    ['// statecheck-disable-next-line -- everything on the next line is intentional'],
    ['/* statecheck-disable module-state -- legacy module, see ticket 42 */'],
  ])('%s silences the finding', (comment) => {
    expect(lint(handler(comment), 'src/app.ts', { honourEslintComments: true })).toEqual([]);
  });

  it('statecheck-disable-line on the declaration line silences it', () => {
    expect(lint(handler('', ' // statecheck-disable-line module-state -- metric'))).toEqual([]);
  });

  it('a comment for another category does not', () => {
    expect(lint(handler('// statecheck-disable-next-line process-cache -- not this one'))).toEqual(['4:module-state']);
  });

  it('a statecheck comment without a reason is ignored, and the finding says so', () => {
    const code = handler('// statecheck-disable-next-line module-state');
    const { findings } = analyzeSourceFile(ts, parseSource(ts, 'a.ts', code));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/ignored: give a reason after `--`/);
  });

  it('eslint-disable comments for statecheck rules count only when the host asks', () => {
    const code = handler('// eslint-disable-next-line statecheck/no-module-state');
    expect(lint(code, 'src/app.ts', { honourEslintComments: true })).toEqual([]);
    expect(lint(code, 'src/app.ts', { honourEslintComments: false })).toEqual(['4:module-state']);
    const other = handler('// eslint-disable-next-line no-console');
    expect(lint(other, 'src/app.ts', { honourEslintComments: true })).toEqual(['4:module-state']);
  });

  it('an eslint-disable block ends at eslint-enable', () => {
    const code = [
      '/* eslint-disable statecheck/no-module-state */',
      'const a = [];',
      '/* eslint-enable statecheck/no-module-state */',
      'const b = [];',
      'export function f(x) { a.push(x); b.push(x); }',
    ].join('\n');
    expect(lint(code, 'src/app.ts', { honourEslintComments: true })).toEqual(['4:module-state']);
  });

  it('a directive starts its comment: one quoted inside another comment is prose', () => {
    expect(lint(handler('// see /* statecheck-disable -- quoted in a note */'))).toEqual(['4:module-state']);
  });

  it('a block comment spans lines: its names and reason count, and next-line means the line after it ends', () => {
    const comment = '/* statecheck-disable-next-line module-state\n   -- per-instance metric, scraped per pod */';
    expect(lint(handler(comment))).toEqual([]);
    expect(lint(handler(`${comment}\n`))).toEqual(['6:module-state']);
  });

  it('directive text in strings, templates, regular expressions and JSX text is not a comment', () => {
    for (const decoy of [
      "const a = '/* statecheck-disable -- x */';",
      'const a = `// statecheck-disable -- x\\n`;',
      'const a = `${0}/* statecheck-disable -- x */${1}`;',
      'const a = /\\/* statecheck-disable -- x */;',
    ]) {
      expect(lint(handler(decoy)), decoy).toEqual(['4:module-state']);
    }
    expect(lint(handler('const a = <p>/* statecheck-disable -- x */</p>;'), 'src/app.tsx')).toEqual(['4:module-state']);
    expect(lint(handler('f(1, /* statecheck-disable -- between punctuation */);'))).toEqual([]);
  });
});

describe('readSuppressions: the categories directives turn off at a position', () => {
  const read = (code: string, honourEslint = false) =>
    readSuppressions(ts, parseSource(ts, 'src/app.ts', code), honourEslint);
  const lines = [
    '// statecheck-disable-next-line process-cache, no-module-state -- per instance',
    'const a = new Map();',
    '// statecheck-disable-next-line socket-registry',
    'const b = new Map();',
    '// eslint-disable-next-line statecheck/no-process-lock -- per instance',
    'const c = new Map();',
    "const d = '// statecheck-disable-line -- in a string';",
    '/* statecheck-disable -- legacy */',
    'const e = new Map();',
    '',
  ];
  const code = lines.join('\n');
  const at = (line: number) => code.indexOf(lines[line - 1]!);

  it('names the categories a directive with a reason covers, in category order', () => {
    expect(read(code).suppressedCategoriesAt(at(2))).toEqual(['module-state', 'process-cache']);
    expect(read(code).at(at(2), 'process-cache')).toBe('silenced');
    expect(read(code).at(at(2), 'process-lock')).toBeUndefined();
  });

  it('a statecheck directive without a reason turns nothing off, and says so', () => {
    expect(read(code).suppressedCategoriesAt(at(4))).toEqual([]);
    expect(read(code).at(at(4), 'socket-registry')).toBe('ignored');
  });

  it('ESLint directives count only when honoured; text in a string is no directive; a block covers what follows', () => {
    expect(read(code).suppressedCategoriesAt(at(6))).toEqual([]);
    expect(read(code, true).suppressedCategoriesAt(at(6))).toEqual(['process-lock']);
    expect(read(code).suppressedCategoriesAt(at(7))).toEqual([]);
    expect(read(code).suppressedCategoriesAt(at(9))).toHaveLength(9);
  });

  it('a file without directives turns nothing off', () => {
    expect(read('const a = new Map();\n').suppressedCategoriesAt(0)).toEqual([]);
  });
});
