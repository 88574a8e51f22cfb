import { categoryRule } from './create-rule.js';

/** `statecheck/no-memory-session`: sessions kept in process memory (core category `memory-session`). */
export default categoryRule('memory-session');
