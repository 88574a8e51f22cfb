/** A usage problem (bad path, bad option, unreadable configuration): exit code 2 with a hint. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
