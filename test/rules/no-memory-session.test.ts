import rule from '../../rules/no-memory-session.js';
import { code, fixed, found, js, ruleTester, ts } from './tester.js';

const noStore = code`
  const express = require('express');
  const session = require('express-session');

  const app = express();
  app.use(
    session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }),
  );
`;

const fastify = code`
  import Fastify from 'fastify';
  import fastifyCookie from '@fastify/cookie';
  import fastifySession from '@fastify/session';

  const app = Fastify();
  app.register(fastifyCookie);
  app.register(fastifySession, { secret: process.env.SESSION_SECRET! });
`;

const renamed = code`
  import makeSession from 'express-session';
  export const sessions = makeSession({ secret: 's' });
`;

ruleTester.run('no-memory-session', rule, {
  valid: [
    // The fixed version: a shared store.
    js({
      code: code`
        const session = require('express-session');
        const { RedisStore } = require('connect-redis');
        const { redis } = require('./redis');
        module.exports = session({ store: new RedisStore({ client: redis }), secret: 's', resave: false });
      `,
    }),
    // A local class that happens to be called MemoryStore is not express-session's.
    ts({
      code: code`
        class MemoryStore { get(id: string) { return id; } }
        export const store = new MemoryStore();
      `,
    }),
    // Sessions in a signed cookie.
    ts({
      code: `import cookieSession from 'cookie-session';\nexport const sessions = cookieSession({ keys: ['k'] });\n`,
    }),
    js({ code: noStore, settings: { statecheck: { deployment: 'single-instance' } } }),
    js({ code: noStore, options: [{ allow: ['express-session'] }] }),
  ],
  invalid: [
    // The catalogue's fix as a suggestion: the store option and its require, never an autofix.
    js({
      code: noStore,
      errors: [
        fixed(noStore, 'memory-session', 6, 3, {
          summary: 'Keep sessions in Redis: add `store: new RedisStore({ client: redis })` (connect-redis)',
          packages: 'connect-redis redis',
          output: code`
            const express = require('express');
            const session = require('express-session');
            const { RedisStore } = require('connect-redis');

            const app = express();
            app.use(
              session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false, store: new RedisStore({ client: redis }) }),
            );
          `,
        }),
      ],
    }),
    ts({ code: fastify, errors: [found(fastify, 'memory-session', 7, 1)] }),
    // Renaming the import does not hide it.
    ts({
      code: renamed,
      errors: [
        {
          ...fixed(renamed, 'memory-session', 2, 25, {
            summary: 'Keep sessions in Redis: add `store: new RedisStore({ client: redis })` (connect-redis)',
            packages: 'connect-redis redis',
            output: code`
              import makeSession from 'express-session';
              import { RedisStore } from 'connect-redis';
              export const sessions = makeSession({ secret: 's', store: new RedisStore({ client: redis }) });
            `,
          }),
          endLine: 2,
          endColumn: 53,
        },
      ],
    }),
  ],
});
