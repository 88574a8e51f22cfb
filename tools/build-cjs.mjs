// After `tsc`: a CommonJS copy of the ESLint plugin, for `require('statecheck')` in
// `eslint.config.cjs` and ESLint 8's `.eslintrc` (which loads plugins with require). It is one
// bundle of the plugin's own code, with the dependencies left as they are, whose
// `module.exports` is the plugin object itself (not `{ default }`).
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['rules/index.ts'],
  outfile: 'dist/cjs/index.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  // The sources find their package (version, dependencies) from their own location.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  footer: { js: 'module.exports = module.exports.default;' },
});

writeFileSync(
  'dist/cjs/index.d.cts',
  [
    '// The types of the CommonJS entry: the same plugin as the ES module entry.',
    "import type { StatecheckPlugin } from '../rules/index.js';",
    'declare const plugin: StatecheckPlugin;',
    'export = plugin;',
    '',
  ].join('\n'),
);
