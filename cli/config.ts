import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { type Node as JsonNode, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import {
  CATEGORIES,
  type Category,
  CATEGORY_INFO,
  categoryOfRule,
  checkDeployment,
  closest,
  checkPackages,
  PACKAGE_NAMES,
  type PackageSetting,
  PROTOTYPE_KEY_REFUSED,
  prototypeKey,
  type Severity,
} from '../core/index.js';
import { isOutside, projectRoot, readOwnFile, realPath } from './files.js';
import { DEFAULT_LIMITS } from './source.js';
import { errorMessage, UsageError } from './errors.js';

export type RuleSetting = Severity | 'off';

/** The validated configuration, with paths resolved against the config file's folder. */
export interface Config {
  /** The file it came from (undefined: defaults). */
  file?: string;
  /** Folder that globs are relative to. */
  base: string;
  include: string[];
  exclude: string[];
  /** The built-in server-code scope (tests, scripts, … out). */
  defaultScope: boolean;
  severity: Partial<Record<Category, RuleSetting>>;
  allow: Partial<Record<Category, string[]>>;
  singleInstance: boolean;
  packages: Record<string, PackageSetting>;
  /** Files larger than this many bytes are skipped with a notice; 0: no limit. */
  maxFileSize: number;
  /** Skip generated files and minified bundles with a notice. */
  skipGenerated: boolean;
  /** Warnings about the file (unknown keys), printed on stderr. */
  warnings: string[];
}

const CONFIG_FILES = ['statecheck.config.json', 'statecheck.config.jsonc'];

const KNOWN_KEYS = new Set([
  '$schema',
  'include',
  'exclude',
  'defaultScope',
  'rules',
  'deployment',
  'packages',
  'maxFileSize',
  'skipGenerated',
]);
const SEVERITIES = ['off', 'warn', 'error'];

/** Every name `rules` takes, for a did-you-mean: the rules and the categories. */
const RULE_NAMES = [...CATEGORIES, ...CATEGORIES.map((c) => CATEGORY_INFO[c].rule)];

function defaultConfig(cwd: string): Config {
  return {
    base: cwd,
    include: [],
    exclude: [],
    defaultScope: true,
    severity: {},
    allow: {},
    singleInstance: false,
    packages: {},
    ...DEFAULT_LIMITS,
    warnings: [],
  };
}

/**
 * Finds the configuration: `--config <file>`, else `statecheck.config.json(c)` or a
 * `"statecheck"` key in package.json, from the working directory upward. JSON only: a
 * repository's configuration is read, never executed.
 */
export function loadConfig(cwd: string, explicit?: string): Config {
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file))
      throw new UsageError(`config file not found: ${explicit}`, 'check the path given to --config');
    return fromFile(cwd, file);
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const file = join(dir, name);
      if (existsSync(file)) return fromFile(cwd, file);
    }
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const value = parseJson(cwd, pkg) as Record<string, unknown> | undefined;
      if (value && typeof value === 'object' && 'statecheck' in value)
        return validate(cwd, pkg, value.statecheck, 'statecheck.');
    }
    if (dirname(dir) === dir) return defaultConfig(cwd);
  }
}

function fromFile(cwd: string, file: string): Config {
  if (basename(file) === 'package.json') {
    const value = parseJson(cwd, file) as Record<string, unknown> | undefined;
    return validate(cwd, file, value?.statecheck ?? {}, 'statecheck.');
  }
  return validate(cwd, file, parseJson(cwd, file), '');
}

function displayName(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return isOutside(rel) ? file : rel;
}

function parseJson(cwd: string, file: string): unknown {
  // Regular files only, of a sane size: a checkout may carry `statecheck.config.json -> /dev/zero`,
  // or a link to a file elsewhere on the machine that an error message would quote.
  const real = realPath(file, projectRoot(cwd));
  if (real === undefined)
    throw new UsageError(
      `${displayName(cwd, file)}: not read: a symbolic link out of the project`,
      'replace the link with the file itself',
    );
  let text: string;
  try {
    text = readOwnFile(real, 16 * 1024 * 1024);
  } catch (error) {
    throw new UsageError(`${displayName(cwd, file)}: cannot read: ${errorMessage(error)}`);
  }
  const errors: ParseError[] = [];
  let value: unknown;
  try {
    const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: file.endsWith('package.json') });
    value = tree && jsonValue(tree);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new UsageError(
      `${displayName(cwd, file)}: invalid JSON (nested too deeply)`,
      'a configuration needs a few levels at most',
    );
  }
  if (errors.length > 0) {
    const first = errors[0]!;
    const line = text.slice(0, first.offset).split('\n').length;
    throw new UsageError(
      `${displayName(cwd, file)}:${line}: invalid JSON (${printParseErrorCode(first.error)})`,
      'fix the syntax; the file is read as JSON with comments',
    );
  }
  return value;
}

