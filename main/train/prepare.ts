import fs from 'node:fs';
import path from 'node:path';
import type { HeadSpec, ModelConfig, TensorData } from '../engine/api.ts';
import { parseConfig, validateConfig } from '../models/config.ts';
import { isHeadParam } from '../models/families.ts';
import { initHeadWeights, paramSpecs, randomInitWeights } from '../models/graph/init.ts';
import { loadModelFolder } from '../models/load-folder.ts';
import { getTask } from '../tasks/registry.ts';
import type { LabelSet, TaskName } from '../tasks/types.ts';
import { loadTokenizer, trainWordPieceVocab, writeVocab, type Tokenizer } from '../text/index.ts';
import type { ScratchSize } from './presets.ts';
import { scratchBertConfig, scratchDropout } from './scratch.ts';

export type BaseModel = { kind: 'folder'; dir: string } | { kind: 'scratch'; size: ScratchSize; vocabSize?: number; dropout?: number };

export interface PreparedModel {
  config: ModelConfig;
  head: HeadSpec;
  weights: Map<string, TensorData>;
  tokenizer: Tokenizer;
  /** Folder holding the tokenizer files that go next to every checkpoint and export. */
  tokenizerDir: string;
  /** Head weights that were freshly initialized (none when the checkpoint already had them). */
  initializedHead: string[];
}

/** The texts a from-scratch vocabulary is learned from, per task. */
export function textsOf(task: TaskName, examples: readonly unknown[]): string[] {
  return examples.map((e) => {
    const x = e as { text?: string; tokens?: string[]; context?: string; question?: string };
    if (task === 'ner') return (x.tokens ?? []).join(' ');
    if (task === 'qa') return `${x.question ?? ''} ${x.context ?? ''}`;
    return x.text ?? (x.tokens ?? []).join(' ');
  });
}

/**
 * The model a run starts from. A pretrained folder keeps its encoder and, when the head's
 * shapes match the labels, its head; otherwise the head is initialized as Hugging Face does
 * (normal, std = initializer_range). From scratch: a WordPiece vocabulary learned from the
 * user's training texts and a random-init BERT of the chosen size.
 */
export async function prepareModel(opts: { task: TaskName; base: BaseModel; labels: LabelSet; trainTexts: readonly string[]; workDir: string; seed: number; maxLength: number }): Promise<PreparedModel> {
  const task = getTask(opts.task);
  const head = task.headSpec(opts.labels);
  if (opts.base.kind === 'scratch') {
    const tokenizerDir = path.join(opts.workDir, 'tokenizer');
    fs.mkdirSync(tokenizerDir, { recursive: true });
    if (!fs.existsSync(path.join(tokenizerDir, 'vocab.txt'))) {
      // ~8k pieces covers a few thousand short texts well; fewer texts get a smaller vocabulary.
      const vocab = trainWordPieceVocab(opts.trainTexts, { vocabSize: opts.base.vocabSize ?? 8000, lowercase: true });
      await writeVocab(tokenizerDir, vocab, { lowercase: true });
    }
    const tokenizer = await loadTokenizer(tokenizerDir);
    const raw = scratchBertConfig(opts.base.size, tokenizer.vocabSize, Math.max(512, opts.maxLength), opts.base.dropout ?? scratchDropout(opts.task));
    const config = parseConfig(raw, 'from-scratch config');
    validateConfig(config, 'from-scratch config');
    return { config, head, weights: randomInitWeights(config, head, opts.seed), tokenizer, tokenizerDir, initializedHead: [] };
  }
  const folder = loadModelFolder(opts.base.dir);
  const tokenizer = await loadTokenizer(opts.base.dir);
  const weights = new Map<string, TensorData>();
  const specs = paramSpecs(folder.config, head);
  const fresh = initHeadWeights(folder.config, head, opts.seed);
  const initializedHead: string[] = [];
  for (const spec of specs) {
    const have = folder.weights.get(spec.name);
    const fits = have && have.shape.join('x') === spec.shape.join('x');
    if (fits) weights.set(spec.name, have);
    else if (isHeadParam(folder.config.modelType, head, spec.name) && fresh.has(spec.name)) {
      weights.set(spec.name, fresh.get(spec.name)!);
      initializedHead.push(spec.name);
    } else if (!have) {
      // The BERT pooler is absent from some checkpoints (e.g. token-classification ones): HF initializes it too.
      const init = randomInitWeights(folder.config, head, opts.seed).get(spec.name)!;
      weights.set(spec.name, init);
      initializedHead.push(spec.name);
    } else {
      throw new Error(`${path.join(opts.base.dir, 'model.safetensors')}: ${spec.name} has shape [${have.shape}] but the model needs [${spec.shape}].`);
    }
  }
  return { config: folder.config, head, weights, tokenizer, tokenizerDir: opts.base.dir, initializedHead };
}

/** Copies the tokenizer files of `fromDir` into `toDir` (for checkpoints and exports). */
export function copyTokenizerFiles(fromDir: string, toDir: string): void {
  for (const f of ['tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt', 'tokenizer_config.json', 'special_tokens_map.json']) {
    const src = path.join(fromDir, f);
    if (fs.existsSync(src)) fs.copyFileSync(src, path.join(toDir, f));
  }
}
