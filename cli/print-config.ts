import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { CATEGORIES, CATEGORY_INFO, ruleIdOf } from '../core/index.js';
import { baselineName, entryPath, findBaseline, readBaseline } from './baseline.js';
import type { Config } from './config.js';
import { UsageError } from './errors.js';
import { isOutside, toPosix } from './files.js';
import { reportJson, terminalLines } from './reporters/escape.js';
import type { ScanResult } from './types.js';

/** What `--print-config <file> --format json` prints: the configuration that applies to one file. */
export interface FileConfig {
  file: string;
  /** The configuration file that applies, relative to the working directory; null: none, the defaults. */
  configuration: string | null;
  /** Whether the configuration's `include`/`exclude` globs select the file, and why not. */
  selected: { value: boolean; why: string };
  /** Whether the file is server code (reported), and why: the scope's explanation (`--explain-scope`). */
  scope: { server: boolean; why: string[] };
  deployment: 'multi-instance' | 'single-instance';
  /** The baseline that applies, and how many of its entries are for this file; null: none. */
  baseline: { file: string; entries: number } | null;
  /** Each rule: its severity for this file and the names it allows. */
  rules: Record<string, { severity: 'off' | 'warn' | 'error'; allow?: string[]; note?: string }>;
}

interface PrintOptions {
  cwd: string;
  /** The file as given on the command line. */
  file: string;
  format: string;
  baseline?: string;
  noBaseline: boolean;
}

/**
 * `--print-config <file>`: the effective configuration for one file, from the scan that decides
 * its scope. Text for people; `--format json` for tools.
 */
export function printConfig(options: PrintOptions, config: Config, result: ScanResult, explain: string[]): string {
  const path = resolve(options.cwd, options.file);
  if (!existsSync(path))
    throw new UsageError(`--print-config: no such file: ${options.file}`, 'name a file of the project');
  const file = toPosix(relative(options.cwd, path));
  const fromBase = toPosix(relative(config.base, path));
  const includes = config.include.length > 0 ? picomatch(config.include, { dot: true }) : undefined;
  const excludes = config.exclude.length > 0 ? picomatch(config.exclude, { dot: true }) : undefined;
  const selected =
    includes && (isOutside(fromBase) || !includes(fromBase))
      ? { value: false, why: `not matched by include: ${config.include.join(', ')}` }
      : excludes && !isOutside(fromBase) && excludes(fromBase)
        ? { value: false, why: `matched by exclude: ${config.exclude.join(', ')}` }
        : { value: true, why: includes ? 'matched by include' : 'no include or exclude globs apply' };
  const read = result.fileScopes?.find((f) => f.path === path);
  const server = read?.scope === 'server';
  const rules: FileConfig['rules'] = {};
  for (const category of CATEGORIES) {
    const info = CATEGORY_INFO[category];
    const setting = config.severity[category] ?? 'error';
    const allow = config.allow[category];
    const note =
      setting === 'off'
        ? undefined
        : config.singleInstance && info.scalingOnly
          ? 'off: "deployment": "single-instance" (it only matters when scaling out)'
          : config.singleInstance && category === 'module-state'
            ? 'only in serverless and SSR modules: "deployment": "single-instance"'
            : undefined;
    rules[ruleIdOf(category)] = {
      severity: note?.startsWith('off') ? 'off' : setting,
      ...(allow && allow.length > 0 ? { allow } : {}),
      ...(note ? { note } : {}),
    };
  }
  const report: FileConfig = {
    file,
    configuration: config.file ? toPosix(relative(options.cwd, config.file)) : null,
    selected,
    scope: { server, why: explain },
    deployment: config.singleInstance ? 'single-instance' : 'multi-instance',
    baseline: baselineOf(options, path),
    rules,
  };
  return options.format === 'json' ? reportJson(report) : `${terminalLines(text(report))}\n`;
}

function baselineOf(options: PrintOptions, path: string): FileConfig['baseline'] {
  if (options.noBaseline) return null;
  const found = findBaseline(options.cwd, options.baseline);
  if (found === undefined || !existsSync(found)) return null;
  const name = baselineName(options.cwd, found);
  const entries = readBaseline(options.cwd, found, name).findings.filter((e) => entryPath(found, e) === path).length;
  return { file: name, entries };
}

function text(report: FileConfig): string {
  const width = Math.max(...Object.keys(report.rules).map((r) => r.length));
  const lines = [
    report.file,
    `  configuration: ${report.configuration ?? 'none found (the defaults)'}`,
    `  selected:      ${report.selected.value ? 'yes' : 'no'} (${report.selected.why})`,
    `  scope:         ${report.scope.server ? 'server code: reported' : 'not server code: read, never reported'}`,
    ...report.scope.why.map((line) => `                 ${line}`),
    `  deployment:    ${report.deployment}`,
    `  baseline:      ${report.baseline ? `${report.baseline.file} (${report.baseline.entries} ${report.baseline.entries === 1 ? 'entry' : 'entries'} for this file)` : 'none'}`,
    '  rules:',
    ...Object.entries(report.rules).map(
      ([rule, r]) =>
        `    ${rule.padEnd(width)}  ${r.severity.padEnd(5)}${r.allow ? `  allow: ${r.allow.join(', ')}` : ''}${r.note ? `  (${r.note})` : ''}`,
    ),
  ];
  return lines.join('\n');
}
