import { describe, expect, it } from 'vitest';
import { run } from '../../dist/cli/run.js';
import { spawnCli } from '../helpers/cli.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

// Output that reads well in a terminal: messages wrapped at the terminal's width (100 columns when
// it is not a terminal), never inside a word; each finding ends with its rule's docs link;
// did-you-mean hints; `statecheck merge --help`.

const dir = useTempDir('statecheck-terminal-');

/** The CLI on a terminal `columns` wide. */
async function onTerminal(args: string[], columns: number): Promise<string> {
  let stdout = '';
  await run(args, {
    cwd: dir.path,
    stdout: (text) => (stdout += text),
    stderr: () => undefined,
    isTTY: true,
    stderrIsTTY: false,
    columns,
    env: { NO_COLOR: '1' },
  });
  return stdout;
}

/** The words of the report's message lines, in order. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('pretty output in a terminal', () => {
  it('wraps messages at 100 columns when standard output is not a terminal (the binary, piped)', () => {
    dir.write('src/app.js', SAMPLE_APP);
    const { stdout } = spawnCli(['--no-cache'], dir.path);
    const lines = stdout.split('\n').filter((l) => !l.includes('https://') && !l.includes('│'));
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(stdout).toContain(
      '  5:7  error  `seen` is shared mutable state written at request time: each instance keeps its own\n              copy,',
    );
  });

  it.each([60, 80, 140])('wraps at the terminal width (%i columns), never inside a word', async (columns) => {
    dir.write('src/app.js', SAMPLE_APP);
    const text = await onTerminal(['--no-cache'], columns);
    const block = text.slice(text.indexOf('  4:9'), text.indexOf('      3 │'));
    for (const line of block.split('\n')) expect(line.length, line).toBeLessThanOrEqual(columns);
    // The same words as the unwrapped message: no word was cut.
    const wide = await onTerminal(['--no-cache'], 1000);
    const one = wide.slice(wide.indexOf('  4:9'), wide.indexOf('      3 │'));
    expect(one.trimEnd().split('\n')).toHaveLength(1);
    expect(words(block)).toEqual(words(one));
  });

  it('a word longer than the line is kept whole', async () => {
    const long = 'y'.repeat(48);
    dir.write('src/app.js', `let ${long} = 0;\nexport function h() { ${long}++; }\n`);
    const text = await onTerminal(['--no-cache'], 60);
    // 46 columns for the message: the name in backticks does not fit, and is not cut.
    // Exported and called by no file: a likely finding, a warning.
    expect(text).toContain(`  1:5  warn   \`${long}\`\n              is shared mutable state`);
  });

  it("each finding ends with its rule's docs link", async () => {
    dir.write('src/app.js', SAMPLE_APP);
    const text = await onTerminal(['--no-cache'], 100);
    const blocks = text.split('\n\n').filter((b) => /^\s+\d+:\d+/m.test(b));
    expect(blocks).toHaveLength(2);
    expect(blocks.map((b) => b.trimEnd().split('\n').at(-1))).toEqual([
      '    statecheck/no-memory-session: https://github.com/statecheck/statecheck/blob/main/docs/rules/no-memory-session.md',
      '    statecheck/no-module-state: https://github.com/statecheck/statecheck/blob/main/docs/rules/no-module-state.md',
    ]);
  });
});

describe('did-you-mean', () => {
  it.each([
    [['--formt', 'json'], "statecheck: Unknown option '--formt'", 'did you mean "--format"?'],
    [['--no-cahce'], "statecheck: Unknown option '--no-cahce'", 'did you mean "--no-cache"?'],
    [['--format', 'jsn'], 'statecheck: unknown format "jsn"', 'did you mean "json"? use one of:'],
    [['merge', '--outptu', 'x.json', 'a.json'], "statecheck: Unknown option '--outptu'", 'did you mean "--output"?'],
  ])('%j', (args, message, hint) => {
    const { code, stderr } = spawnCli(args, dir.path);
    expect(code).toBe(2);
    const [first, second] = stderr.split('\n');
    expect(first).toMatch(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(second).toContain(hint);
  });

  it('rule and category names in the configuration', () => {
    dir.write('src/ok.js', 'module.exports = 1;\n');
    dir.write('statecheck.config.json', JSON.stringify({ rules: { 'no-proces-cache': 'warn' } }));
    expect(spawnCli([], dir.path).stderr).toMatch(
      /^statecheck: statecheck\.config\.json: rules\.no-proces-cache: unknown rule or category \(did you mean "no-process-cache"\?\)/,
    );
    dir.write('statecheck.config.json', JSON.stringify({ rules: { 'statecheck/module-stat': 'warn' } }));
    expect(spawnCli([], dir.path).stderr).toMatch(/\(did you mean "module-state"\?\)/);
  });
});

describe('statecheck merge --help', () => {
  it('prints the usage of merge and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = spawnCli(['merge', flag], dir.path);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: statecheck merge \[--output <file>\] <reports\.\.\.>\n/);
      expect(stdout).toContain('-o, --output <file>');
    }
  });
});
