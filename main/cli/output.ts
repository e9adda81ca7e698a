/**
 * Where commands print. Human-readable lines go to stdout unless --json is set, in which case
 * progress goes to stderr and the single result object is the last line of stdout.
 */
export interface Output {
  /** A line for people (stdout in text mode, stderr in --json mode so stdout stays parseable). */
  info(line: string): void;
  /** A warning or problem line, always on stderr. */
  warn(line: string): void;
  /** The command's result: JSON on one line with --json, else rendered by `text` when given. */
  result(value: unknown, text?: (value: unknown) => string): void;
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    info(line) {
      (json ? stderr : stdout).write(line + '\n');
    },
    warn(line) {
      stderr.write(line + '\n');
    },
    result(value, text) {
      if (json) stdout.write(JSON.stringify(value) + '\n');
      else if (text) stdout.write(text(value) + '\n');
      else stdout.write(JSON.stringify(value, null, 2) + '\n');
    },
  };
}
