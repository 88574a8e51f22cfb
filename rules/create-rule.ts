import { RuleCreator } from '@typescript-eslint/utils/eslint-utils';
import { type Category, CATEGORY_INFO } from '../core/index.js';
import { docsUrl } from '../cli/package.js';
import { reportFindings } from './analyze.js';
import type { MessageId, RuleOptions, StatecheckDocs, StatecheckRule } from './types.js';

/** `createRule({ name, meta, create })` with the docs URL attached once. */
const createRule = RuleCreator<StatecheckDocs>(docsUrl);

/**
 * The rule of a category: metadata from the core's CATEGORY_INFO, and a `create` that reports
 * the category's share of the file's one shared analysis.
 */
export function categoryRule(category: Category): StatecheckRule {
  const info = CATEGORY_INFO[category];
  return createRule<[RuleOptions], MessageId>({
    name: info.rule,
    meta: {
      type: 'problem',
      docs: { description: info.description, recommended: true, category, scalingOnly: info.scalingOnly },
      hasSuggestions: true,
      messages: {
        // The core's own words: ESLint and the CLI print the same message.
        found: '{{message}}',
        analysisFailed: 'statecheck could not analyse this file for {{category}}: {{error}}',
        suppress:
          'Suppress it with `// statecheck-disable-next-line {{category}} -- <reason>` and say why this state is safe per instance',
      },
      schema: [
        {
          type: 'object',
          properties: {
            confidence: {
              type: 'string',
              enum: ['all', 'certain'],
              description:
                '`all` (default) reports every finding, likely ones with the reason they are not certain; `certain` only the findings whose verdict is in view in the file.',
            },
            allow: {
              type: 'array',
              items: { type: 'string' },
              uniqueItems: true,
              description:
                'Names of state that is intentionally local: the variable, field or class name of hand-rolled state (`productCache`), or the library label of a store (`lru-cache`).',
            },
          },
          additionalProperties: false,
        },
      ],
      defaultOptions: [{ allow: [], confidence: 'all' }],
    },
    create(context, [options]) {
      return {
        Program() {
          reportFindings(context, category, options.allow ?? [], options.confidence ?? 'all');
        },
      };
    },
  });
}
