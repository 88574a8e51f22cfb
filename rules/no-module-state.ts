import { categoryRule } from './create-rule.js';

/** `statecheck/no-module-state`: module-level (or singleton / class-static) mutable state written at request time (core category `module-state`). */
export default categoryRule('module-state');
