/**
 * Checks of JSON that statecheck reads back (shard reports, cache entries): each returns where
 * and how a value differs from the expected shape, or undefined when it fits. Iterative over
 * arrays and only as deep as the shape, so hostile input costs its size and no more.
 */
export type Check = (value: unknown, at: string) => string | undefined;

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const where = (at: string) => at || 'the value';

export const string: Check = (value, at) => (typeof value === 'string' ? undefined : `${where(at)}: expected a string`);
export const number: Check = (value, at) => (typeof value === 'number' && Number.isFinite(value) ? undefined : `${where(at)}: expected a number`);
export const boolean: Check = (value, at) => (typeof value === 'boolean' ? undefined : `${where(at)}: expected true or false`);

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
    if (!isObject(value)) return `${where(at)}: expected an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(Object.hasOwn(value, key) ? value[key] : undefined, at ? `${at}.${key}` : key);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** An object used as a dictionary: every own value fits `item`. */
export function record(item: Check): Check {
  return (value, at) => {
    if (!isObject(value)) return `${where(at)}: expected an object`;
    for (const [key, entry] of Object.entries(value)) {
      const problem = item(entry, `${at}[${JSON.stringify(key)}]`);
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
