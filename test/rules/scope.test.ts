import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { EXCLUDED_DIRECTORIES, outOfScopeReason } from '../../core/index.js';
import plugin from '../../rules/index.js';
import { ROOT } from '../helpers/fixtures.js';

const FILES = [
  'app.js',
  'server.ts',
  'route.tsx',
  'worker.mjs',
  'legacy.cjs',
  'types.mts',
  'types.cts',
  'view.jsx',
  'app.test.js',
  'app.spec.ts',
  'flow.e2e.tsx',
  'button.stories.tsx',
  'button.story.jsx',
  'parse.bench.mts',
  'a.test.b.js',
  'env.d.ts',
  'env.d.mts',
  'vendor.min.js',
  'vendor.min.cjs',
  'vite.config.ts',
  'next.config.mjs',
  'eslint.config.js',
  'jest.config.cts',
  'config.ts',
  '.eslintrc.js',
  '.prettierrc.cjs',
  'gulpfile.js',
  'Gulpfile.js',
  'Gruntfile.cjs',
  'jakefile.ts',
  'babel.config.js',
  'jest.setup.ts',
  'vitest.setup.mts',
  'setupTests.js',
  'playwright-setup.ts',
  'webpack.prod.js',
  'rollup.config.mjs',
  'Webpack.dev.ts',
  'README.md',
  'data.json',
  'contest.js',
  'latest.ts',
  'testing.js',
];

const DIRECTORIES = [
  '',
  'src/',
  'src/lib/',
  'app/api/users/',
  'testing/',
  'src/tests-utils/',
  'scripts-legacy/',
  ...[...EXCLUDED_DIRECTORIES].flatMap((d) => [`${d}/`, `src/${d}/nested/`]),
];

describe('the recommended config lints what the CLI scans', () => {
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });

  async function linted(path: string): Promise<boolean> {
    const config: unknown = await eslint.calculateConfigForFile(path);
    const rules = typeof config === 'object' && config !== null ? Reflect.get(config, 'rules') : undefined;
    return typeof rules === 'object' && rules !== null && 'statecheck/no-module-state' in rules;
  }

  it('agrees with the core on every sample path', async () => {
    const disagreements: string[] = [];
    for (const dir of DIRECTORIES) {
      for (const file of FILES) {
        const path = `${dir}${file}`;
        const cli = outOfScopeReason(path) === undefined;
        // ESLint never lints inside node_modules/ or .git/, whatever the config says.
        if (/(^|\/)(node_modules|\.git)\//.test(path)) continue;
        if ((await linted(path)) !== cli)
          disagreements.push(`${path}: CLI ${cli ? 'scans' : 'skips'} it, ESLint does not`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('strict also lints scripts/', async () => {
    const strict = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [plugin.configs.strict] });
    const config: unknown = await strict.calculateConfigForFile('scripts/worker.js');
    expect(Reflect.get(Object(config), 'rules')).toHaveProperty('statecheck/no-module-state');
    expect(await linted('scripts/worker.js')).toBe(false);
  });
});
