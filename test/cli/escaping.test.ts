import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { SAMPLE_APP } from '../helpers/tmp.js';

// Every output format, end to end through the built CLI, on real files whose names and
// contents try to break out: table pipes, backticks, HTML, Markdown, shell metacharacters,
// newlines, terminal escapes, bidi overrides, and text that looks like a workflow command.

const addFormats = typeof formats === 'function' ? formats : formats.default;

const NAMES = [
  'a|b.ts',
  '`x`.ts',
  'back\\|slash.ts',
  'name with spaces.ts',
  '$(rm -rf x).js',
  'a;b.ts',
  'ünïcödé.ts',
  'new\nline.js',
  '\u001b[31mred\u001b]0;title\u0007.js',
  'we,ird:na%me::error file=x::y.js',
  '<img src=x onerror=alert(1)>.js',
  '*bold* _it_ [l](u) $x$.js',
  '\u202eevil.js',
  '@org-team.js',
];
/** Skipped on purpose (binary), so it is a `skipped` entry with a hostile name. */
const BINARY = 'bin|ary\n::warning file=x::forged.js';
/** A syntax error, so it is an `errors` entry with a hostile name. */
const BROKEN = 'bro|ken\n::warning file=x::forged.js';
const SYNTAX_ERROR = 'syntax error at 1:14: Variable declaration expected. (the rest of the file was still analysed)';
/** A finding whose message quotes a string key with an escape, `::` and a pipe. */
const GLOBALS = [
  "const express = require('express');",
  'const app = express();',
  "app.get('/x', (req, res) => {",
  "  globalThis['\\u001b[2J::error file=forged.js::pwned|cell'] = req.query.a;",
  '  res.end();',
  '});',
  '',
].join('\n');

const FILES = NAMES.map((name) => `src/${name}`);
const FINDINGS = FILES.length * 2 + 1;

// C0 and C1 controls (line feed aside) and bidi overrides: none may reach a terminal from a report.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const POSIX = process.platform !== 'win32';

