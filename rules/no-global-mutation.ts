import { categoryRule } from './create-rule.js';

/** `statecheck/no-global-mutation`: request-time writes to `globalThis`, `global` or `process.env` (core category `global-mutation`). */
export default categoryRule('global-mutation');
