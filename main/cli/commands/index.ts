import type { Command } from '../command.ts';
import { benchCommand } from './bench.ts';
import { parityCommand } from './parity.ts';
import { modelsCommand } from './models.ts';
import { serveCommand } from './serve.ts';
import { importCommand } from './import.ts';
import { datasetsCommand } from './datasets.ts';
import { projectsCommand } from './projects.ts';
import { trainCommand } from './train.ts';
import { evaluateCommand } from './evaluate.ts';
import { exportCommand } from './export.ts';
import { predictCommand } from './predict.ts';
import { runsCommand } from './runs.ts';

/**
 * Every subcommand of `bert-studio`, in the order `--help` lists them. A new command is one
 * file in this folder and one line here.
 */
export const COMMANDS: readonly Command[] = [serveCommand, modelsCommand, parityCommand, benchCommand, importCommand, datasetsCommand, projectsCommand, trainCommand, runsCommand, evaluateCommand, predictCommand, exportCommand];
