import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, CATEGORY_INFO, type Category, ruleIdOf } from '../../core/index.js';
import { mergeReports } from '../../cli/merge.js';
import { github } from '../../cli/reporters/github.js';
import { json } from '../../cli/reporters/json.js';
import { FORMATS, REPORTERS } from '../../cli/reporters/index.js';
import { markdown } from '../../cli/reporters/markdown.js';
import { pretty } from '../../cli/reporters/pretty.js';
import { sarif } from '../../cli/reporters/sarif.js';
import { summaryLine } from '../../cli/reporters/util.js';
import type { Finding, ReporterOptions, ScanResult } from '../../cli/types.js';
import { ROOT } from '../helpers/fixtures.js';

// ajv-formats is CommonJS: its default import is the plugin itself or, as typed, the module.
const addFormats = typeof formats === 'function' ? formats : formats.default;

const CWD = '/home/ci/project';
const OPTIONS: ReporterOptions = { cwd: CWD, colors: pc.createColors(false) };

function finding(category: Category, overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: ruleIdOf(category),
    category,
    severity: 'error',
    file: 'src/app.ts',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    message: `\`state\` is state: ${CATEGORY_INFO[category].breaks}.`,
    suggestion: CATEGORY_INFO[category].suggestion,
    related: [],
    fingerprint: `${category}:0`,
    subject: 'state',
    confidence: 'certain',
    ...overrides,
  };
}

function result(findings: Finding[], errors: ScanResult['errors'] = [], files = 3): ScanResult {
  return {
    findings,
    errors,
    skipped: [],
    outOfScope: [],
    summary: { files, findings: findings.length, errors: errors.length, skipped: {}, durationMs: 5 },
  };
}

// A small, realistic scan: a session store (warn), a module-level cache written in two
// places, and a file that did not parse.
const SESSION = finding('memory-session', {
  severity: 'warn',
  file: 'src/app.ts',
  line: 18,
  column: 9,
  endLine: 18,
  endColumn: 31,
  message:
    '`session(…)` (express-session) has no shared `store`, so sessions live in its in-process MemoryStore: users are logged out on restart and whenever the load balancer sends them to another instance. Pass a shared store: `session({ store })`.',
  suggestion: { summary: 'pass a shared store: `session({ store })`', packages: ['connect-redis', 'ioredis'] },
  fingerprint: '27a7f16ed430784fda3ba7e1:0',
  subject: 'express-session',
});
const CACHE = finding('module-state', {
  file: 'src/catalog.ts',
  line: 3,
  column: 7,
  endLine: 3,
  endColumn: 19,
  message:
    '`productCache` is shared mutable state written at request time: each instance keeps its own copy, it is lost on restart and it is shared by every user of this instance. Keep it in Redis (hashes, counters, keys with a TTL) or in the database.',
  related: [
    { file: 'src/catalog.ts', line: 10, column: 5, message: 'written here at request time' },
    { file: 'src/catalog.ts', line: 14, column: 5, message: 'written here at request time' },
    { file: 'src/catalog.ts', line: 14, column: 30, message: 'written here at request time' },
  ],
  fingerprint: 'c74ade290d885f7be224856e:0',
  subject: 'productCache',
});
const BROKEN = {
  file: 'src/broken.ts',
  message: 'syntax error at 2:1: Expression expected. (the rest of the file was still analysed)',
};
const SMALL = result([SESSION, CACHE], [BROKEN]);

describe('reporter registry', () => {
  it('offers sarif, github and markdown next to pretty and json', () => {
    expect(FORMATS).toEqual(expect.arrayContaining(['pretty', 'json', 'sarif', 'github', 'markdown']));
    expect(REPORTERS.sarif).toBe(sarif);
    expect(REPORTERS.github).toBe(github);
    expect(REPORTERS.markdown).toBe(markdown);
  });
});

describe('pretty reporter', () => {
  it('frames code with the lines the scan result carries, and reads no file itself', () => {
    const lines = ['const a = 1;', 'const productCache = new Map();', 'export {};'];
    const found = finding('module-state', {
      file: 'src/catalog.ts',
      line: 2,
      column: 7,
      endLine: 2,
      endColumn: 19,
      message: '`productCache` is state.',
    });
    const framed = pretty(
      { ...result([found]), sourceLines: (file) => (file === 'src/catalog.ts' ? lines : undefined) },
      OPTIONS,
    );
    expect(framed).toContain(
      [
        '      1 │ const a = 1;',
        '    > 2 │ const productCache = new Map();',
        '        │       ^^^^^^^^^^^^',
        '      3 │ export {};',
      ].join('\n'),
    );
    // This file exists, but without lines from the scan there is no frame.
    const onDisk = finding('module-state', { file: 'package.json', line: 1, column: 1 });
    expect(pretty(result([onDisk]), { ...OPTIONS, cwd: ROOT })).not.toContain('│');
  });
});

