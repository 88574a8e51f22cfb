import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const tmp = useTempDir('statecheck-suppressions-');

interface Report {
  findings: { file: string; line: number; column: number; category: string }[];
}

const scan = async (): Promise<string[]> => {
  const { code, stdout, stderr } = await runCli(['--format', 'json', '--no-cache', 'src'], tmp.path);
  expect(stderr).toBe('');
  expect(code).toBe(1);
  return (JSON.parse(stdout) as Report).findings.map((f) => `${f.file} ${f.line}:${f.column} ${f.category}`);
};

// SAMPLE_APP's two findings (memory-session at 4:9, module-state at 5:7), one line lower.
const both = (file: string) => [`${file} 5:9 memory-session`, `${file} 6:7 module-state`];

describe('suppression directives count only in comments', () => {
  it.each([
    ['a string', 'src/string.js', "const banner = '/* eslint-disable */';"],
    [
      'a string, statecheck',
      'src/string-statecheck.js',
      "const banner = '/* statecheck-disable -- generated banner */';",
    ],
    ['a template literal', 'src/template.js', 'const banner = `${1} /* statecheck-disable -- banner */ ${2}`;'],
    [
      'a template literal, as a line comment',
      'src/template-line.js',
      'const help = `// statecheck-disable -- see the docs\\n`;',
    ],
    ['a regular expression', 'src/regex.js', 'const directive = /\\/* eslint-disable */;'],
    [
      'JSX text',
      'src/view.jsx',
      'const Help = () => <p>/* statecheck-disable -- shown to users */ and // eslint-disable</p>;',
    ],
  ])('text like a directive in %s hides nothing', async (_, file, decoy) => {
    tmp.write(file, `${decoy}\n${SAMPLE_APP}`);
    expect(await scan()).toEqual(both(file));
  });

  it('the same directives in real comments still apply', async () => {
    tmp.write('src/block.js', `/* eslint-disable */\n${SAMPLE_APP}`);
    tmp.write(
      'src/trailing.js',
      `const a = 1; /* statecheck-disable -- legacy module, see ticket 42 */\n${SAMPLE_APP}`,
    );
    tmp.write('src/view.jsx', `const Help = () => <p>{/* statecheck-disable -- legacy view */}</p>;\n${SAMPLE_APP}`);
    tmp.write('src/app.js', SAMPLE_APP);
    expect(await scan()).toEqual(['src/app.js 4:9 memory-session', 'src/app.js 5:7 module-state']);
  });
});

describe('a suppression inside a wrapper', () => {
  const WRAPPER = [
    "const { LRUCache } = require('lru-cache');",
    'function createCache(max) {',
    '  // statecheck-disable-next-line process-cache -- the caches this makes hold immutable data',
    '  return new LRUCache({ max });',
    '}',
    'module.exports = { createCache };',
    '',
  ].join('\n');
  const caller = (name: string, suppression = '') =>
    `const { createCache } = require('./lib/cache');\n${suppression}const ${name} = createCache(100);\nmodule.exports = (req, res) => { ${name}.set(req.id, req.user); res.end(); };\n`;
  const at = async () => {
    const { stdout, stderr } = await runCli(['--format', 'json', '--no-cache', 'src'], tmp.path);
    expect(stderr).toBe('');
    return (JSON.parse(stdout) as Report).findings.map((f) => `${f.file} ${f.line}:${f.column} ${f.category}`);
  };

  it('covers the creation only: each call site in another file is a finding until it has its own suppression', async () => {
    tmp.write('src/lib/cache.js', WRAPPER);
    tmp.write('src/sessions.js', caller('sessions'));
    tmp.write(
      'src/countries.js',
      caller('countries', '// statecheck-disable-next-line process-cache -- country names never change\n'),
    );
    expect(await at()).toEqual(['src/sessions.js 2:18 process-cache']);
  });

  it('silences the creation where the creation is the finding (no caller in another file)', async () => {
    tmp.write(
      'src/lib/cache.js',
      WRAPPER.replace(
        'module.exports = { createCache };',
        'const local = createCache(10);\nmodule.exports = (req) => local.get(req.id);',
      ),
    );
    expect(await at()).toEqual([]);
    tmp.write(
      'src/lib/cache.js',
      WRAPPER.replace(
        '  // statecheck-disable-next-line process-cache -- the caches this makes hold immutable data\n',
        '',
      ).replace(
        'module.exports = { createCache };',
        'const local = createCache(10);\nmodule.exports = (req) => local.get(req.id);',
      ),
    );
    expect(await at()).toEqual(['src/lib/cache.js 3:10 process-cache']);
  });
});
