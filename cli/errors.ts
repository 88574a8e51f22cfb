/** A usage problem (bad path, bad option, unreadable configuration): exit code 2 with a hint. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An `errors` entry's text for a failure of statecheck itself: what failed, and the stack with --debug. */
export function internalError(what: string, error: unknown, debug: boolean | undefined): string {
  return debug && error instanceof Error && error.stack
    ? `${what}: ${error.stack}`
    : `${what}: ${errorMessage(error)} (run with --debug for the stack)`;
}
