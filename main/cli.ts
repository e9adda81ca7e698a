import { COMMANDS } from './cli/commands/index.ts';
import type { Command } from './cli/command.ts';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UserError } from './cli/errors.ts';
import { createOutput } from './cli/output.ts';
import { formatOptions, parseCommandArgs, parseGlobals } from './cli/parse.ts';
import { useCudaRuntime } from './engine/cuda-runtime.ts';
import { resolveHome } from './home.ts';
import { VERSION } from './version.ts';

const GLOBAL_HELP = `Global options:
  --home DIR     Folder for the project database, models and runs (env BERT_STUDIO_HOME;
                 default: the per-user app-data folder)
  --json         Print the result as one JSON object on the last line of stdout
  -h, --help     Show help (also: bert-studio COMMAND --help)
  -V, --version  Print the version`;

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `BERT Studio ${VERSION}: fine-tune BERT-family models on your own labelled data, offline.

Usage: bert-studio [--home DIR] COMMAND [options]

Commands:
${lines.join('\n')}

${GLOBAL_HELP}`;
}

function commandHelp(c: Command): string {
  const opts = c.options.length ? `\n\nOptions:\n${formatOptions(c.options)}` : '';
  return `Usage: bert-studio ${c.name} ${c.usage}\n\n${c.summary}${opts}\n\n${GLOBAL_HELP}`;
}

/** Runs the CLI and returns its exit code. Never throws. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let json = false;
  try {
    const globals = parseGlobals(argv);
    json = globals.json;
    if (globals.version) {
      console.log(VERSION);
      return EXIT_OK;
    }
    if (globals.command === undefined) {
      if (globals.rest.length) throw new UserError(`Unknown option '${globals.rest[0]}'. Run 'bert-studio --help' for the options.`);
      console.log(usage());
      return globals.help ? EXIT_OK : EXIT_USAGE;
    }
    const entry = COMMANDS.find((c) => c.name === globals.command);
    if (!entry) throw new UserError(`Unknown command '${globals.command}'. Run 'bert-studio --help' for the list of commands.`);
    // Before a command's modules load ONNX Runtime: run it from the home's CUDA folder when NVIDIA CUDA is enabled.
    useCudaRuntime(resolveHome(globals.home, env));
    const command = await entry.load();
    if (globals.help) {
      console.log(commandHelp(command));
      return EXIT_OK;
    }
    const args = parseCommandArgs(command, globals.rest);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const code = await command.run({ home: resolveHome(globals.home, env), json, out: createOutput(json), signal: controller.signal }, args);
      return code ?? EXIT_OK;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  } catch (err) {
    if (err instanceof UserError) {
      console.error(`bert-studio: ${err.message}`);
      for (const d of err.details) console.error(`  ${d}`);
      if (json) console.log(JSON.stringify({ error: { code: 'user_error', message: err.message, details: err.details } }));
      return EXIT_USAGE;
    }
    console.error(`bert-studio: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (json) console.log(JSON.stringify({ error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } }));
    return EXIT_INTERNAL;
  }
}
