import fs from 'node:fs';
import path from 'node:path';
import type { HeadSpec, ModelConfig, TensorData } from '../engine/api.ts';
import { trainedConfig } from '../export/hf-config.ts';
import { writeSafetensors } from '../models/safetensors.ts';
import type { LabelSet, TaskName } from '../tasks/types.ts';
import { replaceDirAtomic } from './atomic.ts';
import { copyTokenizerFiles } from './prepare.ts';

/** What BERT Studio needs besides config.json to use a trained model again (task, labels, threshold). */
export interface StudioModelInfo {
  task: TaskName;
  labels: LabelSet;
  maxLength: number;
  threshold?: number;
  /** Classification: texts longer than maxLength keep their first and last tokens (main/tasks/head-tail.ts). */
  truncation?: 'head-tail';
}

export const STUDIO_FILE = 'bert_studio.json';

/**
 * Writes a trained model as a Hugging Face folder: config.json (architecture, id2label),
 * model.safetensors under Hugging Face's names, the tokenizer files, and bert_studio.json.
 */
export function saveModelFolder(dir: string, m: { config: ModelConfig; head: HeadSpec; labels: LabelSet; params: Map<string, TensorData>; tokenizerDir: string; threshold?: number; maxLength: number; task: TaskName; truncation?: 'head' | 'head-tail' }): void {
  replaceDirAtomic(dir, (tmp) => {
    fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(trainedConfig(m.config, m.head, m.labels.names, m.labels.slots ?? []), null, 2) + '\n');
    writeSafetensors(path.join(tmp, 'model.safetensors'), m.params, { metadata: { format: 'pt' } });
    copyTokenizerFiles(m.tokenizerDir, tmp);
    const info: StudioModelInfo = { task: m.task, labels: m.labels, maxLength: m.maxLength, ...(m.threshold !== undefined ? { threshold: m.threshold } : {}), ...(m.truncation === 'head-tail' ? { truncation: m.truncation } : {}) };
    fs.writeFileSync(path.join(tmp, STUDIO_FILE), JSON.stringify(info, null, 2) + '\n');
  });
}

export function readStudioInfo(dir: string): StudioModelInfo | undefined {
  const file = path.join(dir, STUDIO_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as StudioModelInfo) : undefined;
}
