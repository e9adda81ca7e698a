import { parseArgs } from 'node:util';
import type { Command, OptionSpec, ParsedArgs } from './command.ts';
import { UserError } from './errors.ts';

export interface GlobalArgs {
  home?: string;
  json: boolean;
  help: boolean;
  version: boolean;
  command?: string;
  rest: string[];
}

/**
 * Pulls the global options (--home, --json, --help, --version) out of argv wherever they are,
 * and finds the subcommand: the first argument that is not an option.
 */
export function parseGlobals(argv: readonly string[]): GlobalArgs {
  const out: GlobalArgs = { json: false, help: false, version: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--home' || arg.startsWith('--home=')) {
      const value = arg === '--home' ? argv[++i] : arg.slice('--home='.length);
      if (value === undefined || value === '' || value.startsWith('--')) throw new UserError('Option --home needs a folder, e.g. --home ~/bert-studio-data.');
      out.home = value;
    } else if (arg === '--json') out.json = true;
    else if (arg === '--help' || arg === '-h') out.help = true;
    else if (arg === '--version' || arg === '-V') out.version = true;
    else if (out.command === undefined && !arg.startsWith('-')) out.command = arg;
    else out.rest.push(arg);
  }
  return out;
}

/** Parses a subcommand's own arguments strictly: unknown flags and missing values are user errors. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of command.options) options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${describeParseError(err)} Run 'bert-studio ${command.name} --help' for its options.`);
  }
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  const n = parsed.positionals.length;
  if (n < min) throw new UserError(`'bert-studio ${command.name}' needs ${command.usage.split(' ').filter((w) => /^[A-Z]/.test(w)).join(' ') || 'more arguments'}. Usage: bert-studio ${command.name} ${command.usage}`);
  if (n > max) throw new UserError(`Unexpected argument '${parsed.positionals[max]}' for 'bert-studio ${command.name}'. Usage: bert-studio ${command.name} ${command.usage}`);
  return { values: parsed.values, positionals: parsed.positionals };
}

function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // node's messages are already sentences like "Unknown option '--foo'"; keep one line.
  const first = message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
  return first.endsWith('.') ? first : first + '.';
}

export function formatOptions(options: readonly OptionSpec[]): string {
  const rows = options.map((o) => [`  --${o.name}${o.value ? ' ' + o.value : o.type === 'string' ? ' VALUE' : ''}`, o.help]);
  const width = Math.max(0, ...rows.map((r) => r[0].length)) + 2;
  return rows.map(([flag, help]) => flag.padEnd(width) + help).join('\n');
}

/** Reads a string option, or undefined. */
export function str(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Reads a numeric option, checking it is a finite number within [min, max]. */
export function num(args: ParsedArgs, name: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  const raw = str(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  const kind = opts.integer ? 'a whole number' : 'a number';
  if (raw.trim() === '' || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value))) throw new UserError(`Option --${name} must be ${kind}, got '${raw}'.`);
  if (opts.min !== undefined && value < opts.min) throw new UserError(`Option --${name} must be at least ${opts.min}, got ${raw}.`);
  if (opts.max !== undefined && value > opts.max) throw new UserError(`Option --${name} must be at most ${opts.max}, got ${raw}.`);
  return value;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** Reads a string option that must be one of `choices`. */
export function choice<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const raw = str(args, name);
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw new UserError(`Option --${name} must be one of ${choices.join(', ')}; got '${raw}'.`);
  return raw as T;
}
