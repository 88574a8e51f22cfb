import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { readmeSnippet } from '../helpers/readme.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

const available = spawnSync('pre-commit', ['--version']).status === 0;
// CI installs pre-commit (.ci/run); there the test must run, never skip.
const ci = process.env.CI === 'true' || process.env.CI === '1';

const dir = useTempDir('statecheck-precommit-');

describe.skipIf(!available && !ci)('pre-commit hook (.pre-commit-hooks.yaml), set up as the README says', () => {
  it('fails on a staged offending file and passes once it is fixed', { timeout: 600_000 }, () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir.path, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'dev@example.com');
    git('config', 'user.name', 'dev');
    // The README's snippet, pointed at this checkout's committed HEAD instead of the published tag.
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const config = readmeSnippet('pre-commit')
      .replace(/repo: \S+/, `repo: ${ROOT}`)
      .replace(/rev: \S+/, `rev: ${head}`);
    expect(config).toContain('id: statecheck');
    dir.write('.pre-commit-config.yaml', config);
    dir.write('.gitignore', 'node_modules/\n'); // statecheck's cache lives in node_modules/.cache
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('src/app.test.js', SAMPLE_APP); // staged too, but a test: out of scope
    git('add', '.');
    const env = { ...process.env, PRE_COMMIT_HOME: `${dir.path}/.pre-commit-cache`, NO_COLOR: '1' };
    const run = () => spawnSync('pre-commit', ['run', '--verbose'], { cwd: dir.path, encoding: 'utf8', env });

    const failing = run();
    expect(failing.status, failing.stdout + failing.stderr).toBe(1);
    expect(failing.stdout).toContain('src/app.js');
    expect(failing.stdout).toContain('statecheck/no-memory-session');
    expect(failing.stdout).not.toContain('src/app.test.js');

    dir.write('src/app.js', "const express = require('express');\nmodule.exports = express();\n");
    git('add', '.');
    const passing = run();
    expect(passing.status, passing.stdout + passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(/statecheck\.+Passed/);
  });
});
