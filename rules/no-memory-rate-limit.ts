import { categoryRule } from './create-rule.js';

/** `statecheck/no-memory-rate-limit`: rate limiters that count in process memory (core category `memory-rate-limit`). */
export default categoryRule('memory-rate-limit');
