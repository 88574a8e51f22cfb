import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';

const tmp = useTempDir('statecheck-startup-');

describe('start-up', () => {
  it('--version loads only the entry point and the package reader (no core, reporters or TypeScript)', () => {
    // The two modules alone, beside a package.json: any other import fails the process.
    tmp.write('package.json', JSON.stringify({ name: 'statecheck', version: '9.8.7', type: 'module' }));
    tmp.write('dist/cli/.keep', '');
    for (const name of ['index.js', 'package.js'])
      copyFileSync(join(BIN, '..', name), join(tmp.path, 'dist', 'cli', name));
    for (const flag of ['--version', '-v']) {
      const result = spawnSync(process.execPath, [join(tmp.path, 'dist', 'cli', 'index.js'), flag], {
        encoding: 'utf8',
      });
      expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
        status: 0,
        stdout: '9.8.7\n',
        stderr: '',
      });
    }
  });
});
