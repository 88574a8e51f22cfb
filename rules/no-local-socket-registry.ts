import { categoryRule } from './create-rule.js';

/** `statecheck/no-local-socket-registry`: connection registries and event fan-out local to one process (core category `socket-registry`). */
export default categoryRule('socket-registry');
