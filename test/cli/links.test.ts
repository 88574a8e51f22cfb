import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

// Symbolic links are POSIX business here (Windows needs privileges to create them).
const POSIX = process.platform !== 'win32';

const project = useTempDir('statecheck-links-');
const outside = useTempDir('statecheck-elsewhere-');

interface Report {
  findings: { file: string; line: number; category: string }[];
  errors: { file: string; message: string }[];
}

const json = (stdout: string) => JSON.parse(stdout) as Report;
const where = (r: Report) => r.findings.map((f) => `${f.file}:${f.line}:${f.category}`);
/** A different app outside the project: its findings (line 2) must never show up. */
const SECRET = `// TOP-SECRET outside file\n${SAMPLE_APP.replace('const seen', 'const secretSeen').replace('seen.add', 'secretSeen.add')}`;

/** A git repository (a `.git` folder is what marks it) with one app file. */
function repository(): void {
  mkdirSync(join(project.path, '.git'));
  project.write('src/app.js', SAMPLE_APP);
  writeFileSync(join(outside.path, 'secret.js'), SECRET);
}

describe.runIf(POSIX)('files named on the command line (a pre-commit hook passes what is staged)', () => {
  it('a link out of the repository is not followed; a link inside it is', async () => {
    repository();
    symlinkSync(join(outside.path, 'secret.js'), join(project.path, 'src', 'evil.js'));
    symlinkSync('app.js', join(project.path, 'src', 'alias.js'));
    const { code, stdout } = await runCli(
      ['--format', 'json', '--no-cache', 'src/evil.js', 'src/alias.js', 'src/app.js'],
      project.path,
    );
    expect(code).toBe(1);
    const report = json(stdout);
    expect(where(report)).toEqual([
      'src/alias.js:4:memory-session',
      'src/alias.js:5:module-state',
      'src/app.js:4:memory-session',
      'src/app.js:5:module-state',
    ]);
    expect(report.errors).toEqual([
      { file: 'src/evil.js', message: 'skipped: symbolic link to a file outside the project (not followed)' },
    ]);
    // Neither the code frame nor anything else quotes the outside file.
    const pretty = await runCli(['--no-cache', join(project.path, 'src', 'evil.js')], join(project.path, 'src'));
    expect(pretty.stdout).not.toContain('TOP-SECRET');
    expect(pretty.stdout).not.toContain('secretSeen');
  });

  it('a named folder that links out of the repository is not walked', async () => {
    repository();
    symlinkSync(outside.path, join(project.path, 'vendor-link'));
    const { stdout } = await runCli(['--format', 'json', '--no-cache', 'vendor-link', 'src'], project.path);
    expect(json(stdout).errors).toEqual([
      { file: 'vendor-link', message: 'skipped: symbolic link to a folder outside the project (not followed)' },
    ]);
    expect(where(json(stdout)).every((f) => f.startsWith('src/app.js'))).toBe(true);
  });
});

describe.runIf(POSIX)('a file swapped for a link after discovery', () => {
  it('is not read through the link: the race reads nothing', () => {
    repository();
    project.write('src/victim.js', 'module.exports = 1;\n');
    // Simulates the race deterministically: just before statecheck opens src/victim.js, the
    // file becomes a link to a file outside (discovery saw a regular file).
    const swap = project.write(
      'swap.mjs',
      [
        "import fs from 'node:fs';",
        "import { syncBuiltinESMExports } from 'node:module';",
        'const open = fs.openSync;',
        'let swapped = false;',
        'fs.openSync = function (path, ...rest) {',
        '  if (!swapped && String(path) === process.env.SWAP_FILE) {',
        '    swapped = true;',
        '    fs.rmSync(path);',
        '    fs.symlinkSync(process.env.SWAP_TO, path);',
        '  }',
        '  return open.call(this, path, ...rest);',
        '};',
        'syncBuiltinESMExports();',
        '',
      ].join('\n'),
    );
    const result = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(swap).href, BIN, '--format', 'json', '--no-cache', '--jobs', '1', 'src'],
      {
        cwd: project.path,
        encoding: 'utf8',
        env: {
          ...process.env,
          NO_COLOR: '1',
          SWAP_FILE: join(project.path, 'src', 'victim.js'),
          SWAP_TO: join(outside.path, 'secret.js'),
        },
      },
    );
    expect(result.stderr).toBe('');
    const report = json(result.stdout);
    expect(where(report)).toEqual(['src/app.js:4:memory-session', 'src/app.js:5:module-state']);
    expect(report.errors).toEqual([
      {
        file: 'src/victim.js',
        message: 'cannot read: a symbolic link (swapped in after the file was found; not followed)',
      },
    ]);
    expect(result.stdout).not.toContain('secretSeen');
  });
});

