/**
 * Fills the ports of core.ts from the real modules. This is the one file to touch when a core
 * module lands: write its adapter in ./adapters/ and add it here.
 *
 * Status (see the report of issue 7): every port below that is `undefined` makes its commands
 * answer `unavailable` with the missing function's name.
 */
import type { Core } from './core.ts';
import { importPort } from './adapters/import.ts';
import { modelsPort } from './adapters/models.ts';
import { trainerPort } from './adapters/trainer.ts';

export async function loadCore(): Promise<Core> {
  return {
    import: importPort,
    models: modelsPort,
    trainer: trainerPort,
    evaluation: undefined, // waiting for main/train (or main/tasks): evaluateRun
    predict: undefined, // waiting for main/train (or main/tasks): predictRun
    export: undefined, // waiting for main/export: exportRun
  };
}
