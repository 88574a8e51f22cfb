// One measurement in a fresh process (plain JavaScript over the build, so no loader slows the
// worker threads): prints { ms, rssMb, cpuMs } as JSON on the last line of stderr (cpuMs: user +
// system time of the process and its threads, steadier than ms on a shared machine).
// Usage: node bench/measure.mjs parse <dir> | node bench/measure.mjs cli <dir> <args...>
import { readFileSync } from 'node:fs';
import { discover } from '../dist/cli/files.js';
import { run } from '../dist/cli/run.js';
import { typescript } from '../dist/cli/typescript.js';

const [mode, dir, ...args] = process.argv.slice(2);
const started = performance.now();
if (mode === 'parse') {
  // The floor: read and parse every file statecheck would scan, single-threaded.
  const ts = typescript();
  const { files } = discover(dir, ['.']);
  let statements = 0;
  for (const { path } of files) {
    statements += ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest).statements.length;
  }
  if (statements < 0) console.log(statements);
} else {
  await run(args, { cwd: dir, stdout: () => {}, stderr: () => {}, isTTY: false, env: { NO_COLOR: '1' } });
}
const ms = performance.now() - started;
const usage = process.resourceUsage();
process.stderr.write(
  `\n${JSON.stringify({ ms, rssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`,
);
