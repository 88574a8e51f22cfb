import rule from '../../rules/no-module-state.js';
import { code, found, js, ruleTester, ts } from './tester.js';

const counter = code`
  const express = require('express');

  let requestCount = 0;

  const app = express();
  app.use((req, res, next) => {
    requestCount++;
    next();
  });
  module.exports = app;
`;

const carts = code`
  import { Injectable } from '@nestjs/common';

  @Injectable()
  export class CartService {
    private readonly carts = new Map<string, string[]>();

    add(userId: string, sku: string): void {
      this.carts.set(userId, [...(this.carts.get(userId) ?? []), sku]);
    }
  }
`;

const recentSearches = code`
  const recentQueries: string[] = [];

  export async function GET(request: Request) {
    const q = new URL(request.url).searchParams.get('q') ?? '';
    recentQueries.push(q);
    return Response.json(recentQueries.slice(-10));
  }
`;

const noReason = counter.replace('let requestCount', '// statecheck-disable-next-line module-state\nlet requestCount');

ruleTester.run('no-module-state', rule, {
  valid: [
    // Filled while the module loads: configuration, not hidden state.
    js({
      code: code`
        const routes = new Map();
        routes.set('/health', () => 'ok');
        module.exports = (req, res) => res.end(routes.get(req.url)?.());
      `,
    }),
    // A Map local to the handler lives for one request.
    ts({
      code: code`
        export function handler(req: { ids: string[] }) {
          const seen = new Map<string, number>();
          for (const id of req.ids) seen.set(id, (seen.get(id) ?? 0) + 1);
          return seen.size;
        }
      `,
    }),
    // A lazily created client singleton is not state.
    ts({
      code: code`
        import { createClient } from 'redis';
        let client: ReturnType<typeof createClient> | undefined;
        export function redis() {
          if (!client) client = createClient({ url: process.env.REDIS_URL });
          return client;
        }
      `,
    }),
    // Suppressed with a reason.
    js({
      code: counter.replace(
        'let requestCount',
        '// statecheck-disable-next-line module-state -- per-pod metric\nlet requestCount',
      ),
    }),
    // Intentionally local state, by name.
    js({ code: counter, options: [{ allow: ['requestCount'] }] }),
    // A single instance: module state in an ordinary server module is off…
    js({ code: counter, settings: { statecheck: { deployment: 'single-instance' } } }),
    // …and 'use client' modules are browser code.
    ts({ code: `'use client';\n${recentSearches}`, filename: 'app/api/recent/route.ts' }),
  ],
  invalid: [
    js({ code: counter, errors: [found(counter, 'module-state', 3, 5)] }),
    ts({ code: carts, errors: [{ ...found(carts, 'module-state', 5, 20), endLine: 5, endColumn: 25 }] }),
    ts({
      code: recentSearches,
      filename: 'app/api/recent/route.ts',
      errors: [found(recentSearches, 'module-state', 1, 7)],
    }),
    // In a serverless handler module state leaks between users even on a single instance.
    ts({
      code: recentSearches,
      filename: 'app/api/recent/route.ts',
      settings: { statecheck: { deployment: 'single-instance' } },
      errors: [found(recentSearches, 'module-state', 1, 7)],
    }),
    // A statecheck comment without a reason silences nothing.
    js({ code: noReason, errors: [found(noReason, 'module-state', 4, 5)] }),
    // The allow list of another name does not hide it.
    js({ code: counter, options: [{ allow: ['somethingElse'] }], errors: [found(counter, 'module-state', 3, 5)] }),
  ],
});
