import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import * as espree from 'espree';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as core from '../../core/index.js';
import { CATEGORIES, CATEGORY_INFO } from '../../core/index.js';
import { typescriptAst } from '../../rules/analyze.js';
import { docsUrl } from '../../cli/package.js';
import plugin, { rules } from '../../rules/index.js';
import { ROOT } from '../helpers/fixtures.js';

// Count the core's analyses without changing what it does.
vi.mock('../../core/index.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../core/index.js')>();
  return { ...original, analyzeSourceFile: vi.fn(original.analyzeSourceFile) };
});

const tsFiles = { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tsParser } };

function lint(text: string, filename: string, extra: Linter.Config[] = []): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat', cwd: ROOT });
  return linter.verify(text, [plugin.configs.recommended, tsFiles, ...extra], join(ROOT, filename));
}

const positions = (messages: readonly Linter.LintMessage[]) => messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);

const mixed = [
  "import session from 'express-session';",
  "import cron from 'node-cron';",
  'const hits = new Map();',
  'export const sessions = session({ secret: "s" });',
  "cron.schedule('* * * * *', () => hits.clear());",
  'export function track(ip) { hits.set(ip, (hits.get(ip) ?? 0) + 1); }',
  '',
].join('\n');

describe('the plugin object', () => {
  it('has the nine rules of the core, one file per rule named after it', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(CATEGORIES.map((c) => CATEGORY_INFO[c].rule).sort());
    expect(plugin.rules).toBe(rules);
    const files = readdirSync(join(ROOT, 'rules'))
      .filter((f) => f.startsWith('no-'))
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(Object.keys(rules).sort());
    for (const [name, rule] of Object.entries(rules)) {
      expect(rule.meta.docs?.url).toBe(docsUrl(name));
      expect(rule.meta.docs?.description).toMatch(/^Disallow /);
      expect(rule.meta.hasSuggestions).toBe(true);
      expect(rule.meta.fixable).toBeUndefined();
    }
  });

  it('carries the package name and version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(plugin.meta).toEqual({ name: 'statecheck', version: pkg.version });
  });

  it('turns every rule on in both configs', () => {
    for (const config of [plugin.configs.recommended, plugin.configs.strict]) {
      expect(Object.keys(config.rules ?? {}).sort()).toEqual(
        Object.keys(plugin.rules)
          .map((r) => `statecheck/${r}`)
          .sort(),
      );
      expect(Object.values(config.rules ?? {}).every((s) => s === 'error')).toBe(true);
      expect(config.plugins?.statecheck).toBe(plugin);
    }
    expect(plugin.configs.strict.ignores).not.toContain('**/scripts/**');
    expect(plugin.configs.recommended.ignores).toContain('**/scripts/**');
  });
});

describe('one analysis per file', () => {
  beforeEach(() => {
    vi.mocked(core.analyzeSourceFile).mockClear();
  });

  it('runs the core once for all nine rules, with and without the typescript-eslint parser', () => {
    const js = lint(mixed, 'src/app.js');
    expect(vi.mocked(core.analyzeSourceFile)).toHaveBeenCalledTimes(1);
    const ts = lint(mixed, 'src/app.ts');
    expect(vi.mocked(core.analyzeSourceFile)).toHaveBeenCalledTimes(2);
    expect(positions(js)).toEqual([
      '3:7 statecheck/no-memory-rate-limit',
      '4:25 statecheck/no-memory-session',
      '5:1 statecheck/no-in-process-scheduler',
    ]);
    expect(positions(ts)).toEqual(positions(js));
    lint(mixed, 'src/app.js', [
      { settings: { statecheck: { deployment: 'multi-instance', packages: { '@acme/cache': 'process-cache' } } } },
    ]);
    expect(vi.mocked(core.analyzeSourceFile)).toHaveBeenCalledTimes(3);
  });

  it('lets ESLint apply its own disable comments to statecheck rules', () => {
    const text = mixed.replace(
      'const hits',
      '// eslint-disable-next-line statecheck/no-memory-rate-limit -- one instance only\nconst hits',
    );
    expect(positions(lint(text, 'src/app.js'))).toEqual([
      '5:25 statecheck/no-memory-session',
      '6:1 statecheck/no-in-process-scheduler',
    ]);
  });

  it('reports the core message verbatim', () => {
    const [message] = lint('let hits = 0;\nexport function count() { hits++; }\n', 'src/app.js');
    expect(message?.message).toMatch(/^`hits` is shared mutable state written at request time: .* Keep it in Redis/);
  });
});

