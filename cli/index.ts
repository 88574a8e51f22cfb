#!/usr/bin/env node
import { describe } from './files.js';
import { run } from './run.js';

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
  const code = await run(process.argv.slice(2), {
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
