import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './fixtures.js';

// The package as users get it: `npm pack` of this checkout (after `npm run build`), installed with
// npm into throwaway projects. npm's own cache (~/.npm) keeps the registry downloads between runs;
// installs prefer it, so a warm run needs the registry only to check what it already has.

export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packs the checkout once into a fresh folder; returns the tarball's path. */
export function packTarball(): string {
  const dir = mkdtempSync(join(tmpdir(), 'statecheck-tarball-'));
  execFileSync(NPM, ['pack', '--pack-destination', dir, '--ignore-scripts'], { cwd: ROOT, stdio: 'pipe' });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  return join(dir, tarball);
}

/** A project folder with these files and a package.json, then `npm install <specs>` in it. */
export function installProject(files: Record<string, string>, specs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'statecheck-project-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  execFileSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-save', ...specs], {
    cwd: dir,
    stdio: 'pipe',
    // npm reads its configuration from the environment too: none of this checkout's applies.
    env: { ...process.env, npm_config_loglevel: 'error' },
  });
  return dir;
}