/**
 * A JSON value from its syntax tree. Keys become own properties whatever their name: a
 * `"__proto__"` key is a key like any other (validation refuses it), never the object's prototype.
 */
function jsonValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object':
      return Object.fromEntries(
        (node.children ?? []).flatMap((property) => {
          const [name, value] = property.children ?? [];
          return name && value ? [[String(name.value), jsonValue(value)]] : [];
        }),
      );
    case 'array':
      return (node.children ?? []).map(jsonValue);
    default:
      return node.value as unknown;
  }
}

function validate(cwd: string, file: string, raw: unknown, prefix: string): Config {
  const name = displayName(cwd, file);
  const fail = (key: string, expected: string): never => {
    const where = `${prefix}${key}`.replace(/\.$/, '');
    throw new UsageError(
      `${name}: ${where ? `${where}: ` : ''}${expected}`,
      'see the configuration section of the statecheck README',
    );
  };
  const config = defaultConfig(cwd);
  config.file = file;
  config.base = dirname(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('', 'expected an object');
  const value = raw as Record<string, unknown>;
  const refused = prototypeKey(value, PACKAGE_NAMES);
  if (refused) fail(refused.join('.'), PROTOTYPE_KEY_REFUSED);
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) {
      const near = closest(key, [...KNOWN_KEYS]);
      config.warnings.push(
        `${name}: unknown key "${prefix}${key}" (ignored)${near ? `: did you mean "${prefix}${near}"?` : ''}`,
      );
    }
  }
  for (const key of ['include', 'exclude'] as const) {
    const globs = value[key];
    if (globs === undefined) continue;
    if (!Array.isArray(globs) || !globs.every((g) => typeof g === 'string' && g.length > 0))
      fail(key, 'expected an array of glob strings');
    config[key] = globs as string[];
  }
  if (value.defaultScope !== undefined) {
    if (typeof value.defaultScope !== 'boolean') fail('defaultScope', 'expected true or false');
    config.defaultScope = value.defaultScope as boolean;
  }
  const deployment = checkDeployment(value.deployment);
  if (!('value' in deployment)) fail('deployment', deployment.expected);
  else config.singleInstance = deployment.value;
  if (value.rules !== undefined) {
    if (value.rules === null || typeof value.rules !== 'object' || Array.isArray(value.rules))
      fail('rules', 'expected an object of rule or category names');
    for (const [rule, setting] of Object.entries(value.rules as Record<string, unknown>)) {
      const category = categoryOfRule(rule);
      if (!category) {
        const near = closest(rule.replace(/^statecheck\//, ''), RULE_NAMES);
        fail(
          `rules.${rule}`,
          `unknown rule or category${near ? ` (did you mean "${near}"?)` : ''} (known: ${CATEGORIES.join(', ')})`,
        );
      }
      const [severity, options] = Array.isArray(setting) ? (setting as unknown[]) : [setting, undefined];
      if (typeof severity !== 'string' || !SEVERITIES.includes(severity))
        fail(`rules.${rule}`, 'expected "off", "warn" or "error"');
      config.severity[category!] = severity as RuleSetting;
      if (options !== undefined) {
        if (options === null || typeof options !== 'object' || Array.isArray(options))
          fail(`rules.${rule}[1]`, 'expected an options object');
        for (const key of Object.keys(options as object))
          if (key !== 'allow') fail(`rules.${rule}[1].${key}`, 'unknown option (known: allow)');
        const allow = (options as { allow?: unknown }).allow;
        if (allow !== undefined) {
          if (!Array.isArray(allow) || !allow.every((a) => typeof a === 'string'))
            fail(`rules.${rule}[1].allow`, 'expected an array of names');
          config.allow[category!] = allow as string[];
        }
      }
    }
  }
  if (value.maxFileSize !== undefined) {
    if (typeof value.maxFileSize !== 'number' || !Number.isSafeInteger(value.maxFileSize) || value.maxFileSize < 0)
      fail('maxFileSize', 'expected a whole number of bytes (0: no limit)');
    config.maxFileSize = value.maxFileSize as number;
  }
  if (value.skipGenerated !== undefined) {
    if (typeof value.skipGenerated !== 'boolean') fail('skipGenerated', 'expected true or false');
    config.skipGenerated = value.skipGenerated as boolean;
  }
  const packages = checkPackages(value.packages);
  if (!('value' in packages)) fail(['packages', ...packages.path].join('.'), packages.expected);
  else config.packages = packages.value;
  return config;
}
