import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { CATEGORY_INFO } from '../core/index.js';
import { DOCS_BASE_URL } from '../cli/package.js';
import plugin, { rules } from '../rules/index.js';
import { ROOT } from './helpers/fixtures.js';

const SECTIONS = [
  '## What it finds',
  '## Why it breaks at scale',
  '## Examples',
  '### ❌ Incorrect',
  '### ✅ Correct',
  '## How to fix',
  '## Options',
  '## When not to use it',
];

const docsDir = join(ROOT, 'docs', 'rules');
const page = (rule: string) => readFileSync(join(docsDir, `${rule}.md`), 'utf8');

/** The fenced code blocks between two headings of a page, with their language. */
function codeBlocks(text: string, from: string, to: string): { lang: string; code: string }[] {
  const section = text.slice(text.indexOf(from), text.indexOf(to, text.indexOf(from)));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

function ruleIdsIn(code: string, lang: string): string[] {
  const linter = new Linter({ configType: 'flat', cwd: ROOT });
  const messages = linter.verify(
    code,
    [plugin.configs.recommended, { files: ['**/*.ts'], languageOptions: { parser: tsParser } }],
    join(ROOT, 'src', `example.${lang === 'ts' ? 'ts' : 'js'}`),
  );
  for (const m of messages) expect(m.ruleId, `${m.line}:${m.column} ${m.message}`).not.toBeNull();
  return messages.map((m) => m.ruleId!);
}

describe.each(Object.keys(rules))('docs/rules/%s.md', (name) => {
  const rule = rules[name]!;

  it('exists and is where meta.docs.url points', () => {
    expect(existsSync(join(docsDir, `${name}.md`))).toBe(true);
    expect(rule.meta.docs?.url).toBe(`${DOCS_BASE_URL}${name}.md`);
    expect(`${DOCS_BASE_URL}${name}.md`).toMatch(/\/blob\/main\/docs\/rules\/[a-z-]+\.md$/);
  });

  it('has the title and the required sections, in order', () => {
    const text = page(name);
    expect(text).toContain(`# ${rule.meta.docs!.description} (\`statecheck/${name}\`)`);
    const positions = SECTIONS.map((s) => text.indexOf(`\n${s}\n`));
    expect(
      positions.every((p) => p > 0),
      `missing: ${SECTIONS.filter((_, i) => positions[i]! < 0).join(', ')}`,
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('`allow`');
    expect(text).toContain("single-instance'");
  });

  it('names the packages the core suggests', () => {
    const text = page(name);
    for (const pkg of CATEGORY_INFO[rule.meta.docs!.category].suggestion.packages) expect(text).toContain(pkg);
  });

  it('shows incorrect code the rule reports and correct code it does not', () => {
    const text = page(name);
    const incorrect = codeBlocks(text, '### ❌ Incorrect', '### ✅ Correct');
    const correct = codeBlocks(text, '### ✅ Correct', '## How to fix');
    expect(incorrect.length).toBeGreaterThan(0);
    expect(correct.length).toBeGreaterThan(0);
    for (const block of incorrect)
      expect(ruleIdsIn(block.code, block.lang), block.code).toContain(`statecheck/${name}`);
    for (const block of correct) expect(ruleIdsIn(block.code, block.lang), block.code).toEqual([]);
  });
});

describe('docs/rules', () => {
  it('has a page for every rule and no other', () => {
    const pages = readdirSync(docsDir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3));
    expect(pages.sort()).toEqual(Object.keys(rules).sort());
  });
});

describe('npm run docs:rules -- --check', () => {
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const check = (...args: string[]) =>
    spawnSync(process.execPath, [tsx, join(ROOT, 'tools', 'gen-readme-rules.ts'), '--check', ...args], {
      encoding: 'utf8',
    });
  const copy = mkdtempSync(join(tmpdir(), 'statecheck-docs-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('passes: the README block and the generated parts of the rule pages are up to date', () => {
    const { status, stderr } = check();
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('fails and names the file when a generated block is edited by hand', () => {
    cpSync(join(ROOT, 'README.md'), join(copy, 'README.md'));
    cpSync(docsDir, join(copy, 'docs', 'rules'), { recursive: true });
    expect(check('--root', copy).status).toBe(0);
    const readme = readFileSync(join(copy, 'README.md'), 'utf8');
    writeFileSync(
      join(copy, 'README.md'),
      readme.replace('Disallow sessions kept in process memory', 'Disallow sessions'),
    );
    const { status, stderr } = check('--root', copy);
    expect(status).toBe(1);
    expect(stderr).toContain('docs:rules: out of date: README.md');
  });
});
