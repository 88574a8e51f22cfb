import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const dir = useTempDir('statecheck-baseline-');
const outside = useTempDir('statecheck-outside-');
const POSIX = process.platform !== 'win32';

interface BaselineFile {
  version: 1;
  findings: { ruleId: string; fingerprint: string; file: string; line: number }[];
}

const baseline = (rel = 'statecheck-baseline.json'): BaselineFile =>
  JSON.parse(readFileSync(join(dir.path, rel), 'utf8')) as BaselineFile;
const files = (b: BaselineFile) => b.findings.map((f) => `${f.file}:${f.line}`);
const report = async (args: string[], cwd = dir.path) => {
  const result = await runCli(['--format', 'json', '--no-cache', ...args], cwd);
  return {
    ...result,
    json: JSON.parse(result.stdout) as {
      findings: { file: string }[];
      summary: { baseline?: { file: string; suppressed: number; stale: number } };
    },
  };
};
/** One module-state finding per file, on line 1. */
const STATE = 'const seen = new Set();\nmodule.exports = (req) => { seen.add(req.ip); };\n';

/** Three files with one finding each, recorded in a baseline by a full run. */
async function adopted(): Promise<void> {
  for (const name of ['a', 'b', 'c']) dir.write(`src/${name}.js`, STATE.replaceAll('seen', `seen${name}`));
  expect((await runCli(['--update-baseline', '--no-cache'], dir.path)).code).toBe(0);
  expect(files(baseline())).toEqual(['src/a.js:1', 'src/b.js:1', 'src/c.js:1']);
}

describe('--update-baseline on a partial run keeps the entries of files outside the run', () => {
  it('named paths: only entries of the named file are replaced', async () => {
    await adopted();
    dir.write(
      'src/a.js',
      `${STATE.replaceAll('seen', 'seena')}const more = [];\nexport function m(x) { more.push(x); }\n`,
    );
    const update = await runCli(['--update-baseline', '--no-cache', 'src/a.js'], dir.path);
    expect(update).toMatchObject({
      code: 0,
      stdout: 'statecheck: wrote 2 findings to statecheck-baseline.json and kept 2 entries of files outside this run\n',
    });
    expect(files(baseline())).toEqual(['src/a.js:1', 'src/a.js:3', 'src/b.js:1', 'src/c.js:1']);
    expect((await report([])).json.findings).toEqual([]);
  });

  it('--shard: entries of the other shards are kept; all shards together give the full baseline', async () => {
    for (let i = 0; i < 8; i++) dir.write(`src/m${i}.js`, STATE.replaceAll('seen', `seen${i}`));
    await runCli(['--update-baseline', '--no-cache'], dir.path);
    const full = baseline();
    await runCli(['--update-baseline', '--no-cache', '--shard', '1/3'], dir.path);
    expect(baseline()).toEqual(full);
    // Every finding fixed: each shard's run prunes the entries of its own files only.
    for (let i = 0; i < 8; i++) dir.write(`src/m${i}.js`, 'module.exports = 1;\n');
    await runCli(['--update-baseline', '--no-cache', '--shard', '2/3'], dir.path);
    const afterTwo = baseline().findings.length;
    expect(afterTwo).toBeGreaterThan(0);
    expect(afterTwo).toBeLessThan(8);
    await runCli(['--update-baseline', '--no-cache', '--shard', '1/3'], dir.path);
    await runCli(['--update-baseline', '--no-cache', '--shard', '3/3'], dir.path);
    expect(baseline().findings).toEqual([]);
  });

  it('--changed and --since: entries of unchanged files are kept', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir.path, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'dev@example.com');
    git('config', 'user.name', 'dev');
    await adopted();
    git('add', '.');
    git('commit', '-q', '-m', 'adopt');
    dir.write('src/b.js', 'module.exports = 1;\n');
    expect((await runCli(['--update-baseline', '--no-cache', '--changed'], dir.path)).code).toBe(0);
    expect(files(baseline())).toEqual(['src/a.js:1', 'src/c.js:1']);
    git('checkout', '-q', '-b', 'feature');
    git('commit', '-q', '-am', 'fix b');
    dir.write('src/c.js', `// moved down\n${STATE.replaceAll('seen', 'seenc')}`);
    git('commit', '-q', '-am', 'edit c');
    expect((await runCli(['--update-baseline', '--no-cache', '--since', 'main'], dir.path)).code).toBe(0);
    expect(files(baseline())).toEqual(['src/a.js:1', 'src/c.js:2']);
  });

  it('a full run still prunes the entries of every file', async () => {
    await adopted();
    dir.write('src/b.js', 'module.exports = 1;\n');
    expect((await runCli(['--update-baseline', '--no-cache'], dir.path)).stdout).toBe(
      'statecheck: wrote 2 findings to statecheck-baseline.json\n',
    );
    expect(files(baseline())).toEqual(['src/a.js:1', 'src/c.js:1']);
  });
});

