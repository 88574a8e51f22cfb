import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';

/** Runs git with an argument array (never a shell string built from names). */
function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = error && typeof error === 'object' && 'stderr' in error ? String(error.stderr).trim() : '';
    const missing = error && typeof error === 'object' && 'code' in error && error.code === 'ENOENT';
    throw new UsageError(
      missing
        ? 'git is not installed or not on PATH'
        : `git ${args[0]} failed${stderr ? `: ${stderr.split('\n')[0]}` : ''}`,
      '--changed and --since need a git repository',
    );
  }
}

/** Whether `ref` names a commit here (a branch, tag, remote branch or commit id). */
function refExists(cwd: string, ref: string): boolean {
  try {
    git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

function names(output: string, top: string): string[] {
  return output
    .split('\0')
    .filter(Boolean)
    .map((name) => resolve(top, name));
}

/**
 * Files changed in the working tree and index against HEAD (`--changed`), or since the merge
 * base with `ref` (`--since`), plus untracked files; deleted files are left out.
 */
export function changedFiles(cwd: string, since?: string): Set<string> {
  const top = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  const hasHead = (() => {
    try {
      git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD']);
      return true;
    } catch {
      return false;
    }
  })();
  const files = new Set<string>();
  if (since !== undefined) {
    if (since.startsWith('-'))
      throw new UsageError(`invalid git ref "${since}"`, 'pass a branch, tag or commit to --since');
    if (!refExists(cwd, since))
      throw new UsageError(
        `--since: no git ref "${since}" in this repository`,
        `fetch it first (git fetch origin ${since.replace(/^origin\//, '')}); a shallow CI checkout has no other branches: use fetch-depth: 0 (actions/checkout) or GIT_DEPTH: 0 (GitLab CI)`,
      );
    let base: string;
    try {
      base = git(cwd, ['merge-base', since, 'HEAD']).trim();
    } catch {
      throw new UsageError(
        `--since: no common history between "${since}" and HEAD`,
        'a shallow clone stops before their merge base: use fetch-depth: 0 (actions/checkout) or GIT_DEPTH: 0 (GitLab CI), or git fetch --unshallow',
      );
    }
    for (const f of names(git(cwd, ['diff', '--name-only', '-z', '--diff-filter=d', base, '--']), top)) files.add(f);
  } else if (hasHead) {
    for (const f of names(git(cwd, ['diff', '--name-only', '-z', '--diff-filter=d', 'HEAD', '--']), top)) files.add(f);
  } else {
    for (const f of names(git(cwd, ['diff', '--name-only', '-z', '--diff-filter=d', '--cached', '--']), top))
      files.add(f);
  }
  for (const f of names(git(cwd, ['ls-files', '--others', '--exclude-standard', '-z']), top)) files.add(f);
  return files;
}
