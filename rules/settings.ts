import {
  checkDeployment,
  checkPackages,
  ownValue,
  PACKAGE_NAMES,
  PROTOTYPE_KEY_REFUSED,
  prototypeKey,
} from '../core/index.js';
import { isRecord } from '../cli/shape.js';
import type { ResolvedSettings } from './types.js';

const DEFAULTS: ResolvedSettings = { singleInstance: false, packages: {} };
const resolved = new WeakMap<object, ResolvedSettings>();

/**
 * Validates `settings.statecheck` and returns what the core needs. The same settings object
 * gives the same result object, so it can key a cache. Throws a message naming the bad key.
 */
export function settingsOf(settings: Readonly<Record<string, unknown>>): ResolvedSettings {
  const raw = settings.statecheck;
  if (raw === undefined) return DEFAULTS;
  if (!isRecord(raw)) throw invalid('', 'expected an object', raw);
  let result = resolved.get(raw);
  if (!result) {
    result = validate(raw);
    resolved.set(raw, result);
  }
  return result;
}

function validate(raw: Record<string, unknown>): ResolvedSettings {
  // Refused before anything is read: `{ __proto__: { deployment: … } }` would otherwise apply unseen.
  const refused = prototypeKey(raw, PACKAGE_NAMES);
  if (refused)
    throw invalid(
      refused.map((key, i) => (i === 1 && refused[0] === 'packages' ? `[${JSON.stringify(key)}]` : `.${key}`)).join(''),
      PROTOTYPE_KEY_REFUSED,
      undefined,
    );
  for (const key of Object.keys(raw)) {
    if (key !== 'deployment' && key !== 'packages')
      throw invalid(`.${key}`, 'unknown setting (known: deployment, packages)', raw[key]);
  }
  const deployment = checkDeployment(ownValue(raw, 'deployment'));
  if (!('value' in deployment)) throw invalid('.deployment', deployment.expected, deployment.got);
  const packages = checkPackages(ownValue(raw, 'packages'));
  if (!('value' in packages)) {
    const where =
      packages.path.length === 0
        ? ''
        : `[${JSON.stringify(packages.path[0])}]${packages.path
            .slice(1)
            .map((p) => `.${p}`)
            .join('')}`;
    throw invalid(`.packages${where}`, packages.expected, packages.got);
  }
  return { singleInstance: deployment.value, packages: packages.value };
}

function invalid(key: string, expected: string, got: unknown): Error {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only functions and symbols reach String
  const value = got === undefined ? '' : `, got ${JSON.stringify(got) ?? String(got)}`;
  return new Error(`statecheck: invalid settings.statecheck${key}: ${expected}${value}`);
}
