import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FileContext } from '../../core/context.js';
import { DETECTORS } from '../../core/detectors/index.js';
import { CATEGORIES, type CoreFinding, parseSource } from '../../core/index.js';
import { FileSketch } from '../../core/sketch.js';
import { categoryFixtures, FIXTURES, read, sourceFiles } from '../helpers/fixtures.js';

// The detectors' declarations: each one's `mayMatch` is what lets a file into the analysis, and
// each of its finders runs only where its own test holds. A test too narrow would drop findings.

/** A sketch whose every test holds: every finder runs, as if there were no prefilter. */
class Everything extends FileSketch {
  override get namesPackages(): boolean {
    return true;
  }
  override get declaresState(): boolean {
    return true;
  }
  override mentions(): boolean {
    return true;
  }
}

const parse = (file: string) => parseSource(ts, file, read(file));
const brief = (findings: readonly CoreFinding[]) =>
  findings.map((f) => `${f.start}-${f.end} ${f.category}: ${f.message}`).sort();

describe('detector declarations', () => {
  const fixtures = categoryFixtures();

  it.each(CATEGORIES)('%s declares its own category', (category) => {
    expect(DETECTORS[category].category).toBe(category);
  });

  describe.each(fixtures.filter((f) => f.kind === 'invalid').map((f) => [f.rel, f] as const))('%s', (_, fixture) => {
    it('may match for the detector of its category', () => {
      const sourceFile = parse(fixture.file);
      expect(DETECTORS[fixture.category].mayMatch(new FileSketch(ts, sourceFile))).toBe(true);
    });
  });

  // Every category and cross-file fixture, and the bundled apps: what each detector finds
  // behind its finders' tests is what it finds with every finder run.
  const files = [
    ...fixtures.map((f) => f.file),
    ...sourceFiles(join(FIXTURES, 'cross-file')),
    ...sourceFiles(join(FIXTURES, 'projects')),
  ];

  it.each(files.map((file) => [file.slice(FIXTURES.length + 1), file]))(
    '%s: no finder is ruled out where it finds something',
    (_, file) => {
      const sourceFile = parse(file);
      for (const crossFile of [false, true]) {
        const sketch = new FileSketch(ts, sourceFile);
        const tested = new FileContext(ts, sourceFile, { crossFile, sketch });
        const everything = new FileContext(ts, sourceFile, { crossFile, sketch: new Everything(ts, sourceFile) });
        for (const category of CATEGORIES) {
          const all = brief(DETECTORS[category].find(everything));
          expect(brief(DETECTORS[category].find(tested)), `${category}, crossFile ${crossFile}`).toEqual(all);
          if (all.length > 0) expect(DETECTORS[category].mayMatch(sketch), category).toBe(true);
        }
      }
    },
  );
});
