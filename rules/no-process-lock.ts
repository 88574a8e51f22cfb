import { categoryRule } from './create-rule.js';

/** `statecheck/no-process-lock`: locks that only exclude callers in the same process (core category `process-lock`). */
export default categoryRule('process-lock');
