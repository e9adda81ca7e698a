// What a plain Hugging Face model folder (fine-tuned anywhere, no bert_studio.json) needs to be
// exported: the task from config.json's `architectures` (as Hugging Face Optimum infers it), the
// labels from `id2label`, the max length from the position table and tokenizer_config.json.
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../models/config.ts';
import { inputPositions } from '../train/presets.ts';
import type { StudioModelInfo } from '../train/model-folder.ts';
import type { TaskName } from '../tasks/types.ts';

/** A folder that cannot be exported as it is; the message says which file and what to do. */
export class FolderInfoError extends Error {
  override readonly name = 'FolderInfoError';
}

const HEADS: [suffix: string, task: TaskName][] = [
  ['ForSequenceClassification', 'classification'],
  ['ForTokenClassification', 'ner'],
  ['ForQuestionAnswering', 'qa'],
];

function readJson(file: string): Record<string, unknown> {
  if (!fs.existsSync(file)) return {};
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch (err) {
    throw new FolderInfoError(`${file} is not valid JSON (${(err as Error).message}); fix or replace it.`);
  }
}

export function inferFolderInfo(dir: string): StudioModelInfo {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) throw new FolderInfoError(`${dir} is not a Hugging Face model folder: it has no config.json.`);
  const raw = readJson(file);
  const config = parseConfig(raw, file);
  const archs = Array.isArray(raw.architectures) ? raw.architectures.filter((a): a is string => typeof a === 'string') : [];
  const head = HEADS.find(([suffix]) => archs.some((a) => a.endsWith(suffix)));
  if (!head)
    throw new FolderInfoError(
      `${file} names no task head BERT Studio can export (architectures: ${archs.length ? archs.join(', ') : 'none'}); expected one ending in ForSequenceClassification, ForTokenClassification or ForQuestionAnswering. A base model without a head has nothing to export: fine-tune it first.`,
    );
  const task = head[1];
  const names = task === 'qa' ? [] : [...config.labels];
  if (task !== 'qa' && names.length < 2) throw new FolderInfoError(`${file} has no id2label with at least two labels, so the ${archs[0]} head's outputs cannot be named; add id2label to it.`);
  const tokenizerConfig = readJson(path.join(dir, 'tokenizer_config.json'));
  const mml = typeof tokenizerConfig.model_max_length === 'number' && tokenizerConfig.model_max_length < 1e6 ? tokenizerConfig.model_max_length : 512;
  const multiLabel = task === 'classification' && raw.problem_type === 'multi_label_classification';
  return { task, labels: { names, ...(multiLabel ? { multiLabel: true } : {}) }, maxLength: Math.min(inputPositions(config), mml, 512) };
}