describe('the TypeScript AST', () => {
  const probe = (record: (origin: string, version: string) => void) => ({
    rules: {
      probe: {
        create(context: Parameters<typeof typescriptAst>[0]) {
          const parsed = typescriptAst(context);
          expect(parsed.sourceFile.kind).toBe(parsed.ts.SyntaxKind.SourceFile);
          record(parsed.origin, parsed.ts.version);
          return {};
        },
      },
    },
  });

  function originOf(filename: string, parser: object | undefined, text = 'const a = 1;\n'): string {
    let origin = '';
    const linter = new Linter({ configType: 'flat', cwd: ROOT });
    const config = {
      files: ['**/*.*'],
      plugins: { p: probe((o) => (origin = o)) },
      rules: { 'p/probe': 'error' },
      languageOptions: parser ? { parser } : {},
    };
    // typescript-eslint's and ESLint's types of parsers and rule contexts differ; the objects are the same.
    linter.verify(text, [config as unknown as Linter.Config], join(ROOT, filename));
    return origin;
  }

  it("reuses typescript-eslint's own AST when that parser is configured", () => {
    expect(originOf('src/a.ts', tsParser)).toBe('parser');
    expect(originOf('src/a.js', tsParser)).toBe('parser');
    // ESLint gives the parser `#!` rewritten as `//`: same offsets, still reusable.
    expect(originOf('bin/cli.js', tsParser, '#!/usr/bin/env node\nconst a = 1;\n')).toBe('parser');
  });

  it('parses the text itself with espree or an unknown parser', () => {
    expect(originOf('src/a.js', undefined)).toBe('parsed');
    expect(originOf('src/a.js', espree)).toBe('parsed');
    // A wrapped parser is not the one we can get `typescript` from: parse rather than guess.
    const wrapped = {
      meta: tsParser.meta,
      parseForESLint: (code: string, options?: Parameters<typeof tsParser.parseForESLint>[1]) =>
        tsParser.parseForESLint(code, options),
    };
    expect(originOf('src/a.ts', wrapped)).toBe('parsed');
  });

  it('reports at the same place when the file starts with a byte order mark', () => {
    const text = '\uFEFFlet hits = 0;\nexport function count() { hits++; }\n';
    expect(positions(lint(text, 'src/a.js'))).toEqual(['1:5 statecheck/no-module-state']);
    expect(positions(lint(text, 'src/a.ts'))).toEqual(['1:5 statecheck/no-module-state']);
  });
});

describe('rule names', () => {
  it('a prototype member is an unknown rule, as any other name the plugin lacks', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      expect(() => lint('let a = 1;\n', 'src/a.js', [{ rules: { [`statecheck/${name}`]: 'error' } }])).toThrow(
        `Could not find "${name}" in plugin "statecheck"`,
      );
    }
  });
});

describe('settings.statecheck', () => {
  const single = (deployment: unknown): Linter.Config => ({ settings: { statecheck: { deployment } } });

  it('single-instance keeps only the leaks between users', () => {
    expect(positions(lint(mixed, 'src/app.js', [single('single-instance')]))).toEqual([]);
    const route =
      'const recent = [];\nexport async function GET(req) { recent.push(req.url); globalThis.lastUrl = req.url; return Response.json(recent); }\n';
    expect(positions(lint(route, 'app/api/recent/route.js', [single('single-instance')]))).toEqual([
      '1:7 statecheck/no-module-state',
      '2:56 statecheck/no-global-mutation',
    ]);
    expect(positions(lint(mixed, 'src/app.js', [single('multi-instance')]))).toHaveLength(3);
  });

  it('rejects an invalid value with a message that names the setting', () => {
    expect(() => lint(mixed, 'src/app.js', [single('one')])).toThrow(
      'statecheck: invalid settings.statecheck.deployment: expected "single-instance" or "multi-instance", got "one"',
    );
    expect(() => lint(mixed, 'src/app.js', [{ settings: { statecheck: { deployments: 'single-instance' } } }])).toThrow(
      'statecheck: invalid settings.statecheck.deployments: unknown setting (known: deployment, packages)',
    );
  });

  it('a package named after a prototype member is a package like any other, configured or not', () => {
    const text =
      "import { LRUCache } from 'lru-cache';\nimport make from 'constructor';\nexport const made = make();\nexport const cache = new LRUCache({ max: 1 });\n";
    expect(positions(lint(text, 'src/a.js'))).toEqual(['4:22 statecheck/no-process-cache']);
    expect(
      positions(
        lint(text, 'src/a.js', [
          { settings: { statecheck: { packages: { constructor: 'process-cache', toString: 'process-cache' } } } },
        ]),
      ),
    ).toEqual(['3:21 statecheck/no-process-cache', '4:22 statecheck/no-process-cache']);
  });

  it('refuses keys that reach the prototype instead of applying what they carry', () => {
    const refused = 'not allowed: `__proto__`, `constructor` and `prototype` would reach the prototype of an object';
    // An object literal's `__proto__: {…}` sets the prototype: `deployment` would be inherited.
    expect(() =>
      lint(mixed, 'src/app.js', [{ settings: { statecheck: { __proto__: { deployment: 'single-instance' } } } }]),
    ).toThrow(`statecheck: invalid settings.statecheck.__proto__: ${refused}`);
    expect(() =>
      lint(mixed, 'src/app.js', [
        { settings: { statecheck: JSON.parse('{ "__proto__": { "deployment": "single-instance" } }') as unknown } },
      ]),
    ).toThrow(`statecheck: invalid settings.statecheck.__proto__: ${refused}`);
    expect(() =>
      lint(mixed, 'src/app.js', [
        { settings: { statecheck: { packages: JSON.parse('{ "__proto__": "process-cache" }') as unknown } } },
      ]),
    ).toThrow(`statecheck: invalid settings.statecheck.packages["__proto__"]: ${refused}`);
    expect(() => lint(mixed, 'src/app.js', [{ settings: { statecheck: { constructor: 'x' } } }])).toThrow(
      `statecheck: invalid settings.statecheck.constructor: ${refused}`,
    );
  });

  it('treats configured in-house packages like catalogue entries', () => {
    const text = "import { createCache } from '@acme/cache';\nexport const cache = createCache();\n";
    expect(positions(lint(text, 'src/a.js'))).toEqual([]);
    expect(
      positions(
        lint(text, 'src/a.js', [{ settings: { statecheck: { packages: { '@acme/cache': 'process-cache' } } } }]),
      ),
    ).toEqual(['2:22 statecheck/no-process-cache']);
  });

  it('treats a fork named by its original as the original, and rejects an unknown one', () => {
    const text = "import Bree from '@acme/bree';\nexport const bree = new Bree({ jobs: [] });\n";
    expect(positions(lint(text, 'src/a.js'))).toEqual([]);
    expect(
      positions(lint(text, 'src/a.js', [{ settings: { statecheck: { packages: { '@acme/bree': 'bree' } } } }])),
    ).toEqual(['2:21 statecheck/no-in-process-scheduler']);
    expect(() => lint(text, 'src/a.js', [{ settings: { statecheck: { packages: { '@acme/bree': 'bre' } } } }])).toThrow(
      /^statecheck: invalid settings\.statecheck\.packages\["@acme\/bree"\]: expected a category \(.*\) or a package statecheck knows, to treat "@acme\/bree" as that package \(did you mean "bree"\?\), got "bre"\n/,
    );
  });
});

