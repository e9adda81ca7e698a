/** Exit codes of the CLI: 0 success, 1 internal failure, 2 bad arguments or bad input. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

/**
 * A problem the user can fix (a wrong flag, a missing file, bad data). Its message is a
 * sentence shown as is; the CLI exits with code 2.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, readonly details: readonly string[] = []) {
    super(message);
  }
}
