/**
 * Checks of JSON that statecheck reads back (shard reports, cache entries): each returns where
 * and how a value differs from the expected shape, or undefined when it fits. Iterative over
 * arrays and only as deep as the shape, so hostile input costs its size and no more.
 */
export type Check = (value: unknown, at: string) => string | undefined;

/** A plain object (not null, not an array): JSON's `{…}`. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const where = (at: string) => at || 'the value';

export const string: Check = (value, at) => (typeof value === 'string' ? undefined : `${where(at)}: expected a string`);
export const number: Check = (value, at) =>
  typeof value === 'number' && Number.isFinite(value) ? undefined : `${where(at)}: expected a number`;
export const boolean: Check = (value, at) =>
  typeof value === 'boolean' ? undefined : `${where(at)}: expected true or false`;

export function optional(check: Check): Check {
  return (value, at) => (value === undefined ? undefined : check(value, at));
}

export function oneOf(values: readonly unknown[]): Check {
  return (value, at) => (values.includes(value) ? undefined : `${where(at)}: unexpected value`);
}

export function array(item: Check): Check {
  return (value, at) => {
    if (!Array.isArray(value)) return `${where(at)}: expected an array`;
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

export function object(fields: Record<string, Check>): Check {
  return (value, at) => {
    if (!isRecord(value)) return `${where(at)}: expected an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(Object.hasOwn(value, key) ? value[key] : undefined, at ? `${at}.${key}` : key);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** An array of fixed length whose items fit `items` in order: `[name, target]`. */
export function tuple(...items: Check[]): Check {
  return (value, at) => {
    if (!Array.isArray(value) || value.length !== items.length)
      return `${where(at)}: expected a list of ${items.length}`;
    for (const [i, check] of items.entries()) {
      const problem = check(value[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** The first check that fits, or the last one's problem. */
export function either(...checks: Check[]): Check {
  return (value, at) => {
    let problem: string | undefined;
    for (const check of checks) {
      problem = check(value, at);
      if (!problem) return undefined;
    }
    return problem;
  };
}
