import { categoryRule } from './create-rule.js';

/** `statecheck/no-process-cache`: caches that live in process memory (core category `process-cache`). */
export default categoryRule('process-cache');
