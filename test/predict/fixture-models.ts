// Trained-model folders (config + weights + tokenizer + bert_studio.json) made from the parity
// fixtures' real weights, so prediction tests need no training run.
import path from 'node:path';
import { loadModelFolder } from '../../main/engine/api.ts';
import { headFromConfig } from '../../main/engine/parity.ts';
import type { LabelSet, TaskName } from '../../main/tasks/types.ts';
import { saveModelFolder } from '../../main/train/model-folder.ts';

export const PARITY = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity');

export function fixtureModel(fixture: string, task: TaskName, labels: LabelSet, out: string): string {
  const dir = path.join(PARITY, fixture);
  const folder = loadModelFolder(dir);
  const arch = (folder.config.raw.architectures as string[])[0];
  saveModelFolder(out, { config: folder.config, head: headFromConfig(folder.config, arch), labels, params: folder.weights, tokenizerDir: dir, maxLength: 64, task });
  return out;
}
