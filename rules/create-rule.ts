import type { TSESLint } from '@typescript-eslint/utils';
import { type Category, CATEGORY_INFO } from '../core/index.js';
import { docsUrl } from '../cli/package.js';
import { reportFindings } from './analyze.js';
import type { MessageId, RuleOptions, StatecheckDocs, StatecheckRule } from './types.js';

type RuleMeta = Omit<TSESLint.RuleMetaData<MessageId, StatecheckDocs, [RuleOptions]>, 'docs'> & {
  docs: Omit<StatecheckDocs, 'url'> & { description: string };
  defaultOptions: [RuleOptions];
};

/**
 * `createRule({ name, meta, create })` with the docs URL attached once and the default options
 * applied. Written here rather than taken from `@typescript-eslint/utils` so that the plugin
 * (and the CLI) have no runtime dependency that requires ESLint: ESLint 8 does not apply
 * `meta.defaultOptions` itself, so the options are merged here for every version.
 */
function createRule(rule: {
  name: string;
  meta: RuleMeta;
  create: (
    context: Readonly<TSESLint.RuleContext<MessageId, [RuleOptions]>>,
    options: [RuleOptions],
  ) => TSESLint.RuleListener;
}): StatecheckRule {
  const [defaults] = rule.meta.defaultOptions;
  return {
    name: rule.name,
    meta: { ...rule.meta, docs: { ...rule.meta.docs, url: docsUrl(rule.name) } },
    defaultOptions: [defaults],
    create(context) {
      const given: unknown = context.options[0];
      const options: RuleOptions = typeof given === 'object' && given !== null ? { ...defaults, ...given } : defaults;
      return rule.create(context, [options]);
    },
  };
}

/**
 * The rule of a category: metadata from the core's CATEGORY_INFO, and a `create` that reports
 * the category's share of the file's one shared analysis.
 */
export function categoryRule(category: Category): StatecheckRule {
  const info = CATEGORY_INFO[category];
  return createRule({
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
        storeFix: '{{summary}}; install {{packages}}',
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
