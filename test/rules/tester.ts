import { RuleTester } from '@typescript-eslint/rule-tester';
import * as espree from 'espree';
import { afterAll, describe, it } from 'vitest';
import { REASON_PLACEHOLDER } from '../../rules/analyze.js';
import type { Category } from '../../core/index.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** typescript-eslint's parser by default; `js()` cases switch to espree, ESLint's own. */
export const ruleTester = new RuleTester();

/** A JavaScript case parsed by espree, as ESLint does without a parser configured. */
export function js<T extends { code: string }>(
  test: T & { filename?: string },
): T & { filename: string; languageOptions: { parser: typeof espree } } {
  return { filename: 'src/server.js', ...test, languageOptions: { parser: espree } };
}

/** A TypeScript case parsed by typescript-eslint's parser. */
export function ts<T extends { code: string }>(test: T & { filename?: string }): T & { filename: string } {
  return { filename: 'src/server.ts', ...test };
}

/** Removes the common indentation of a template literal's lines, so cases can be indented. */
export function code(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values)
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '\n');
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => /^ */.exec(l)![0].length),
  );
  return text
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}

/**
 * The expected output of the suppression suggestion: the comment inserted above `line`, with
 * that line's indentation.
 */
export function suppressedAt(source: string, line: number, category: Category): string {
  const lines = source.split('\n');
  const indent = /^[ \t]*/.exec(lines[line - 1]!)![0];
  lines.splice(line - 1, 0, `${indent}// statecheck-disable-next-line ${category} -- ${REASON_PLACEHOLDER}`);
  return lines.join('\n');
}

/** One `found` error with its suppression suggestion. */
export function found(source: string, category: Category, line: number, column: number) {
  return {
    messageId: 'found' as const,
    line,
    column,
    suggestions: [{ messageId: 'suppress' as const, data: { category }, output: suppressedAt(source, line, category) }],
  };
}

/**
 * A `found` error whose first suggestion writes the catalogue's fix (`output`: the whole file
 * after it), then the suppression suggestion.
 */
export function fixed(
  source: string,
  category: Category,
  line: number,
  column: number,
  fix: { summary: string; packages: string; output: string },
) {
  const error = found(source, category, line, column);
  return {
    ...error,
    suggestions: [
      {
        messageId: 'storeFix' as const,
        data: { summary: fix.summary, packages: fix.packages },
        output: fix.output,
      },
      ...error.suggestions,
    ],
  };
}