describe.runIf(POSIX)('output escaping, every format, through the CLI', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-escaping-'));
    mkdirSync(join(dir, 'src'));
    for (const name of NAMES) writeFileSync(join(dir, 'src', name), SAMPLE_APP);
    writeFileSync(join(dir, 'src', 'globals.js'), GLOBALS);
    writeFileSync(join(dir, 'src', BINARY), Buffer.from([0, 1, 2, 3, 0, 0xff]));
    writeFileSync(join(dir, 'src', BROKEN), 'export const = ;\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (format: string, env: NodeJS.ProcessEnv = {}) => {
    const result = await runCli(['--format', format, '--no-cache', 'src'], dir, env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    return result.stdout;
  };

  it('json: the exact names and messages, control characters escaped by JSON', async () => {
    const text = await run('json');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    const report = JSON.parse(text) as {
      findings: { file: string; message: string }[];
      errors: { file: string; message: string }[];
      skipped: unknown[];
    };
    expect(report.findings).toHaveLength(FINDINGS);
    expect([...new Set(report.findings.map((f) => f.file))].sort()).toEqual([...FILES, 'src/globals.js'].sort());
    expect(report.errors).toEqual([{ file: `src/${BROKEN}`, message: SYNTAX_ERROR }]);
    expect(report.skipped).toEqual([
      {
        file: `src/${BINARY}`,
        kind: 'binary',
        reason: 'binary file (NUL or control bytes; a UTF-16 file needs a byte order mark)',
      },
    ]);
    expect(report.findings.find((f) => f.file === 'src/globals.js')!.message).toMatch(
      /^`globalThis\. \[2J::error file=forged\.js::pwned\|ce…` is a global/,
    );
  });

  it('sarif: valid SARIF 2.1.0 whose artifact URIs decode to the exact names', async () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ allErrors: true });
    addFormats(ajv);
    const text = await run('sarif');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    const log = JSON.parse(text) as {
      runs: {
        results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[] }[];
        invocations: {
          toolExecutionNotifications: {
            level: string;
            locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          }[];
        }[];
      }[];
    };
    expect(ajv.validate(schema, log), ajv.errorsText()).toBe(true);
    const decode = (uri: string) => uri.split('/').map(decodeURIComponent).join('/');
    const uris = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);
    expect(uris).toHaveLength(FINDINGS);
    for (const uri of uris) expect(uri.uri).not.toMatch(/[\s|`<>%\u0000-\u001f](?![0-9A-F]{2})/u);
    expect([...new Set(uris.map((u) => decode(u.uri)))].sort()).toEqual([...FILES, 'src/globals.js'].sort());
    const notifications = log.runs[0]!.invocations[0]!.toolExecutionNotifications.map(
      (n) => `${n.level} ${decode(n.locations[0]!.physicalLocation.artifactLocation.uri)}`,
    );
    expect(notifications).toEqual([`warning src/${BROKEN}`, `note src/${BINARY}`]);
  });

  it('github: one workflow command per finding and error, each on its own line; nothing else starts with ::', async () => {
    const lines = (await run('github')).replace(/\n$/, '').split('\n');
    const commands = lines.filter((line) => line.startsWith('::'));
    expect(commands).toHaveLength(FINDINGS + 1);
    expect(lines).toHaveLength(FINDINGS + 3);
    expect(lines.at(-2)).toMatch(/^✖ \d+ findings/);
    expect(lines.at(-1)).toMatch(/^scope \(/);
    const unescape = (value: string) =>
      value.replace(/%(0D|0A|3A|2C|25)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const files: string[] = [];
    for (const line of commands) {
      expect(line).not.toMatch(/\r/);
      // ::error file=…,line=4,…,title=…::message — properties hold no raw `:` or `,`.
      const match = /^::(error|warning) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$/.exec(line);
      expect(match, line).not.toBeNull();
      files.push(unescape(/(?:^|,)file=([^,]*)/.exec(match![2]!)![1]!));
    }
    expect([...new Set(files)].sort()).toEqual([...FILES, 'src/globals.js', `src/${BROKEN}`].sort());
    expect(commands.find((c) => c.includes('globals.js'))).toMatch(
      /::`globalThis\. \[2J::error file=forged\.js::pwned\|ce…` is a global/,
    );
  });

  it('markdown: every table row keeps its five cells; names stay inside code spans, control and bidi characters shown escaped', async () => {
    const text = await run('markdown');
    expect(text).not.toMatch(CONTROL);
    const rows = text
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| State') && !line.startsWith('| ---'));
    expect(rows).toHaveLength(FINDINGS);
    // GitHub splits a row at every `|` not escaped as `\|`, code spans included.
    for (const row of rows) expect(row.split(/(?<!\\)\|/), row).toHaveLength(7);
    const where = rows.map((row) => row.split(/(?<!\\)\|/)[2]!.trim());
    expect(where).toContain('`src/a\\|b.ts:4`');
    expect(where).toContain('``src/`x`.ts:4``');
    expect(where).toContain('<code>src/back\\\\\\|slash.ts:4</code>');
    expect(where).toContain('`src/new\\nline.js:4`');
    // Shown, not deleted: `src/\u202eevil.js` cannot pass for `src/evil.js` (or a name read backwards).
    expect(where).toContain('`src/\\u202eevil.js:4`');
    expect(where).toContain('`src/\\x1b[31mred\\x1b]0;title\\x07.js:4`');
    expect(where).toContain('`src/<img src=x onerror=alert(1)>.js:4`');
    // Outside code spans, HTML is escaped: the raw tag appears only inside backticks.
    expect(text.replace(/`[^`\n]*`/g, '')).not.toContain('<img');
    const notAnalysed = text.slice(text.indexOf('## Files not analysed')).trimEnd().split('\n');
    expect(notAnalysed).toEqual([
      '## Files not analysed (1)',
      '',
      `- \`src/bro|ken\\n::warning file=x::forged.js\`: ${SYNTAX_ERROR}`,
    ]);
  });

  it('pretty: names shown with escapes, contents and messages stripped of control sequences', async () => {
    const text = await run('pretty');
    expect(text).not.toMatch(CONTROL);
    const headers = text.split('\n').filter((line) => line.startsWith('src/'));
    expect(headers.sort()).toEqual(
      [
        ...FILES.filter((f) => !/[\n\u001b\u202e]/.test(f)),
        'src/new\\nline.js',
        'src/\\x1b[31mred\\x1b]0;title\\x07.js',
        'src/\\u202eevil.js',
        'src/globals.js',
      ].sort(),
    );
    expect(text).toContain('  4:3  error  `globalThis. [2J::error file=forged.js::pwned|ce…` is a global');
    expect(text).toContain(`  src/bro|ken\\n::warning file=x::forged.js: ${SYNTAX_ERROR}`);
  });

  it('pretty with colours: the only escape sequences are its own colours', async () => {
    const text = await run('pretty', { NO_COLOR: undefined, FORCE_COLOR: '1' });
    expect(text).toMatch(/\u001b\[\d+m/);
    expect(text.replace(/\u001b\[\d+m/g, '')).not.toMatch(CONTROL);
  });
});