describe('the suppression suggestion', () => {
  it('is not offered where a line comment would land inside a template literal', () => {
    const text = 'let hits = 0;\nexport const page = () => `\n${hits++}`;\n';
    const [message] = lint(text, 'src/a.js');
    expect(message?.line).toBe(1);
    expect(message?.suggestions).toHaveLength(1);
    const inTemplate = 'export const page = () => `${0}\n${setInterval(() => {}, 1000)}`;\n';
    const [timer] = lint(inTemplate, 'src/a.js');
    expect(timer?.line).toBe(2);
    expect(timer?.suggestions ?? []).toEqual([]);
  });

  it('keeps CRLF line endings', () => {
    const text = 'const x = 1;\r\n  setInterval(() => {}, 1000);\r\n';
    const [timer] = lint(text, 'src/a.js');
    expect(timer?.suggestions?.[0]?.fix).toEqual({
      range: [14, 14],
      text: '  // statecheck-disable-next-line in-process-scheduler -- TODO: say why this state is safe per instance\r\n',
    });
  });
});

describe('statecheck-disable comments', () => {
  const state = 'let hits = 0;\nexport function count() { hits++; }\n';

  it.each([
    ['a string', 'src/a.js', "const banner = '/* statecheck-disable -- generated banner */';"],
    ['a template literal', 'src/a.ts', 'const banner = `${1} // statecheck-disable -- banner\\n`;'],
    ['a regular expression', 'src/a.js', 'const directive = /\\/* statecheck-disable -- x */;'],
    ['JSX text', 'src/view.tsx', 'export const Help = () => <p>/* statecheck-disable -- shown to users */</p>;'],
  ])('count only in comments, not in %s', (_, filename, decoy) => {
    expect(positions(lint(`${decoy}\n${state}`, filename))).toEqual(['2:5 statecheck/no-module-state']);
  });

  it('apply in real comments, also inside JSX', () => {
    expect(positions(lint(`/* statecheck-disable -- legacy module */\n${state}`, 'src/a.js'))).toEqual([]);
    expect(
      positions(
        lint(`export const Help = () => <p>{/* statecheck-disable -- legacy view */}</p>;\n${state}`, 'src/view.tsx'),
      ),
    ).toEqual([]);
  });
});

describe('line numbers', () => {
  it('U+2028 and U+2029 end a line, for ESLint as for the CLI', () => {
    const text = '/* a\u2028b\u2029c */\nlet hits = 0;\nexport function count() { hits++; }\n';
    expect(positions(lint(text, 'src/a.js'))).toEqual(['4:5 statecheck/no-module-state']);
    expect(positions(lint(text, 'src/a.ts'))).toEqual(['4:5 statecheck/no-module-state']);
  });
});
