import rule from '../../rules/no-process-lock.js';
import { code, found, js, ruleTester, ts } from './tester.js';

const mutex = code`
  import { Mutex } from 'async-mutex';
  import { db } from './db';

  const walletMutex = new Mutex();

  export async function withdraw(userId: string, amount: number) {
    return walletMutex.runExclusive(() => db.wallet.decrement(userId, amount));
  }
`;

const asyncLock = code`
  const AsyncLock = require('async-lock');
  const lock = new AsyncLock();
  module.exports = (req, res) => lock.acquire(req.params.id, () => res.end());
`;

ruleTester.run('no-process-lock', rule, {
  valid: [
    // The fixed version: a distributed lock.
    ts({
      code: code`
        import Redlock from 'redlock';
        import { redis } from './redis';
        export const redlock = new Redlock([redis]);
      `,
    }),
    ts({ code: mutex, settings: { statecheck: { deployment: 'single-instance' } } }),
    js({ code: asyncLock, options: [{ allow: ['async-lock'] }] }),
  ],
  invalid: [
    ts({ code: mutex, errors: [found(mutex, 'process-lock', 4, 21)] }),
    js({ code: asyncLock, errors: [found(asyncLock, 'process-lock', 2, 14)] }),
  ],
});