describe('github reporter', () => {
  it('prints one workflow command per finding and per unreadable file, then the plain summary', () => {
    expect(github(SMALL, OPTIONS)).toBe(
      [
        '::warning file=src/app.ts,line=18,col=9,endLine=18,endColumn=31,title=statecheck/no-memory-session::`session(…)` (express-session) has no shared `store`, so sessions live in its in-process MemoryStore: users are logged out on restart and whenever the load balancer sends them to another instance. Pass a shared store: `session({ store })`.',
        '::error file=src/catalog.ts,line=3,col=7,endLine=3,endColumn=19,title=statecheck/no-module-state::`productCache` is shared mutable state written at request time: each instance keeps its own copy, it is lost on restart and it is shared by every user of this instance. Keep it in Redis (hashes, counters, keys with a TTL) or in the database.',
        '::warning file=src/broken.ts::statecheck could not analyse this file: syntax error at 2:1: Expression expected. (the rest of the file was still analysed)',
        '✖ 2 findings (1 error, 1 warning) in 3 files scanned in 5 ms',
        '',
      ].join('\n'),
    );
    expect(github(SMALL, OPTIONS).trimEnd().split('\n').at(-1)).toBe(summaryLine(SMALL, OPTIONS));
  });

  it('escapes %, CR and LF in messages so a message cannot forge a command on a new line', () => {
    const hostile = finding('global-mutation', {
      message: '100% of `x`\r\n::error file=forged.ts::pwned\n::set-output name=a::b %0A',
    });
    const out = github(result([hostile]), OPTIONS);
    expect(out.split('\n')[0]).toBe(
      '::error file=src/app.ts,line=1,col=1,endLine=1,endColumn=2,title=statecheck/no-global-mutation::100%25 of `x`%0D%0A::error file=forged.ts::pwned%0A::set-output name=a::b %250A',
    );
    // one finding, one summary: nothing else starts a line
    expect(out.split('\n').filter((line) => line.startsWith('::'))).toHaveLength(1);
  });

  it('escapes commas, colons, %, and line breaks in file names (property values)', () => {
    const out = github(
      result(
        [finding('process-lock', { file: 'src/we,ird:na%me\n::error::x.ts' })],
        [{ file: 'a:b,c.ts', message: 'cannot read: EACCES: permission denied' }],
      ),
      OPTIONS,
    );
    expect(out.split('\n').slice(0, 2)).toEqual([
      '::error file=src/we%2Cird%3Ana%25me%0A%3A%3Aerror%3A%3Ax.ts,line=1,col=1,endLine=1,endColumn=2,title=statecheck/no-process-lock::`state` is state: the lock excludes only callers on the same instance: two instances enter the critical section at once.',
      '::warning file=a%3Ab%2Cc.ts::statecheck could not analyse this file: cannot read: EACCES: permission denied',
    ]);
  });

  it('still prints the summary when nothing was found', () => {
    expect(github(result([]), OPTIONS)).toBe('✔ no process-bound state found (3 files scanned in 5 ms)\n');
  });
});

