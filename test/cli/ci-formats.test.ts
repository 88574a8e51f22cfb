import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';
import { SAMPLE_APP, useTempDir } from '../helpers/tmp.js';

// --format gitlab and --format junit through the built CLI, each checked against the format's
// published schema (test/schemas/README.md says where they come from).

const dir = useTempDir('statecheck-ci-formats-');

function project(): void {
  dir.write('src/app.js', SAMPLE_APP);
  // A name and a message that XML and CI logs must keep as text.
  dir.write('src/a&b <"x">.js', 'let n = 0;\nexport function h(req) { globalThis[req.q] = n++; }\n');
  dir.write('src/##[error]x.js', 'let m = 0;\nexport function g() { m++; }\n');
  dir.write('src/broken.js', 'const = ;\n');
}

interface Issue {
  check_name: string;
  severity: string;
  fingerprint: string;
  description: string;
  location: { path: string; lines: { begin: number; end: number } };
}

describe('--format gitlab', () => {
  it("is a GitLab Code Quality report: every issue valid under GitLab's schema, fingerprints unique", async () => {
    project();
    const { code, stdout } = await runCli(['--format', 'gitlab', '--no-cache'], dir.path);
    expect(code).toBe(1);
    const issues = JSON.parse(stdout) as Issue[];
    const schema = JSON.parse(readFileSync(join(ROOT, 'test/schemas/gitlab-codeclimate.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(Array.isArray(issues)).toBe(true);
    for (const issue of issues) expect(validate(issue), JSON.stringify(validate.errors)).toBe(true);
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
    expect(issues.map((i) => `${i.location.path}:${i.location.lines.begin} ${i.check_name} ${i.severity}`)).toEqual([
      // Written only in exported functions no file calls: likely findings, warnings (minor).
      'src/##[error]x.js:1 statecheck/no-module-state minor',
      'src/a&b <"x">.js:1 statecheck/no-module-state minor',
      'src/a&b <"x">.js:2 statecheck/no-global-mutation minor',
      'src/app.js:4 statecheck/no-memory-session major',
      'src/app.js:5 statecheck/no-module-state major',
      'src/broken.js:1 statecheck/not-analysed info',
    ]);
    // Printed by a CI step, the report starts no workflow command (JSON's `\u0023` is `#` once parsed).
    expect(stdout).not.toContain('##[');
  });

  it('is an empty array for a clean project, and the same bytes on a second run', async () => {
    dir.write('src/ok.js', 'export const x = 1;\n');
    const first = await runCli(['--format', 'gitlab', '--no-cache'], dir.path);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([]);
    project();
    const a = await runCli(['--format', 'gitlab', '--no-cache'], dir.path);
    const b = await runCli(['--format', 'gitlab', '--no-cache'], dir.path);
    expect(a.stdout).toBe(b.stdout);
  });
});

/** `xmllint --schema`: the JUnit report against Jenkins' JUnit XSD. */
function validateJunit(xml: string): { valid: boolean; output: string } {
  const file = join(dir.path, 'report.xml');
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', join(ROOT, 'test/schemas/jenkins-junit.xsd'), file], {
    encoding: 'utf8',
  });
  if (result.error) throw new Error('xmllint is needed (apt-get install libxml2-utils; .ci/run installs it)');
  return { valid: result.status === 0, output: result.stderr };
}

describe('--format junit', () => {
  it("is valid under Jenkins' JUnit XSD: a suite per file, a failed case per finding, an error case per unreadable file", async () => {
    project();
    const { code, stdout } = await runCli(['--format', 'junit', '--no-cache'], dir.path);
    expect(code).toBe(1);
    const check = validateJunit(stdout);
    expect(check.output).toMatch(/validates/);
    expect(check.valid).toBe(true);
    expect(stdout).toContain('<testsuites name="statecheck" tests="6" failures="5" errors="1">');
    expect(stdout).toContain('<testsuite name="src/a&amp;b &lt;&quot;x&quot;&gt;.js" tests="2" failures="2"');
    expect(stdout).toContain('<testcase name="statecheck/no-memory-session 4:9" classname="src/app.js">');
    expect(stdout).toMatch(
      /<testcase name="statecheck could not analyse this file" classname="src\/broken\.js">\n\s+<error /,
    );
    // Printed by a CI step, the report starts no workflow command.
    expect(stdout).not.toContain('##[');
    expect(stdout).toContain('#&#35;[error]');
  });

  it('a clean scan is one passing test case, still valid', async () => {
    dir.write('src/ok.js', 'export const x = 1;\n');
    const { code, stdout } = await runCli(['--format', 'junit', '--no-cache'], dir.path);
    expect(code).toBe(0);
    expect(validateJunit(stdout).valid).toBe(true);
    expect(stdout).toContain('<testcase name="no process-bound state found" classname="statecheck"/>');
  });

  it('control characters in a file name are escapes, so the XML still parses', async () => {
    dir.write('src/\u001bx.js', 'let n = 0;\nexport function h() { n++; }\n');
    const { stdout } = await runCli(['--format', 'junit', '--no-cache'], dir.path);
    expect(validateJunit(stdout).valid).toBe(true);
    expect(stdout).toContain('src/\\u001bx.js');
  });
});
