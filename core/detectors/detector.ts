import type { FileContext } from '../context.js';
import type { FileSketch } from '../sketch.js';
import type { Category, CoreFinding } from '../types.js';

/** One way a detector finds state, with the cheap test that rules a file out. */
export interface Finder {
  /**
   * False when `find` can report nothing on the file, judged cheaply from its sketch (text,
   * imports, top-level declarations) before any analysis. A test too narrow loses findings
   * (test/core/detectors.test.ts runs every finder on the fixtures to check).
   */
  mayMatch(file: FileSketch): boolean;
  find(ctx: FileContext): CoreFinding[];
}

/** A detector: one category's findings in one file, and the test that skips files without any. */
export interface Detector extends Finder {
  readonly category: Category;
}

/**
 * A detector made of finders: it may match a file where any of them may, and runs those that
 * may, in order. Each finder's test is declared once, with it.
 */
export function detector(category: Category, ...finders: Finder[]): Detector {
  return {
    category,
    mayMatch: (file) => finders.some((finder) => finder.mayMatch(file)),
    find: (ctx) => finders.flatMap((finder) => (finder.mayMatch(ctx.sketch) ? finder.find(ctx) : [])),
  };
}
