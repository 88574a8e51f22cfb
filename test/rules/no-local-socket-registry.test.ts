import rule from '../../rules/no-local-socket-registry.js';
import { code, fixed, found, js, ruleTester, ts } from './tester.js';

const bus = code`
  import { EventEmitter } from 'node:events';
  import express from 'express';

  const app = express();
  const bus = new EventEmitter();

  app.get('/stream', (req, res) => {
    const send = (msg: string) => res.write(\`data: \${msg}\\n\\n\`);
    bus.on('message', send);
    req.on('close', () => bus.off('message', send));
  });
  app.post('/messages', (req, res) => {
    bus.emit('message', String(req.body.text));
    res.sendStatus(202);
  });
`;

const io = code`
  const { createServer } = require('http');
  const { Server } = require('socket.io');

  const httpServer = createServer();
  const io = new Server(httpServer);
  io.on('connection', (socket) => socket.on('chat', (msg) => io.emit('chat', msg)));
  httpServer.listen(3000);
`;

ruleTester.run('no-local-socket-registry', rule, {
  valid: [
    js({ code: io, options: [{ allow: ['socket.io'] }] }),
    ts({ code: bus, options: [{ allow: ['EventEmitter'] }] }),
    // The fixed version: a Redis adapter fans messages out to every instance.
    js({
      code: code`
        const { Server } = require('socket.io');
        const { createAdapter } = require('@socket.io/redis-adapter');
        const { pub, sub } = require('./redis');
        const io = new Server(3000);
        io.adapter(createAdapter(pub, sub));
      `,
    }),
    // An emitter used only inside one request is not a registry.
    ts({
      code: code`
        import { EventEmitter } from 'node:events';
        export function handle() {
          const local = new EventEmitter();
          local.on('done', () => {});
          local.emit('done');
        }
      `,
    }),
    js({ code: io, settings: { statecheck: { deployment: 'single-instance' } } }),
  ],
  invalid: [
    ts({ code: bus, errors: [found(bus, 'socket-registry', 5, 13)] }),
    js({
      code: io,
      errors: [
        fixed(io, 'socket-registry', 5, 12, {
          summary:
            'Reach every instance: add `io.adapter(createAdapter(pubClient, subClient))` (@socket.io/redis-adapter)',
          packages: '@socket.io/redis-adapter redis',
          output: code`
            const { createServer } = require('http');
            const { Server } = require('socket.io');
            const { createAdapter } = require('@socket.io/redis-adapter');

            const httpServer = createServer();
            const io = new Server(httpServer);
            io.adapter(createAdapter(pubClient, subClient));
            io.on('connection', (socket) => socket.on('chat', (msg) => io.emit('chat', msg)));
            httpServer.listen(3000);
          `,
        }),
      ],
    }),
  ],
});
