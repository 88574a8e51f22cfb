#!/usr/bin/env node
import { packageVersion } from './package.js';

const argv = process.argv.slice(2);

// `statecheck --version` (a hook's or an editor's probe) loads nothing else: the scan's modules
// (the core, the reporters, TypeScript) are imported only for a command that needs them.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`statecheck: cannot write to standard output: ${error.message}\n`);
    process.exitCode = 2;
  });
  process.stdout.write(`${packageVersion() ?? 'unknown'}\n`);
} else {
  await main();
}

async function main(): Promise<void> {
  const { describe } = await import('./files.js');
  // Failures of the process's own surroundings are exit code 2 with a message, never a stack and
  // never the findings' exit code 1: a report that did not reach its reader is no result.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // A reader that stopped reading (`statecheck | head`) needs no explanation.
    if (error.code !== 'EPIPE')
      process.stderr.write(`statecheck: cannot write the report to standard output: ${describe(error)}\n`);
    process.exitCode = 2;
  });

  let cwd: string | undefined;
  try {
    cwd = process.cwd();
  } catch (error) {
    const gone = error instanceof Error && 'code' in error && error.code === 'ENOENT';
    process.stderr.write(
      `statecheck: cannot use the working directory: ${gone ? 'it no longer exists' : describe(error)}\n  run statecheck from an existing folder\n`,
    );
    process.exitCode = 2;
  }

  if (cwd !== undefined) {
    const { run } = await import('./run.js');
    const code = await run(argv, {
      cwd,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      isTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
      ...(process.stdout.isTTY === true ? { columns: process.stdout.columns } : {}),
      env: process.env,
    });
    // A failed write of the report (above) may already have set 2.
    if (process.exitCode !== 2) process.exitCode = code;
  }
}
