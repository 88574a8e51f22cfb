import rule from '../../rules/no-in-process-scheduler.js';
import { code, found, js, ruleTester, ts } from './tester.js';

const cron = code`
  const cron = require('node-cron');
  const { purgeExpiredCarts } = require('./carts');

  cron.schedule('*/5 * * * *', async () => {
    await purgeExpiredCarts();
  });
`;

const nest = code`
  import { Injectable } from '@nestjs/common';
  import { Cron, CronExpression } from '@nestjs/schedule';

  @Injectable()
  export class ReportsService {
    @Cron(CronExpression.EVERY_HOUR)
    async rollUp(): Promise<void> {}
  }
`;

const tick = `setInterval(() => console.log('tick'), 60_000);\n`;

ruleTester.run('no-in-process-scheduler', rule, {
  valid: [
    js({ code: cron, options: [{ allow: ['node-cron'] }] }),
    // A one-shot timeout inside a handler.
    ts({
      code: code`
        export function handler(res: { end(): void }) {
          setTimeout(() => res.end(), 100);
        }
      `,
    }),
    // The fixed version: a repeatable queue job, run once for all instances.
    js({
      code: code`
        const { Queue } = require('bullmq');
        const queue = new Queue('maintenance');
        queue.add('purge-carts', {}, { repeat: { pattern: '*/5 * * * *' } });
      `,
    }),
    js({ code: cron, settings: { statecheck: { deployment: 'single-instance' } } }),
  ],
  invalid: [
    js({ code: cron, errors: [found(cron, 'in-process-scheduler', 4, 1)] }),
    ts({ code: nest, errors: [found(nest, 'in-process-scheduler', 6, 3)] }),
    js({ code: tick, errors: [{ ...found(tick, 'in-process-scheduler', 1, 1), endLine: 1, endColumn: 47 }] }),
  ],
});