describe('markdown reporter', () => {
  it('renders a state inventory: summary, one table per category in category order, unreadable files', () => {
    const likely = { ...CACHE, severity: 'warn', confidence: 'likely' } as const;
    expect(markdown(result([SESSION, likely], [BROKEN]), OPTIONS)).toBe(
      [
        '# statecheck: process-bound state inventory',
        '',
        '2 pieces of process-bound state in 2 files (3 files scanned; 1 file not analysed):',
        '',
        '- **module-state**: 1',
        '- **memory-session**: 1',
        '',
        '1 piece is likely rather than certain: the verdict rests on callers or values statecheck cannot see (each message says which).',
        '',
        '## module-state (1)',
        '',
        '[`statecheck/no-module-state`](https://github.com/statecheck/statecheck/blob/main/docs/rules/no-module-state.md): Each instance keeps its own copy, it is lost on restart and it is shared by every user of this instance.',
        '',
        '| State | Where | Confidence | Written at request time | Lost if the instance dies | Move it to |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `productCache` | `src/catalog.ts:3` | likely | `src/catalog.ts:10`, `src/catalog.ts:14` | everything written since the instance started | keep it in Redis (hashes, counters, keys with a TTL) or in the database<br>use: `ioredis`, `redis` |',
        '',
        '## memory-session (1)',
        '',
        '[`statecheck/no-memory-session`](https://github.com/statecheck/statecheck/blob/main/docs/rules/no-memory-session.md): Users are logged out on restart and whenever the load balancer sends them to another instance.',
        '',
        '| State | Where | Confidence | Written at request time | Lost if the instance dies | Move it to |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `express-session` | `src/app.ts:18` | certain | — | every active session | pass a shared store: `session({ store })`<br>use: `connect-redis`, `ioredis` |',
        '',
        '## Files not analysed (1)',
        '',
        '- `src/broken.ts`: syntax error at 2:1: Expression expected. (the rest of the file was still analysed)',
        '',
      ].join('\n'),
    );
  });

  it('reports a clean scan in one line, and still lists unreadable files', () => {
    expect(markdown(result([]), OPTIONS)).toBe('No process-bound state found by statecheck (3 files scanned).\n');
    expect(markdown(result([], [BROKEN]), OPTIONS)).toBe(
      [
        'No process-bound state found by statecheck (3 files scanned; 1 file not analysed).',
        '',
        '## Files not analysed (1)',
        '',
        '- `src/broken.ts`: syntax error at 2:1: Expression expected. (the rest of the file was still analysed)',
        '',
      ].join('\n'),
    );
  });

  it('says when a baseline hid known findings', () => {
    const withBaseline: ScanResult = {
      ...result([]),
      baseline: { file: 'statecheck-baseline.json', suppressed: 4, stale: 0 },
    };
    expect(markdown(withBaseline, OPTIONS)).toBe(
      'No new process-bound state found by statecheck (3 files scanned; 4 known findings hidden by the baseline `statecheck-baseline.json`).\n',
    );
  });

  /** Cells of a table row as GitHub splits them: at every `|` not escaped by a backslash. */
  function cells(row: string): string[] {
    expect(row).toMatch(/^\| .* \|$/);
    expect(row).not.toMatch(/(?<!\\)(?:\\\\)+\|/); // `\\|` would end the cell after all
    return row.slice(2, -2).split(/(?<!\\) \| /);
  }

  function rowFor(out: string, where: string): string {
    const row = out.split('\n').find((line) => line.startsWith('| ') && line.includes(where));
    expect(row, `no row mentions ${where}`).toBeDefined();
    return row!;
  }

  it('keeps the table intact for file names with pipes, backticks, HTML and line breaks', () => {
    const out = markdown(
      result([
        finding('file-write', { file: 'a|b.ts', subject: 'fs.writeFile(a || b)' }),
        finding('file-write', {
          file: '`x`.ts',
          line: 2,
          subject: 'tpl`${id}``',
          related: [{ file: '`x`.ts', line: 7, column: 1, message: 'w' }],
        }),
        finding('file-write', { file: 'up/<img src=x onerror=alert(1)>.ts', line: 3, subject: '<b>x</b>' }),
        finding('file-write', { file: 'two\nlines.ts', line: 4, subject: 'a\nb | c' }),
        finding('file-write', { file: 'back\\|slash.ts', line: 5 }),
      ]),
      OPTIONS,
    );
    const rows = ['a\\|b.ts:1', '`` `x`.ts:2 ``', 'up/<img', 'two\\nlines.ts:4', 'back\\\\\\|slash.ts:5'].map((w) =>
      rowFor(out, w),
    );
    for (const row of rows) expect(cells(row)).toHaveLength(6);
    expect(cells(rows[0]!).slice(0, 2)).toEqual(['`fs.writeFile(a \\|\\| b)`', '`a\\|b.ts:1`']);
    expect(cells(rows[1]!).slice(0, 4)).toEqual(['``` tpl`${id}`` ```', '`` `x`.ts:2 ``', 'certain', '`` `x`.ts:7 ``']);
    // inside a code span `<` is literal text, never HTML
    expect(cells(rows[2]!).slice(0, 2)).toEqual(['`<b>x</b>`', '`up/<img src=x onerror=alert(1)>.ts:3`']);
    // A line break in a name is shown escaped, as pretty output shows it.
    expect(cells(rows[3]!).slice(0, 2)).toEqual(['`a b \\| c`', '`two\\nlines.ts:4`']);
    // `a\|b` cannot be a code span in a table cell: HTML code with escaped text instead
    expect(cells(rows[4]!)[1]).toBe('<code>back\\\\\\|slash.ts:5</code>');
  });

  it('escapes HTML and Markdown in prose, and never mentions a user or team', () => {
    const out = markdown(
      result(
        [],
        [
          {
            file: 'src/x.ts',
            message: 'analysis failed: <script>alert(1)</script> *bold* [link](http://x) @aws-sdk/client-s3 $x$ a|b',
          },
        ],
      ),
      OPTIONS,
    );
    expect(out.split('\n').at(-2)).toBe(
      '- `src/x.ts`: analysis failed: &lt;script&gt;alert(1)&lt;/script&gt; \\*bold\\* \\[link\\](http://x) `@aws-sdk/client-s3` \\$x\\$ a\\|b',
    );
  });
});

