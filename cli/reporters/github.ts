import type { Finding, ReporterOptions, ScanError, ScanResult } from '../types.js';
import { commandData, commandProperty } from './escape.js';
import { summaryLine } from './util.js';

/**
 * GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding, shown on
 * the pull request's diff, then the plain summary line.
 */
export function github(result: ScanResult, options: ReporterOptions): string {
  const lines = [...result.findings.map(annotation), ...result.errors.map(unreadable)];
  lines.push(summaryLine(result, options));
  return `${lines.join('\n')}\n`;
}

// ::error file=src/app.js,line=18,col=9,endLine=18,endColumn=31,title=statecheck/no-memory-session::…
function annotation(f: Finding): string {
  const command = f.severity === 'error' ? 'error' : 'warning';
  const properties = [
    `file=${commandProperty(f.file)}`,
    `line=${f.line}`,
    `col=${f.column}`,
    `endLine=${f.endLine}`,
    `endColumn=${f.endColumn}`,
    `title=${commandProperty(f.ruleId)}`,
  ];
  return `::${command} ${properties.join(',')}::${commandData(f.message)}`;
}

function unreadable(e: ScanError): string {
  return `::warning file=${commandProperty(e.file)}::${commandData(`statecheck could not analyse this file: ${e.message}`)}`;
}
