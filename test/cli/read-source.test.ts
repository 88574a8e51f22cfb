import { describe, expect, it } from 'vitest';
import { decodeSource, minifiedReason } from '../../cli/source.js';
import { lineStarts } from '../../core/index.js';

const code = (lines: number) => Array.from({ length: lines }, (_, i) => `const value${i} = compute(${i});`).join('\n');

describe('binary files', () => {
  it('calls a file binary for a NUL byte or more than one control byte in ten', () => {
    expect(decodeSource(Buffer.from('const a = 1;\0\n'))).toHaveProperty('skip', 'binary');
    const noisy = Buffer.from('ab\x01cd\x02ef\x03gh\x04ij\x05kl\x06mn\x07');
    expect(decodeSource(noisy)).toHaveProperty('skip', 'binary');
  });

  it('reads text with a few control bytes, tabs, form feeds and ESC', () => {
    const text = `${code(20)}\n\f\t// \x1b[31mred\x1b[0m and one \x01 control byte\n`;
    expect(decodeSource(Buffer.from(text))).toEqual({ text });
  });
});

describe('generated and minified files', () => {
  it('calls one long line per file minified, whatever its position', () => {
    expect(minifiedReason(`var a=${'1+'.repeat(2000)}1;`)).toMatch(/^lines average \d+ characters$/);
    expect(minifiedReason(`${'x'.repeat(3000)}\n${'y'.repeat(3000)}\n`)).toMatch(/^lines average/);
  });

  it('leaves hand-written code alone, a long line without a source map comment too', () => {
    expect(minifiedReason(code(200))).toBeUndefined();
    expect(minifiedReason(`${code(200)}\nconst table = '${'z'.repeat(5000)}';\n`)).toBeUndefined();
  });

  it('calls a file with a source map comment and a line over 1000 characters minified', () => {
    const bundle = `${code(200)}\n(function(){${'a+'.repeat(600)}})();\n//# sourceMappingURL=app.js.map\n`;
    expect(minifiedReason(bundle)).toMatch(/^a source map comment and a 1217-character line$/);
    expect(minifiedReason(`${code(200)}\n//# sourceMappingURL=app.js.map\n`)).toBeUndefined();
  });

  it('counts CR and CRLF line ends like LF', () => {
    expect(minifiedReason(code(200).replace(/\n/g, '\r\n'))).toBeUndefined();
    expect(minifiedReason(code(200).replace(/\n/g, '\r'))).toBeUndefined();
  });
});

describe('lineStarts', () => {
  it('gives the same lines for LF-only text by the fast path and for mixed line ends', () => {
    expect(lineStarts('a\nbb\n\nccc')).toEqual([0, 2, 5, 6]);
    expect(lineStarts('a\r\nbb\r\rccc\u2028d')).toEqual([0, 3, 6, 7, 11]);
    expect(lineStarts('')).toEqual([0]);
  });
});
