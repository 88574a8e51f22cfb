import { categoryRule } from './create-rule.js';

/** `statecheck/no-in-process-scheduler`: timers and cron jobs started by the web process (core category `in-process-scheduler`). */
export default categoryRule('in-process-scheduler');
