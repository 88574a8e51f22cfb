import { CATEGORY_INFO } from './categories.js';
import type { Category, Suggestion } from './types.js';

/** Code quoted in a message: one line, at most `max` characters. */
export function code(text: string, max = 48): string {
  // Quoted source may carry terminal escapes or bidi overrides: they never reach a message.
  const flat = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const short = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return `\`${short}\``;
}

function sentence(text: string): string {
  const trimmed = text.trim().replace(/[.\s]+$/, '');
  return `${trimmed.charAt(0).toUpperCase()}${trimmed.slice(1)}.`;
}

/**
 * The message of a finding: what was found, what breaks, and where the state should live.
 * Both hosts print exactly this text.
 */
export function composeMessage(
  category: Category,
  what: string,
  suggestion: Suggestion,
  breaks = CATEGORY_INFO[category].breaks,
): string {
  return `${sentence(`${what}: ${breaks}`)} ${sentence(suggestion.summary)}`;
}

/**
 * A server-wide setting (a constant, configuration, a secret fetched from a service) written to
 * a global or `process.env` at request time: not one user's data leaking, but configuration that
 * differs between replicas.
 */
export const SETTING_WRITE = {
  breaks:
    'it is meant for the whole server, but each instance keeps its own: the instances that did not serve this request keep the old value, and a restart loses the new one',
  suggestion: {
    summary:
      'keep server-wide settings and counters in the database or a shared store (Redis, a configuration service) and read them where they are needed',
    packages: [],
  },
} as const satisfies { breaks: string; suggestion: Suggestion };

/** Message of a related location: a write of the state at request time. */
export const WRITTEN_AT_REQUEST_TIME = 'written here at request time';
