import type { Finding, ReporterOptions, ScanError, ScanResult } from '../types.js';

/**
 * JUnit XML, for CI systems that show test reports (GitLab `artifacts:reports:junit`, Jenkins,
 * Azure Pipelines, CircleCI): one test suite per file with findings, one failed test case per
 * finding (its rule, line and message), an `<error>` test case per file that could not be
 * analysed. A clean scan is one suite with one passing case, so the report is never empty.
 * Deterministic: no timestamps or durations.
 */
export function junit(result: ScanResult, _options: ReporterOptions): string {
  const byFile = new Map<string, { findings: Finding[]; errors: ScanError[] }>();
  const entry = (file: string) => {
    let found = byFile.get(file);
    if (!found) byFile.set(file, (found = { findings: [], errors: [] }));
    return found;
  };
  for (const f of result.findings) entry(f.file).findings.push(f);
  for (const e of result.errors) entry(e.file).errors.push(e);
  const suites: string[] = [];
  for (const [file, { findings, errors }] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const cases = [...findings.map((f) => failedCase(file, f)), ...errors.map((e) => errorCase(file, e))];
    suites.push(
      `  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${findings.length}" errors="${errors.length}" skipped="0">\n${cases.join('')}  </testsuite>\n`,
    );
  }
  if (suites.length === 0)
    suites.push(
      `  <testsuite name="statecheck" tests="1" failures="0" errors="0" skipped="0">\n    <testcase name="no process-bound state found" classname="statecheck"/>\n  </testsuite>\n`,
    );
  const tests = Math.max(1, result.findings.length + result.errors.length);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="statecheck" tests="${tests}" failures="${result.findings.length}" errors="${result.errors.length}">\n${suites.join('')}</testsuites>\n`;
}

function failedCase(file: string, f: Finding): string {
  const where = `${file}:${f.line}:${f.column}`;
  const body = [`${where} ${f.severity}`, f.message, ...f.suggestion.packages.map((p) => `use: ${p}`)].join('\n');
  return `    <testcase name="${attr(`${f.ruleId} ${f.line}:${f.column}`)}" classname="${attr(file)}">\n      <failure message="${attr(f.message)}" type="${attr(f.ruleId)}">${text(body)}</failure>\n    </testcase>\n`;
}

function errorCase(file: string, e: ScanError): string {
  return `    <testcase name="statecheck could not analyse this file" classname="${attr(file)}">\n      <error message="${attr(e.message)}" type="statecheck/not-analysed">${text(e.message)}</error>\n    </testcase>\n`;
}

// XML 1.0 allows no control characters but tab, line feed and carriage return, and no lone
// surrogates: they are written as visible escapes (`\x1b`), as the terminal shows them.
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(value: string): string {
  return value.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Character data. A CI log may print the report: `##[` and `::` at the start of a line are written
 * with a character reference (the same text once parsed), so they start no workflow command.
 */
function text(value: string): string {
  return visible(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/##\[/g, '#&#35;[')
    .replace(/^(\s*):(?=:)/gm, '$1&#58;');
}

/** An attribute value: also quotes, and line breaks and tabs as character references (attribute values normalise them to spaces). */
function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