describe.runIf(POSIX)('configuration files', () => {
  it('a configuration that links out of the repository is refused, not applied', async () => {
    repository();
    writeFileSync(
      join(outside.path, 'config.json'),
      JSON.stringify({ rules: { 'module-state': 'off', 'memory-session': 'off' } }),
    );
    symlinkSync(join(outside.path, 'config.json'), join(project.path, 'statecheck.config.json'));
    const { code, stdout, stderr } = await runCli(['--no-cache'], project.path);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'statecheck: statecheck.config.json: not read: a symbolic link out of the project\n  replace the link with the file itself\n',
    );
  });

  it('the refusal never quotes the target', async () => {
    repository();
    writeFileSync(join(outside.path, 'id_rsa'), '-----BEGIN TOP-SECRET KEY-----\n');
    symlinkSync(join(outside.path, 'id_rsa'), join(project.path, 'src', 'statecheck.config.json'));
    const { code, stderr } = await runCli(['--no-cache'], join(project.path, 'src'));
    expect(code).toBe(2);
    expect(stderr).not.toContain('TOP-SECRET');
  });

  it('a link inside the repository is read', async () => {
    repository();
    project.write('config/statecheck.json', JSON.stringify({ rules: { 'module-state': 'off' } }));
    symlinkSync(join('config', 'statecheck.json'), join(project.path, 'statecheck.config.json'));
    expect(where(json((await runCli(['--format', 'json', '--no-cache'], project.path)).stdout))).toEqual([
      'src/app.js:4:memory-session',
    ]);
  });
});

describe.runIf(POSIX)('the result cache', () => {
  it('a cache folder that links out of the repository is not used, with a notice', async () => {
    repository();
    mkdirSync(join(project.path, 'node_modules', '.cache'), { recursive: true });
    symlinkSync(outside.path, join(project.path, 'node_modules', '.cache', 'statecheck'));
    const { code, stdout, stderr } = await runCli(['--format', 'json'], project.path);
    expect(code).toBe(1);
    expect(where(json(stdout))).toEqual(['src/app.js:4:memory-session', 'src/app.js:5:module-state']);
    expect(stderr).toBe(
      'statecheck: cache not used: node_modules/.cache/statecheck leads out of the project through a symbolic link\n',
    );
    expect(readdirSync(outside.path)).toEqual(['secret.js']);
  });

  it('a link planted at the temporary file name is not written through', () => {
    repository();
    const cache = join(project.path, 'node_modules', '.cache', 'statecheck');
    mkdirSync(cache, { recursive: true });
    const victim = join(outside.path, 'victim.txt');
    writeFileSync(victim, 'untouched\n');
    // Whoever restores the cache folder can guess the process id (CI runners reuse them).
    const plant = project.write(
      'plant.mjs',
      `import { symlinkSync } from 'node:fs';\nsymlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(cache)} + '/results.json.' + process.pid + '.tmp');\n`,
    );
    const result = spawnSync(process.execPath, ['--import', pathToFileURL(plant).href, BIN, '--format', 'json'], {
      cwd: project.path,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(readFileSync(victim, 'utf8')).toBe('untouched\n');
    // The cache was still written, as a file of its own.
    expect(JSON.parse(readFileSync(join(cache, 'results.json'), 'utf8')).entries).toBeDefined();
  });
});

describe('a file whose name starts with two dots', () => {
  it('is inside the folder: shown relative, linked to, and a relative SARIF URI', async () => {
    project.write('..x.js', SAMPLE_APP);
    if (POSIX) symlinkSync('..x.js', join(project.path, 'alias.js'));
    const report = json((await runCli(['--format', 'json', '--no-cache'], project.path)).stdout);
    expect(where(report)).toEqual([
      '..x.js:4:memory-session',
      '..x.js:5:module-state',
      ...(POSIX ? ['alias.js:4:memory-session', 'alias.js:5:module-state'] : []),
    ]);
    expect(report.errors).toEqual([]);
    expect(where(json((await runCli(['--format', 'json', '--no-cache', '..x.js'], project.path)).stdout))).toEqual([
      '..x.js:4:memory-session',
      '..x.js:5:module-state',
    ]);
    const sarif = JSON.parse((await runCli(['--format', 'sarif', '--no-cache', '..x.js'], project.path)).stdout) as {
      runs: {
        results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[];
      }[];
    };
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({
      uri: '..x.js',
      uriBaseId: '%SRCROOT%',
    });
  });
});