// A GitHub Actions runner reads every line of a step's stdout and stderr for workflow commands:
// `::name::data` at the start of a line (after white space), `##[name]data` anywhere in it.
describe.runIf(POSIX)('workflow commands cannot be forged from a file, on any stream, in any format', () => {
  let dir = '';
  const CONFIG = {
    rules: { 'no-process-cache': 'warn' },
    'x\n::add-mask::secret': 1,
    '##[error]config key': 2,
    'y\r::stop-commands::token': 3,
    '\u202eevil': 4,
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'statecheck-forge-'));
    writeFileSync(join(dir, 'statecheck.config.json'), JSON.stringify(CONFIG));
    // At the root, so the name starts a line of pretty output (a file header, an errors entry).
    writeFileSync(join(dir, '::error file=app.js,line=1::forged.js'), SAMPLE_APP);
    writeFileSync(join(dir, '::warning::broken.js'), 'export const = ;\n');
    writeFileSync(
      join(dir, 'globals.js'),
      GLOBALS.replace("'\\u001b[2J::error file=forged.js::pwned|cell'", "'##[error]forged'"),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Lines as the runner splits them that it would take for a command. The github format's own
   * annotations are commands; the runner parses them as `::` commands first and never looks
   * for `##[` in their data (actions/runner ActionCommandManager.TryProcessCommand).
   */
  const forged = (text: string, own?: RegExp) =>
    text.split(/\r\n|\r|\n/).filter((line) => !own?.test(line) && (/^\s*::/.test(line) || line.includes('##[')));

  it.each(['pretty', 'json', 'sarif', 'github', 'markdown'])('%s', async (format) => {
    const { code, stdout, stderr } = await runCli(['--format', format, '--no-cache', '.'], dir);
    expect(code).toBe(1);
    expect(forged(stdout, format === 'github' ? /^::(error|warning) file=[^:,]*(,|::)/ : undefined)).toEqual([]);
    expect(forged(stderr)).toEqual([]);
    // The configuration's unknown keys are still named, escaped.
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      'statecheck: statecheck.config.json: unknown key "x\\n::add-mask::secret" (ignored)',
      'statecheck: statecheck.config.json: unknown key "#\\x23[error]config key" (ignored)',
      'statecheck: statecheck.config.json: unknown key "y\\r::stop-commands::token" (ignored)',
      'statecheck: statecheck.config.json: unknown key "\\u202eevil" (ignored)',
    ]);
    if (format === 'json') {
      // Escaped in the text, exact once parsed.
      const report = JSON.parse(stdout) as {
        findings: { file: string; message: string }[];
        errors: { file: string }[];
      };
      expect(report.findings.some((f) => f.message.startsWith('`globalThis.##[error]forged`'))).toBe(true);
      expect(report.findings.some((f) => f.file === '::error file=app.js,line=1::forged.js')).toBe(true);
      expect(report.errors.map((e) => e.file)).toEqual(['::warning::broken.js']);
    }
    if (format === 'pretty') {
      expect(stdout).toMatch(/^\\x3a:error file=app\.js,line=1::forged\.js$/m);
      expect(stdout).toContain('  \\x3a:warning::broken.js: syntax error at 1:14');
      expect(stdout).toContain('`globalThis.#\\x23[error]forged` is a global');
    }
  });

  it('a configuration error quotes the file escaped; a baseline that does not parse is not quoted at all', async () => {
    const sub = mkdtempSync(join(tmpdir(), 'statecheck-forge-config-'));
    try {
      writeFileSync(
        join(sub, 'statecheck.config.json'),
        JSON.stringify({ rules: { '\n::add-mask::rule ##[error]x': 'warn' } }),
      );
      const config = await runCli(['--no-cache'], sub);
      expect(config.code).toBe(2);
      expect(forged(config.stderr)).toEqual([]);
      expect(config.stderr).toMatch(
        /^statecheck: statecheck\.config\.json: rules\.\\n::add-mask::rule #\\x23\[error\]x: unknown rule or category/,
      );
      writeFileSync(join(sub, 'statecheck.config.json'), '{}');
      writeFileSync(join(sub, 'statecheck-baseline.json'), '\n::stop-commands::token\n##[error]x');
      const baseline = await runCli(['--no-cache'], sub);
      expect(baseline.code).toBe(2);
      expect(forged(baseline.stderr)).toEqual([]);
      expect(baseline.stderr).toMatch(
        /^statecheck: statecheck-baseline\.json: cannot read the baseline: not valid JSON\n/,
      );
      expect(baseline.stderr).not.toContain('stop-commands');
    } finally {
      rmSync(sub, { recursive: true, force: true });
    }
  });
});
