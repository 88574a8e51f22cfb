import { describe, expect, it, vi } from 'vitest';
import { scan } from '../../cli/scan.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

// A whole scan whose resolver fails on one specifier (the phases themselves: test/core/program/).

vi.mock('../../cli/project.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../cli/project.js')>();
  class FailingLayout extends real.ProjectLayout {
    override resolve(fromFile: string, specifier: string): string | undefined {
      if (specifier === './explodes.js') throw new TypeError('injected failure');
      return super.resolve(fromFile, specifier);
    }
  }
  return { ...real, ProjectLayout: FailingLayout };
});

describe('the program in a scan', () => {
  const dir = useTempDir('statecheck-link-');

  it('a module the link step fails on gets an errors entry; the findings of every file are still reported', async () => {
    dir.write('src/app.js', SAMPLE_APP);
    dir.write('src/stats.js', 'export const stats = { hits: 0, misses: 0 };\n');
    dir.write(
      'src/count.js',
      "import { stats } from './stats.js';\nimport { boom } from './explodes.js';\nexport function count(req, res, next) {\n  stats.hits++;\n  boom();\n  next();\n}\n",
    );
    dir.write(
      'src/miss.js',
      "import { stats } from './stats.js';\nexport function miss(req, res, next) {\n  stats.misses++;\n  next();\n}\n",
    );
    dir.write('src/explodes.js', 'export function boom() {}\n');
    const result = await scan({ cwd: dir.path, paths: [], cache: false, jobs: 1 });
    // The write in count.js is lost with its module; the one in miss.js is not.
    expect(
      result.findings.map(
        (f) => `${f.file}:${f.line} ${f.category} <- ${f.related.map((r) => `${r.file}:${r.line}`).join(' ')}`,
      ),
    ).toEqual([
      'src/app.js:4 memory-session <- ',
      'src/app.js:5 module-state <- src/app.js:7',
      'src/stats.js:1 module-state <- src/miss.js:3',
    ]);
    expect(result.errors).toEqual([
      {
        file: 'src/count.js',
        message: 'cross-file analysis of this module failed: injected failure (run with --debug for the stack)',
      },
    ]);
  });
});
