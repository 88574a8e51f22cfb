import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from '../helpers/fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'statecheck-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the published package', () => {
  it('npm pack + a global install gives a working statecheck command', { timeout: 300_000 }, () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    execFileSync(npm, ['pack', '--pack-destination', work, '--ignore-scripts'], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const prefix = join(work, 'global');
    execFileSync(npm, ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', join(work, tarball!)], {
      stdio: 'pipe',
    });
    // The build's code hash ships with it: the cache of one build is never served to another.
    expect(existsSync(join(prefix, 'lib', 'node_modules', 'statecheck', 'dist', 'build-id.json'))).toBe(true);
    const bin = join(prefix, 'bin', 'statecheck');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const scan = spawnSync(bin, ['--format', 'json', join(FIXTURES, 'projects', 'express-monolith')], {
      encoding: 'utf8',
      cwd: work,
    });
    expect(scan.status).toBe(1);
    expect(JSON.parse(scan.stdout).findings).toHaveLength(10);
  });

  it('looks maintained: LICENSE, CHANGELOG, repository fields, no source maps, only built code', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const [packed] = JSON.parse(
      execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
    ) as { files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']));
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    // Keep a Changelog: an Unreleased section first.
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(/^# Changelog\n[\s\S]*?\n## \[Unreleased\]\n/);
    // Source maps would point at TypeScript sources the package does not contain.
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /\.[cm]?ts$/.test(f) && !/\.d\.[cm]?ts$/.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.license).toBe('MIT');
    expect(manifest.repository).toEqual({ type: 'git', url: 'git+https://github.com/statecheck/statecheck.git' });
    expect(manifest.bugs).toEqual({ url: 'https://github.com/statecheck/statecheck/issues' });
    expect(manifest.homepage).toBe('https://github.com/statecheck/statecheck#readme');
  });
});
