import rule from '../../rules/no-memory-rate-limit.js';
import { code, fixed, found, js, ruleTester, ts } from './tester.js';

const limiter = code`
  import express from 'express';
  import rateLimit from 'express-rate-limit';

  const app = express();
  const apiLimiter = rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: 100,
  });
  app.use('/api', apiLimiter);
`;

const flexible = code`
  const { RateLimiterMemory } = require('rate-limiter-flexible');
  const limiter = new RateLimiterMemory({ points: 5, duration: 1 });
  module.exports = async (req, res, next) => {
    await limiter.consume(req.ip);
    next();
  };
`;

ruleTester.run('no-memory-rate-limit', rule, {
  valid: [
    // The fixed version: counters in Redis.
    ts({
      code: code`
        import rateLimit from 'express-rate-limit';
        import { RedisStore } from 'rate-limit-redis';
        import { redis } from './redis';
        export const limiter = rateLimit({ store: new RedisStore({ sendCommand: (...args: string[]) => redis.sendCommand(args) }) });
      `,
    }),
    js({
      code: code`
        const { RateLimiterRedis } = require('rate-limiter-flexible');
        const Redis = require('ioredis');
        module.exports = new RateLimiterRedis({ storeClient: new Redis(), points: 5, duration: 1 });
      `,
    }),
    ts({ code: limiter, settings: { statecheck: { deployment: 'single-instance' } } }),
    ts({ code: limiter, options: [{ allow: ['express-rate-limit'] }] }),
  ],
  invalid: [
    ts({
      code: limiter,
      errors: [
        fixed(limiter, 'memory-rate-limit', 5, 20, {
          summary: 'Count hits in Redis: add `store: new RedisStore({ sendCommand })` (rate-limit-redis)',
          packages: 'rate-limit-redis redis',
          output: code`
            import express from 'express';
            import rateLimit from 'express-rate-limit';
            import { RedisStore } from 'rate-limit-redis';

            const app = express();
            const apiLimiter = rateLimit({
              windowMs: 15 * 60 * 1000,
              limit: 100,
              store: new RedisStore({ sendCommand: (...args) => redis.sendCommand(args) }),
            });
            app.use('/api', apiLimiter);
          `,
        }),
      ],
    }),
    js({ code: flexible, errors: [found(flexible, 'memory-rate-limit', 2, 17)] }),
  ],
});
