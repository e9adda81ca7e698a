import type { Output } from './output.ts';

/** One option of a subcommand, in the shape node:util parseArgs expects, plus help text. */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly help: string;
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown in help as `--name VALUE`. */
  readonly value?: string;
}

export interface CommandContext {
  /** The folder holding the SQLite database, models and runs (--home / BERT_STUDIO_HOME). */
  readonly home: string;
  readonly json: boolean;
  readonly out: Output;
  /** Aborted on SIGINT/SIGTERM so long work can stop cleanly. */
  readonly signal: AbortSignal;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** A subcommand of `bert-studio`. `run` returns the exit code (0 when omitted). */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** e.g. `FILE --task T [--json]`, shown after the command name. */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** How many positionals the command accepts; defaults to none. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** Subcommands of the form `models add`: a name to options and help, handled by run. */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number | void>;
}
