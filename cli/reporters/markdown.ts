import { CATEGORIES, CATEGORY_INFO, type Category } from '../../core/index.js';
import { docsUrl } from '../package.js';
import { type Finding, type ReporterOptions, type ScanResult, UNUSED_DIRECTIVE } from '../types.js';
import { mdCode, mdMessage, mdPath, mdText } from './escape.js';
import { plural, scopeLine, sentence, skippedCounts } from './util.js';

const NONE = '—';

/**
 * A state inventory for a design review or a PR comment: per category, each piece of
 * process-bound state (its subject), where it is written at request time, what is lost when the instance
 * dies and where it should live instead.
 */
export function markdown(result: ScanResult, _options: ReporterOptions): string {
  const scanned = [`${plural(result.summary.files, 'file')} scanned`, ...summaryNotes(result)].join('; ');
  if (result.findings.length === 0) {
    const found = result.baseline ? 'No new process-bound state found' : 'No process-bound state found';
    const out = [`${found} by statecheck (${scanned}).`];
    if (result.errors.length > 0) out.push('', ...errorSection(result));
    return `${out.join('\n')}\n`;
  }

  const byCategory = new Map<Finding['category'], Finding[]>();
  for (const f of result.findings) byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f]);
  const state = result.findings.filter((f) => f.category !== UNUSED_DIRECTIVE);
  const files = new Set(state.map((f) => f.file)).size;

  const out = ['# statecheck: process-bound state inventory', ''];
  out.push(
    `${plural(state.length, 'piece', 'pieces')} of process-bound state in ${plural(files, 'file')} (${scanned}):`,
    '',
  );
  for (const category of CATEGORIES) {
    const found = byCategory.get(category);
    if (found) out.push(`- **${category}**: ${found.length}`);
  }
  const likely = result.findings.filter((f) => f.confidence === 'likely').length;
  if (likely > 0)
    out.push(
      '',
      `${plural(likely, 'piece is', 'pieces are')} likely rather than certain: the verdict rests on callers or values statecheck cannot see (each message says which).`,
    );
  for (const category of CATEGORIES) {
    const found = byCategory.get(category);
    if (found) out.push('', ...categorySection(category, found));
  }
  const unused = byCategory.get(UNUSED_DIRECTIVE);
  if (unused) out.push('', ...unusedSection(unused));
  if (result.errors.length > 0) out.push('', ...errorSection(result));
  return `${out.join('\n')}\n`;
}

function unusedSection(findings: readonly Finding[]): string[] {
  return [
    `## Unused suppressions (${findings.length})`,
    '',
    ...findings.map((f) => `- ${where(f.file, f.line)}: ${mdCode(f.subject)} silences nothing`),
  ];
}

function categorySection(category: Category, findings: readonly Finding[]): string[] {
  const info = CATEGORY_INFO[category];
  const lost = mdText(info.lost, true);
  return [
    `## ${category} (${findings.length})`,
    '',
    `[${mdCode(`statecheck/${info.rule}`)}](${docsUrl(info.rule)}): ${mdText(sentence(info.breaks))}`,
    '',
    '| State | Where | Confidence | Written at request time | Lost if the instance dies | Move it to |',
    '| --- | --- | --- | --- | --- | --- |',
    ...findings.map(
      (f) =>
        `| ${[mdCode(f.subject, true) || NONE, where(f.file, f.line), f.confidence, writes(f), lost, moveTo(f)].join(' | ')} |`,
    ),
  ];
}

function where(file: string, line: number): string {
  return mdPath(`${file}:${line}`, true);
}

function writes(f: Finding): string {
  const places = [...new Set(f.related.map((r) => `${r.file}:${r.line}`))];
  return places.length > 0 ? places.map((p) => mdPath(p, true)).join(', ') : NONE;
}

function moveTo(f: Finding): string {
  const { summary, packages } = f.suggestion;
  const use = packages.length > 0 ? `<br>use: ${packages.map((p) => mdCode(p, true)).join(', ')}` : '';
  return `${mdMessage(summary, true)}${use}`;
}

function errorSection(result: ScanResult): string[] {
  return [
    `## Files not analysed (${result.errors.length})`,
    '',
    ...result.errors.map((e) => `- ${mdPath(e.file)}: ${mdText(e.message)}`),
  ];
}

function summaryNotes(result: ScanResult): string[] {
  const notes: string[] = [];
  if (result.errors.length > 0) notes.push(`${plural(result.errors.length, 'file')} not analysed`);
  if (result.skipped.length > 0) notes.push(skippedCounts(result));
  if (result.outOfScope.length > 0)
    notes.push(`${plural(result.outOfScope.length, 'named file')} outside the server-code scope skipped`);
  if (result.baseline)
    notes.push(
      `${plural(result.baseline.suppressed, 'known finding')} hidden by the baseline ${mdPath(result.baseline.file)}`,
    );
  const scope = scopeLine(result);
  if (scope !== undefined) notes.push(mdText(scope));
  return notes;
}
