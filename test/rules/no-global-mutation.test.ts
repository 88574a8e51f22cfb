import rule from '../../rules/no-global-mutation.js';
import { code, found, js, ruleTester, ts } from './tester.js';

const currentUser = code`
  module.exports = function currentUser(req, res, next) {
    globalThis.currentUser = req.user;
    next();
  };
`;

const env = code`
  import type { Request, Response } from 'express';

  export function enableMaintenance(_req: Request, res: Response) {
    process.env.MAINTENANCE_MODE = '1';
    res.sendStatus(204);
  }
`;

ruleTester.run('no-global-mutation', rule, {
  valid: [
    // Intentionally written at request time, by name.
    js({ code: currentUser, options: [{ allow: ['globalThis.currentUser'] }] }),
    // Set once at start-up: configuration.
    js({ code: `process.env.TZ = 'UTC';\nglobalThis.appStartedAt = Date.now();\n` }),
    // Read at request time, never written.
    ts({ code: `export function handler() {\n  return process.env.FEATURE_FLAG === '1';\n}\n` }),
  ],
  invalid: [
    js({ code: currentUser, errors: [found(currentUser, 'global-mutation', 2, 3)] }),
    ts({ code: env, errors: [found(env, 'global-mutation', 4, 3)] }),
    // A single instance still serves many users at once: the leak remains.
    ts({
      code: env,
      settings: { statecheck: { deployment: 'single-instance' } },
      errors: [found(env, 'global-mutation', 4, 3)],
    }),
  ],
});
