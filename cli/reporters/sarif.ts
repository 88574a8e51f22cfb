import { pathToFileURL } from 'node:url';
import { CATEGORIES, CATEGORY_INFO, type CategoryInfo, ruleIdOf } from '../../core/index.js';
import { docsUrl, packageVersion as toolVersion, REPOSITORY_URL } from '../package.js';
import {
  type Finding,
  type ReporterOptions,
  type ScanError,
  type ScanResult,
  type SkippedFile,
  UNUSED_DIRECTIVE,
} from '../types.js';
import { mdCode, mdMessage, reportJson } from './escape.js';
import { sentence } from './util.js';

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Key of the finding's fingerprint in `partialFingerprints`; bump the suffix if the recipe changes. */
const FINGERPRINT_KEY = 'statecheck/v1';
const SRCROOT = '%SRCROOT%';

/**
 * SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one run, every rule described,
 * results with stable `partialFingerprints`, unreadable files as tool notifications (warnings),
 * files skipped on purpose as notes.
 * Deterministic: no timestamps, so the same scan gives the same bytes.
 */
export function sarif(result: ScanResult, options: ReporterOptions): string {
  const version = toolVersion();
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'statecheck',
            informationUri: REPOSITORY_URL,
            ...(version ? { version, semanticVersion: version } : {}),
            rules: [...CATEGORIES.map((category) => rule(CATEGORY_INFO[category])), UNUSED_DIRECTIVE_RULE],
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: [...result.errors.map(notification), ...result.skipped.map(skippedNote)],
          },
        ],
        originalUriBaseIds: {
          [SRCROOT]: { uri: directoryUri(options.cwd) },
        },
        columnKind: 'utf16CodeUnits',
        results: result.findings.map(toResult),
      },
    ],
  };
  return reportJson(log);
}

/** `--report-unused-disable-directives`: a `statecheck-disable` comment that silences nothing. */
const UNUSED_DIRECTIVE_RULE = {
  id: `statecheck/${UNUSED_DIRECTIVE}`,
  name: UNUSED_DIRECTIVE,
  shortDescription: { text: 'A statecheck-disable comment that silences nothing.' },
  fullDescription: {
    text: 'A suppression comment with nothing to suppress hides the next finding on its line without review. Remove it.',
  },
  helpUri: `${REPOSITORY_URL}#suppressing-a-finding`,
  defaultConfiguration: { level: 'warning' },
};

function rule(info: CategoryInfo) {
  const { summary, packages } = info.suggestion;
  const use = packages.length > 0 ? ` Packages: ${packages.join(', ')}.` : '';
  const useMarkdown = packages.length > 0 ? `\n\nPackages: ${packages.map((p) => mdCode(p)).join(', ')}.` : '';
  return {
    id: ruleIdOf(info.id),
    name: info.rule,
    shortDescription: { text: `${info.description}.` },
    fullDescription: { text: sentence(info.breaks) },
    help: {
      text: `${sentence(info.breaks)} Where it should live instead: ${summary}.${use} See ${docsUrl(info.rule)}`,
      markdown: `${mdMessage(sentence(info.breaks))}\n\n**Where it should live instead:** ${mdMessage(summary)}.${useMarkdown}\n\n[Rule documentation](${docsUrl(info.rule)})`,
    },
    helpUri: docsUrl(info.rule),
    defaultConfiguration: { level: 'error' },
    properties: {
      tags: ['scalability', 'process-bound-state', info.id, ...(info.scalingOnly ? [] : ['correctness'])],
    },
  };
}

function toResult(f: Finding) {
  return {
    ruleId: f.ruleId,
    ruleIndex: f.category === UNUSED_DIRECTIVE ? CATEGORIES.length : CATEGORIES.indexOf(f.category),
    level: f.severity === 'error' ? 'error' : 'warning',
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(f.file),
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    ...(f.related.length > 0
      ? {
          relatedLocations: f.related.map((r, index) => ({
            id: index + 1,
            physicalLocation: {
              artifactLocation: artifact(r.file),
              region: { startLine: r.line, startColumn: r.column },
            },
            message: { text: r.message },
          })),
        }
      : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: { category: f.category, confidence: f.confidence, packages: f.suggestion.packages },
  };
}

function notification(e: ScanError) {
  return {
    level: 'warning',
    message: { text: `statecheck could not analyse this file: ${e.message}` },
    locations: [{ physicalLocation: { artifactLocation: artifact(e.file) } }],
  };
}

/** A file not analysed on purpose: a note, not a warning. */
function skippedNote(s: SkippedFile) {
  return {
    level: 'note',
    message: { text: `statecheck skipped this file: ${s.reason}` },
    locations: [{ physicalLocation: { artifactLocation: artifact(s.file) } }],
    properties: { skipped: s.kind },
  };
}

/**
 * A reported path as a SARIF artifact location: relative paths stay relative to `%SRCROOT%`
 * (segments percent-encoded, so `a b#1.ts` or `c:d.ts` remain one relative path), paths outside
 * the working directory become `file:` URIs.
 */
export function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (file.startsWith('/') || /^[A-Za-z]:\//.test(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}