describe('stale entries', () => {
  it('are counted only for files the run covers', async () => {
    await adopted();
    dir.write('src/b.js', 'module.exports = 1;\n');
    // b.js's entry is stale, but only a run over b.js can tell.
    expect((await report(['src/a.js'])).json.summary.baseline).toEqual({
      file: 'statecheck-baseline.json',
      suppressed: 1,
      stale: 0,
    });
    expect((await report(['src/a.js', 'src/b.js'])).json.summary.baseline).toEqual({
      file: 'statecheck-baseline.json',
      suppressed: 1,
      stale: 1,
    });
    expect((await runCli(['--no-cache', 'src/a.js'], dir.path)).stdout).not.toMatch(/no longer found/);
    expect((await runCli(['--no-cache'], dir.path)).stdout).toMatch(
      /2 known findings suppressed by statecheck-baseline\.json, 1 baseline entry no longer found/,
    );
  });
});

describe('the baseline is found from the working directory upward', () => {
  it('a run in a subfolder uses, and updates, the baseline above it', async () => {
    await adopted();
    const sub = join(dir.path, 'src');
    expect((await report([], sub)).json).toMatchObject({
      findings: [],
      summary: { baseline: { file: '../statecheck-baseline.json', suppressed: 3, stale: 0 } },
    });
    // Updating from the subfolder covers only the subfolder; paths stay relative to the baseline.
    dir.write('other/d.js', STATE.replaceAll('seen', 'seend'));
    await runCli(['--update-baseline', '--no-cache'], dir.path);
    dir.write('src/a.js', 'module.exports = 1;\n');
    expect(await runCli(['--update-baseline', '--no-cache'], sub)).toMatchObject({
      code: 0,
      stdout:
        'statecheck: wrote 2 findings to ../statecheck-baseline.json and kept 1 entry of files outside this run\n',
    });
    expect(files(baseline())).toEqual(['other/d.js:1', 'src/b.js:1', 'src/c.js:1']);
  });
});

describe('a baseline that is not a regular file of the project', () => {
  it.runIf(POSIX)(
    'a link out of the project is neither read nor written, and its contents are never echoed',
    async () => {
      dir.write('src/app.js', SAMPLE_APP);
      const secret = join(outside.path, 'secret.txt');
      writeFileSync(secret, 'TOP-SECRET-TOKEN\n');
      symlinkSync(secret, join(dir.path, 'statecheck-baseline.json'));
      const read = await runCli(['--no-cache'], dir.path);
      expect(read.code).toBe(2);
      expect(read.stderr).toBe(
        'statecheck: statecheck-baseline.json: not read: a symbolic link out of the project\n  replace the link with the file itself\n',
      );
      const write = await runCli(['--update-baseline', '--no-cache'], dir.path);
      expect(write.code).toBe(2);
      expect(write.stderr).toMatch(
        /^statecheck: statecheck-baseline\.json: not written: a symbolic link out of the project\n/,
      );
      expect(readFileSync(secret, 'utf8')).toBe('TOP-SECRET-TOKEN\n');
    },
  );

  it('invalid JSON is named without quoting the file', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('statecheck-baseline.json', 'TOP-SECRET-TOKEN\n');
    const { code, stderr } = await runCli(['--no-cache'], dir.path);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'statecheck: statecheck-baseline.json: cannot read the baseline: not valid JSON\n  regenerate it with `statecheck --update-baseline`\n',
    );
  });

  it('a UTF-8 byte order mark is read past', async () => {
    await adopted();
    writeFileSync(
      join(dir.path, 'statecheck-baseline.json'),
      `\uFEFF${readFileSync(join(dir.path, 'statecheck-baseline.json'), 'utf8')}`,
    );
    expect((await report([])).json).toMatchObject({ findings: [], summary: { baseline: { suppressed: 3, stale: 0 } } });
  });

  it.runIf(POSIX)('a link inside the project is followed, and the update goes to its target', async () => {
    await adopted();
    mkdirSync(join(dir.path, 'ci'));
    execFileSync('mv', [join(dir.path, 'statecheck-baseline.json'), join(dir.path, 'ci', 'known.json')]);
    symlinkSync(join('ci', 'known.json'), join(dir.path, 'statecheck-baseline.json'));
    expect((await report([])).json.summary.baseline).toMatchObject({ suppressed: 3 });
    dir.write('src/a.js', 'module.exports = 1;\n');
    await runCli(['--update-baseline', '--no-cache'], dir.path);
    expect(files(baseline(join('ci', 'known.json')))).toEqual(['src/b.js:1', 'src/c.js:1']);
  });
});
