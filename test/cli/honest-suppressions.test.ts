import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/tmp.js';

// Suppressions stay honest: a reason still the inserted placeholder silences nothing, and a
// statecheck-disable comment that silences nothing is reported (by default in the CI formats).

const dir = useTempDir('statecheck-honest-');

const APP = [
  "import session from 'express-session';",
  '// statecheck-disable-next-line memory-session -- TODO: say why this state is safe per instance',
  "export const s = session({ secret: 'x' });",
  '// statecheck-disable-next-line process-cache -- countries never change',
  'const countries = new Map();',
  'export function get(k) { return countries.get(k); }',
  'let hits = 0; // statecheck-disable-line module-state -- per-instance metric, scraped per pod',
  'export function hit() { hits++; }',
  '',
].join('\n');

interface Report {
  findings: { ruleId: string; severity: string; line: number; message: string }[];
}

const lines = (report: Report) => report.findings.map((f) => `${f.line} ${f.severity} ${f.ruleId}`);

describe('placeholder reasons', () => {
  it.each([['TODO: say why this state is safe per instance'], ['TODO'], ['fixme later'], ['']])(
    '"-- %s" silences nothing, and the finding says why',
    async (reason) => {
      dir.write('src/app.js', APP.replace('TODO: say why this state is safe per instance', reason));
      const { stdout } = await runCli(['--format', 'json', '--no-cache'], dir.path);
      const finding = (JSON.parse(stdout) as Report).findings.find((f) => f.ruleId === 'statecheck/no-memory-session');
      expect(finding?.line).toBe(3);
      expect(finding?.message).toMatch(
        reason === ''
          ? /The statecheck-disable comment for this line is ignored: give a reason after `--`/
          : /The statecheck-disable comment for this line is ignored: its reason is still a placeholder/,
      );
    },
  );

  it('a real reason silences it', async () => {
    dir.write('src/app.js', APP.replace('TODO: say why this state is safe per instance', 'one instance, by contract'));
    const { stdout } = await runCli(['--format', 'json', '--no-cache'], dir.path);
    expect(lines(JSON.parse(stdout) as Report)).not.toContain('3 error statecheck/no-memory-session');
  });
});

describe('unused statecheck-disable comments', () => {
  it.each(['json', 'sarif', 'github', 'gitlab', 'junit'])(
    'are reported as warnings by default with --format %s',
    async (format) => {
      dir.write('src/app.js', APP);
      const { stdout } = await runCli(['--format', format, '--no-cache'], dir.path);
      expect(stdout).toContain('statecheck/unused-disable-directive');
    },
  );

  it('in JSON: one warning at the comment that silences nothing, none for the comments that do', async () => {
    dir.write('src/app.js', APP);
    const { code, stdout } = await runCli(['--format', 'json', '--no-cache'], dir.path);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(lines(report)).toEqual([
      '3 error statecheck/no-memory-session',
      '4 warn statecheck/unused-disable-directive',
    ]);
    expect(report.findings[1]!.message).toBe(
      'Unused `statecheck-disable-next-line process-cache` comment: nothing it names is reported here. Remove it, or move it to the line it is meant for.',
    );
  });

  it('not in pretty output unless asked; --no-report-unused-disable-directives turns them off', async () => {
    dir.write('src/app.js', APP);
    expect((await runCli(['--no-cache'], dir.path)).stdout).not.toContain('unused-disable-directive');
    expect((await runCli(['--no-cache', '--report-unused-disable-directives'], dir.path)).stdout).toContain(
      'statecheck/unused-disable-directive',
    );
    const off = await runCli(['--format', 'json', '--no-cache', '--no-report-unused-disable-directives'], dir.path);
    expect(lines(JSON.parse(off.stdout) as Report)).toEqual(['3 error statecheck/no-memory-session']);
  });

  it('count as warnings (--max-warnings), are dropped by --quiet, and are never written to the baseline', () => {
    dir.write('src/app.js', APP.replace('TODO: say why this state is safe per instance', 'one instance, by contract'));
    const json = spawnCli(['--format', 'json', '--no-cache', '--max-warnings', '0'], dir.path);
    expect(json.code).toBe(1);
    expect(spawnCli(['--format', 'json', '--no-cache', '--quiet'], dir.path).stdout).not.toContain('unused-disable');
    expect(spawnCli(['--format', 'json', '--update-baseline', '--no-cache'], dir.path).stdout).toMatch(
      /wrote 0 findings/,
    );
    const after = spawnCli(['--format', 'json', '--no-cache'], dir.path);
    expect(lines(JSON.parse(after.stdout) as Report)).toEqual(['4 warn statecheck/unused-disable-directive']);
  });

  it('a comment in a file with no state at all is reported too', async () => {
    dir.write(
      'src/util.js',
      '// statecheck-disable-next-line module-state -- left over\nexport const add = (a, b) => a + b;\n',
    );
    const { stdout } = await runCli(['--format', 'json', '--no-cache'], dir.path);
    expect(lines(JSON.parse(stdout) as Report)).toEqual(['1 warn statecheck/unused-disable-directive']);
  });
});
