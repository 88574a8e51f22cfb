import { categoryRule } from './create-rule.js';

/** `statecheck/no-local-file-write`: writes to the instance's local disk on a request path (core category `file-write`). */
export default categoryRule('file-write');
