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
import { evaluationPort, predictPort, releaseModels } from './adapters/results.ts';
import { exportPort } from './adapters/export.ts';

export async function loadCore(): Promise<Core> {
  return {
    import: importPort,
    models: modelsPort,
    trainer: trainerPort,
    evaluation: evaluationPort,
    predict: predictPort,
    export: exportPort,
    close: releaseModels,
  };
}
