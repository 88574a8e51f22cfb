import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { run } from '../../dist/cli/run.js';
import { ROOT } from './fixtures.js';

// Both run the build (`npm run build` first), so worker threads, the build id of the cache key
// and the package version are those of the published binary.

export const BIN = join(ROOT, 'dist', 'cli', 'index.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment statecheck runs with in tests: no colour unless a test asks for it. */
function environment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env };
  // A variable set to undefined is absent, as in a child process's environment.
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/**
 * Runs statecheck in this process: the CLI's `run(argv, io)` with stdout and stderr collected
 * and neither of them a terminal, as a spawned binary writing to pipes would see it.
 */
export async function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
    stderrIsTTY: false,
    env: environment(env),
  });
  return { code, stdout, stderr };
}

/**
 * Runs the built `statecheck` binary in a child process: for what only the real process shows
 * (its exit code and streams as cli/index.ts sets them, signals, a deleted working directory).
 */
export function spawnCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: environment(env) });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
