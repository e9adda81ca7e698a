import type { Command } from '../command.ts';
import { serveCommand } from './serve.ts';

/**
 * Every subcommand of `bert-studio`, in the order `--help` lists them. A new command is one
 * file in this folder and one line here.
 */
export const COMMANDS: readonly Command[] = [serveCommand];
