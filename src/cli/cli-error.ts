/**
 * An error the `zekka` command reports as one line, without a stack: its message is meant for the
 * person at the terminal. Exit code 1 for a failure, 2 for bad usage (UsageError).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}
