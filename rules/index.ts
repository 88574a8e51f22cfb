import { CATEGORY_INFO } from '../core/index.js';

/** Placeholder until the ESLint rules land: the plugin's identity. */
const plugin = {
  meta: { name: 'statecheck', version: '0.1.0' },
  rules: {},
  categories: Object.keys(CATEGORY_INFO),
};

export default plugin;
