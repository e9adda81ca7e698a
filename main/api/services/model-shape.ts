/**
 * The real shapes of the model a run would train, for the memory plan: a pretrained model's
 * own config.json, or the config main/train builds for a from-scratch size, and the task's head.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HeadSpec, ModelConfig } from '../../engine/api.ts';
import { parseConfig } from '../../models/config.ts';
import { getTask } from '../../tasks/index.ts';
import { scratchBertConfig } from '../../train/scratch.ts';
import type { Dataset } from '../../store/index.ts';
import { ApiFailure } from '../errors.ts';
import type { BaseModel } from '../types.ts';
import { baseModelFolder } from './base-folder.ts';

export interface ModelShape {
  config: ModelConfig;
  head: HeadSpec;
  pretrained: boolean;
}

/**
 * A from-scratch model learns a WordPiece vocabulary of up to 8k pieces from the training texts
 * (main/train/prepare.ts); the upper bound keeps the estimate on the safe side.
 */
const SCRATCH_VOCAB = 8000;

async function configOf(home: string, base: BaseModel): Promise<ModelConfig> {
  if (base.kind === 'scratch') return parseConfig(scratchBertConfig(base.size, SCRATCH_VOCAB), `the ${base.size} from-scratch config`);
  const file = path.join(await baseModelFolder(home, base.modelId), 'config.json');
  try {
    return parseConfig(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  } catch (err) {
    throw new ApiFailure('data_error', `The base model's ${file} cannot be read (${(err as Error).message.replace(/\.$/, '')}). Add the model folder again or pick another model.`);
  }
}

/**
 * The head as the trainer builds it from the dataset's labels. The trainer's label set may add
 * a tag or two (NER's 'O'); a head is hidden × labels parameters, noise beside the encoder.
 */
export async function modelShape(home: string, base: BaseModel, d: Dataset): Promise<ModelShape> {
  const config = await configOf(home, base);
  const head = getTask(d.task).headSpec({ names: d.labels.length ? d.labels : ['0', '1'], slots: d.slotLabels, multiLabel: d.multiLabel });
  return { config, head, pretrained: base.kind === 'pretrained' };
}