describe('sarif reporter', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  function valid(log: unknown): boolean {
    const ok = validate(log);
    if (!ok) console.error(ajv.errorsText(validate.errors, { separator: '\n' }));
    return ok;
  }

  const hostile = result(
    [
      finding('socket-registry', { file: 'src/a b#1?.ts', message: 'new line\nand "quotes" | pipes' }),
      finding('process-cache', { file: '/outside/cwd/cache.ts', severity: 'warn' }),
    ],
    [{ file: 'src/c:d.ts', message: 'cannot read: EACCES' }],
  );

  it('is valid against the SARIF 2.1.0 schema, for a small scan, an empty scan and odd file names', () => {
    for (const r of [SMALL, result([]), hostile]) {
      const text = sarif(r, OPTIONS);
      expect(text.endsWith('}\n')).toBe(true);
      expect(valid(JSON.parse(text))).toBe(true);
    }
  });

  it('the schema check can fail: a wrong level or a zero line is rejected', () => {
    const log = JSON.parse(sarif(SMALL, OPTIONS)) as {
      runs: { results: { level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[];
    };
    log.runs[0]!.results[0]!.level = 'warn';
    expect(validate(log)).toBe(false);
    log.runs[0]!.results[0]!.level = 'warning';
    log.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    expect(validate(log)).toBe(false);
  });

  it('describes the tool and all nine rules with help, docs URLs and default levels', () => {
    const log = JSON.parse(sarif(SMALL, OPTIONS));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({
      name: 'statecheck',
      informationUri: 'https://github.com/statecheck/statecheck',
      version: pkg.version,
    });
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual([
      ...CATEGORIES.map(ruleIdOf),
      'statecheck/unused-disable-directive',
    ]);
    expect(driver.rules[0]).toEqual({
      id: 'statecheck/no-module-state',
      name: 'no-module-state',
      shortDescription: { text: 'Disallow module-level mutable state written at request time.' },
      fullDescription: {
        text: 'Each instance keeps its own copy, it is lost on restart and it is shared by every user of this instance.',
      },
      help: {
        text: 'Each instance keeps its own copy, it is lost on restart and it is shared by every user of this instance. Where it should live instead: keep it in Redis (hashes, counters, keys with a TTL) or in the database. Packages: ioredis, redis. See https://github.com/statecheck/statecheck/blob/main/docs/rules/no-module-state.md',
        markdown:
          'Each instance keeps its own copy, it is lost on restart and it is shared by every user of this instance.\n\n**Where it should live instead:** keep it in Redis (hashes, counters, keys with a TTL) or in the database.\n\nPackages: `ioredis`, `redis`.\n\n[Rule documentation](https://github.com/statecheck/statecheck/blob/main/docs/rules/no-module-state.md)',
      },
      helpUri: 'https://github.com/statecheck/statecheck/blob/main/docs/rules/no-module-state.md',
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['scalability', 'process-bound-state', 'module-state', 'correctness'] },
    });
    for (const r of driver.rules.slice(0, CATEGORIES.length))
      expect(r.helpUri).toBe(`https://github.com/statecheck/statecheck/blob/main/docs/rules/${r.name}.md`);
    expect(driver.rules[CATEGORIES.length].helpUri).toBe(
      'https://github.com/statecheck/statecheck#suppressing-a-finding',
    );
  });

  it('reports results with rule indices, levels, regions, related locations and partial fingerprints', () => {
    const run = JSON.parse(sarif(SMALL, OPTIONS)).runs[0];
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `${pathToFileURL(CWD).href}/` } });
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['warning', 'error']);
    expect(run.results[1]).toEqual({
      ruleId: 'statecheck/no-module-state',
      ruleIndex: 0,
      level: 'error',
      message: { text: CACHE.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/catalog.ts', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 7, endLine: 3, endColumn: 19 },
          },
        },
      ],
      relatedLocations: [10, 14, 14].map((line, i) => ({
        id: i + 1,
        physicalLocation: {
          artifactLocation: { uri: 'src/catalog.ts', uriBaseId: '%SRCROOT%' },
          region: { startLine: line, startColumn: CACHE.related[i]!.column },
        },
        message: { text: 'written here at request time' },
      })),
      partialFingerprints: { 'statecheck/v1': 'c74ade290d885f7be224856e:0' },
      properties: { category: 'module-state', confidence: 'certain', packages: ['ioredis', 'redis'] },
    });
    expect(run.results[0].partialFingerprints).toEqual({ 'statecheck/v1': '27a7f16ed430784fda3ba7e1:0' });
    expect(run.results[0]).not.toHaveProperty('relatedLocations');
  });

  it('turns unreadable files into tool notifications of a successful run', () => {
    const run = JSON.parse(sarif(SMALL, OPTIONS)).runs[0];
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: { text: `statecheck could not analyse this file: ${BROKEN.message}` },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'src/broken.ts', uriBaseId: '%SRCROOT%' } } }],
          },
        ],
      },
    ]);
  });

  it('lists files skipped on purpose as notes, valid against the schema', () => {
    const skipped: ScanResult = {
      ...SMALL,
      skipped: [
        {
          file: 'src/gen.ts',
          kind: 'generated',
          reason: 'looks generated: its header says "@generated" (skipGenerated)',
        },
        {
          file: 'public/app.js',
          kind: 'minified',
          reason: 'looks minified: lines average 4000 characters (skipGenerated)',
        },
      ],
      summary: { ...SMALL.summary, skipped: { generated: 1, minified: 1 } },
    };
    const log = JSON.parse(sarif(skipped, OPTIONS));
    expect(valid(log)).toBe(true);
    expect(log.runs[0].invocations[0].toolExecutionNotifications.slice(1)).toEqual([
      {
        level: 'note',
        message: {
          text: 'statecheck skipped this file: looks generated: its header says "@generated" (skipGenerated)',
        },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'src/gen.ts', uriBaseId: '%SRCROOT%' } } }],
        properties: { skipped: 'generated' },
      },
      {
        level: 'note',
        message: {
          text: 'statecheck skipped this file: looks minified: lines average 4000 characters (skipGenerated)',
        },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'public/app.js', uriBaseId: '%SRCROOT%' } } }],
        properties: { skipped: 'minified' },
      },
    ]);
  });

  it('encodes file names as URI references and points outside the working directory with file: URIs', () => {
    const run = JSON.parse(sarif(hostile, OPTIONS)).runs[0];
    const uris = run.results.map(
      (r: { locations: { physicalLocation: { artifactLocation: unknown } }[] }) =>
        r.locations[0]!.physicalLocation.artifactLocation,
    );
    expect(uris).toEqual([
      { uri: 'src/a%20b%231%3F.ts', uriBaseId: '%SRCROOT%' },
      { uri: 'file:///outside/cwd/cache.ts' },
    ]);
    expect(run.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: 'src/c%3Ad.ts',
      uriBaseId: '%SRCROOT%',
    });
  });

  it('is deterministic: the same scan gives the same bytes', () => {
    expect(sarif(SMALL, OPTIONS)).toBe(sarif(structuredClone(SMALL), OPTIONS));
    expect(sarif(SMALL, OPTIONS)).not.toMatch(/TimeUtc/);
  });
});

describe('json reports', () => {
  const forging = result([
    finding('global-mutation', {
      file: 'src/##[error]x.ts',
      message: '`globalThis.##[error]forged` is a global',
      subject: 'globalThis.##[error]forged',
    }),
  ]);

  it('hold no `##[` in their text, and the exact strings once parsed; merge keeps it so', () => {
    const text = json(forging, OPTIONS);
    expect(text).not.toContain('##[');
    expect(text).toContain('#\\u0023[error]forged');
    expect(JSON.parse(text)).toMatchObject({
      findings: [{ file: 'src/##[error]x.ts', message: '`globalThis.##[error]forged` is a global' }],
    });
    const merged = mergeReports([
      { file: 'a.json', text },
      { file: 'b.json', text: json(result([]), OPTIONS) },
    ]).text;
    expect(merged).not.toContain('##[');
    expect(JSON.parse(merged).findings[0].file).toBe('src/##[error]x.ts');
    expect(sarif(forging, OPTIONS)).not.toContain('##[');
  });

  it('markdown shows `##[` as HTML code, where it can be escaped', () => {
    expect(markdown(forging, OPTIONS)).not.toContain('##[');
  });
});
