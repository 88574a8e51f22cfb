import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  describeOutOfScope,
  isClientModule,
  isServerlessModule,
  outOfScopeReason,
  parseSource,
} from '../../core/index.js';
import { lint } from './util.js';

describe('default server-code scope', () => {
  it.each([
    'src/app.test.ts',
    'src/app.spec.js',
    'test/app.js',
    'tests/unit/a.ts',
    'src/__tests__/a.ts',
    'scripts/seed.js',
    'db/migrations/001.js',
    'db/seeds/users.js',
    'vite.config.ts',
    'next.config.mjs',
    'eslint.config.js',
    '.eslintrc.cjs',
    'types/env.d.ts',
    'public/vendor.min.js',
    'node_modules/x/index.js',
    'dist/server.js',
    '.next/server/app.js',
    'README.md',
  ])('%s is out of scope', (path) => {
    expect(outOfScopeReason(path)).toBeDefined();
  });

  it.each([
    'src/app.ts',
    'src/lib/config.js',
    'server.mjs',
    'app/api/users/route.ts',
    'src/routes/test-results.ts',
    'lib/testing-utils/x.ts',
  ])('%s is server code', (path) => {
    expect(outOfScopeReason(path)).toBeUndefined();
  });

  it.each([
    ['db/migrations/001.js', { kind: 'directory', name: 'migrations' }, 'inside migrations/'],
    ['test/unit/node_modules/x.js', { kind: 'directory', name: 'test' }, 'inside test/'],
    ['README.md', { kind: 'not-source' }, 'not a JavaScript or TypeScript file'],
    ['src/app.spec.ts', { kind: 'test-or-config' }, 'a test, declaration, bundle or config file'],
    ['vite.config.ts', { kind: 'test-or-config' }, 'a test, declaration, bundle or config file'],
  ])('%s: the reason is a kind (the first excluded folder), worded apart', (path, reason, words) => {
    expect(outOfScopeReason(path)).toEqual(reason);
    expect(describeOutOfScope(outOfScopeReason(path)!)).toBe(words);
  });

  it("skips 'use client' modules entirely", () => {
    const code = "'use client';\nlet clicks = 0;\nexport function onClick() { clicks++; }\n";
    expect(isClientModule(ts, parseSource(ts, 'c.tsx', code))).toBe(true);
    expect(lint(code, 'components/c.tsx')).toEqual([]);
    expect(lint(code.replace("'use client';\n", '\n'), 'components/c.tsx')).toEqual(['2:module-state']);
  });

  it.each([
    ['app/api/users/route.ts', ''],
    ['src/pages/api/login.ts', ''],
    ['src/routes/+page.server.ts', ''],
    ['src/hooks.server.ts', ''],
    ['server/api/users.get.ts', ''],
    ['src/actions.ts', "'use server';\n"],
    ['src/worker.ts', 'export default { fetch(req: Request) { return new Response("ok"); } };\n'],
  ])('%s is a serverless or SSR module', (path, code) => {
    expect(isServerlessModule(ts, parseSource(ts, path, code))).toBe(true);
  });

  it('single-instance mode keeps only cross-request leaks', () => {
    const code = [
      "import express from 'express';",
      "import session from 'express-session';",
      'const app = express();',
      "app.use(session({ secret: 's' }));",
      'const seen = [];',
      "app.get('/', (req, res) => { seen.push(req.ip); globalThis.user = req.user; res.end(); });",
    ].join('\n');
    expect(lint(code, 'src/app.ts')).toEqual(['4:memory-session', '5:module-state', '6:global-mutation']);
    expect(lint(code, 'src/app.ts', { singleInstance: true })).toEqual(['6:global-mutation']);
    expect(lint(code, 'app/api/x/route.ts', { singleInstance: true })).toEqual(['5:module-state', '6:global-mutation']);
  });
});
