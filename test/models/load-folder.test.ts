import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../main/models/config.ts';
import { loadModelFolder, normalizeWeightNames } from '../../main/models/load-folder.ts';
import { randomInitWeights } from '../../main/models/graph/init.ts';
import { writeSafetensors } from '../../main/models/safetensors.ts';

const BERT = { model_type: 'bert', vocab_size: 30, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16, max_position_embeddings: 16, type_vocab_size: 2 };

function folder(config: object | null, weights = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-'));
  if (config) fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  if (weights) writeSafetensors(path.join(dir, 'model.safetensors'), randomInitWeights(parseConfig(BERT, 'c'), { kind: 'sequence-classification', numLabels: 2 }, 1));
  fs.writeFileSync(path.join(dir, 'vocab.txt'), '[PAD]\n');
  return dir;
}

describe('loadModelFolder', () => {
  it('loads config, weights and tokenizer file paths', () => {
    const dir = folder(BERT);
    const m = loadModelFolder(dir);
    expect(m.config.hiddenSize).toBe(8);
    expect(m.weights.get('bert.embeddings.word_embeddings.weight')!.shape).toEqual([30, 8]);
    expect(m.tokenizerFiles['vocab.txt']).toBe(path.join(dir, 'vocab.txt'));
  });

  it('says which file is missing', () => {
    const noConfig = folder(null);
    expect(() => loadModelFolder(noConfig)).toThrow(`${path.join(noConfig, 'config.json')} is missing`);
    const noWeights = folder(BERT, false);
    expect(() => loadModelFolder(noWeights)).toThrow(`${path.join(noWeights, 'model.safetensors')} is missing`);
  });

  it('rejects an unsupported model type', () => {
    expect(() => loadModelFolder(folder({ ...BERT, model_type: 'gpt2' }))).toThrow(/^Unsupported model type: gpt2$/);
  });

  it('rejects weights that do not match the config', () => {
    const dir = folder({ ...BERT, vocab_size: 31 });
    expect(() => loadModelFolder(dir)).toThrow('bert.embeddings.word_embeddings.weight has shape [30,8] but config.json implies [31,8]');
  });

  it('reports a truncated safetensors file by name', () => {
    const dir = folder(BERT);
    const file = path.join(dir, 'model.safetensors');
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length / 2));
    expect(() => loadModelFolder(dir)).toThrow(`${file} is truncated`);
  });
});

describe('normalizeWeightNames', () => {
  it('prefixes a bare encoder checkpoint and renames gamma/beta', () => {
    const t = { dtype: 'float32' as const, shape: [1], data: new Float32Array(1) };
    const names = [...normalizeWeightNames(parseConfig(BERT, 'c'), new Map([['embeddings.LayerNorm.gamma', t], ['encoder.layer.0.output.LayerNorm.beta', t], ['classifier.weight', t]])).keys()];
    expect(names).toEqual(['bert.embeddings.LayerNorm.weight', 'bert.encoder.layer.0.output.LayerNorm.bias', 'classifier.weight']);
  });
});

describe('parseConfig', () => {
  it('normalizes DistilBERT keys and HF defaults', () => {
    const c = parseConfig({ model_type: 'distilbert', vocab_size: 10, dim: 16, n_layers: 2, n_heads: 4, hidden_dim: 64, seq_classif_dropout: 0.2, id2label: { 1: 'b', 0: 'a' } }, 'config.json');
    expect([c.hiddenSize, c.numLayers, c.numHeads, c.intermediateSize, c.typeVocabSize, c.layerNormEps, c.classifierDropout]).toEqual([16, 2, 4, 64, 0, 1e-12, 0.2]);
    expect(c.labels).toEqual(['a', 'b']);
  });

  it('uses classifier_dropout when set, else hidden_dropout_prob', () => {
    expect(parseConfig({ ...BERT, hidden_dropout_prob: 0.3 }, 'c').classifierDropout).toBe(0.3);
    expect(parseConfig({ ...BERT, classifier_dropout: 0.5 }, 'c').classifierDropout).toBe(0.5);
  });

  it('names the file and key that is wrong', () => {
    expect(() => parseConfig({ ...BERT, hidden_size: 'big' }, 'x/config.json')).toThrow('x/config.json: "hidden_size" must be a number, got "big".');
    expect(() => parseConfig({ ...BERT, hidden_act: 'relu' }, 'x/config.json')).toThrow('only "gelu"');
  });
});
