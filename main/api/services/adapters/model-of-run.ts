import path from 'node:path';
import { getRun, listArtifacts, type Store } from '../../../store/index.ts';
import { folderPredictor, type Predictor } from '../../../export/predictor.ts';
import { runDirOf } from '../../../train/run-service.ts';
import { ApiFailure } from '../../errors.ts';

/** The trained model folder of a finished run: the 'hf' artifact the trainer recorded inside the run's folder. */
export function trainedModelDir(store: Store, home: string, runId: number): string {
  const runDir = runDirOf(home, runId) + path.sep;
  const a = listArtifacts(store, runId, 'hf').find((x) => x.path.startsWith(runDir));
  if (!a) throw new ApiFailure('not_found', `Run ${runId} has no trained model (it did not finish, or its files were deleted). Train it again.`);
  return a.path;
}

/**
 * Keeps the model of the last run used loaded: evaluation, "Try it" and cell clicks hit the same
 * run many times in a row, and loading a base-size model takes seconds.
 */
export class PredictorCache {
  /** Store file + run id: two stores (two homes) in one process may both have a run 1. */
  #key: string | undefined;
  #predictor: Promise<Predictor> | undefined;

  async get(store: Store, home: string, runId: number): Promise<Predictor> {
    const key = `${store.file}:${runId}`;
    if (this.#key !== key || !this.#predictor) {
      if (!getRun(store, runId)) throw new ApiFailure('not_found', 'This run does not exist any more.');
      const old = this.#predictor;
      this.#key = key;
      this.#predictor = folderPredictor(trainedModelDir(store, home, runId));
      this.#predictor.catch(() => (this.#predictor = undefined));
      void old?.then((p) => p.dispose()).catch(() => undefined);
    }
    return this.#predictor;
  }

  async dispose(): Promise<void> {
    const p = this.#predictor;
    this.#predictor = undefined;
    this.#key = undefined;
    await p?.then((x) => x.dispose()).catch(() => undefined);
  }
}
