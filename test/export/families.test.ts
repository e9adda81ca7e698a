// exportModel across model families and heads: the parity fixtures (BERT, DistilBERT,
// RoBERTa; sequence and multi-label classification, tokens, QA) made into trained-model
// folders, plus a joint intent + slots model, which no transformers class covers.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, randomInitWeights } from '../../main/engine/api.ts';
import { exportModel } from '../../main/export/export.ts';
import { predictTexts, releasePredictTexts } from '../../main/export/predict.ts';
import { readSafetensors } from '../../main/models/safetensors.ts';
import type { LabelSet, TaskName } from '../../main/tasks/types.ts';
import { saveModelFolder } from '../../main/train/model-folder.ts';
import { tempDir } from '../data/helpers.ts';
import { fixtureModel, PARITY } from '../predict/fixture-models.ts';

const { dir: tmp, cleanup } = tempDir('bert-studio-families-');
afterAll(async () => {
  await releasePredictTexts();
  cleanup();
});

const CASES: [string, TaskName, LabelSet][] = [
  ['bert-tiny-seqcls', 'classification', { names: ['a', 'b', 'c'] }],
  ['bert-tiny-multilabel', 'classification', { names: ['w', 'x', 'y', 'z'], multiLabel: true }],
  ['bert-tiny-tokencls', 'ner', { names: ['O', 'B-LOC', 'B-PER', 'I-LOC', 'I-PER'] }],
  ['bert-tiny-qa', 'qa', { names: [] }],
  ['distilbert-tiny-seqcls', 'classification', { names: ['a', 'b', 'c'] }],
  ['roberta-tiny-seqcls', 'classification', { names: ['a', 'b', 'c'] }],
];

describe('exportModel per family and head', () => {
  it.each(CASES)('%s (%s): ONNX reproduces the engine within 1e-4, int8 is >3× smaller, the HF folder has exactly PyTorch’s parameter names', async (fixture, task, labels) => {
    const dir = fixtureModel(fixture, task, labels, path.join(tmp, fixture));
    const onnx = await exportModel({ modelDir: dir, format: 'onnx', out: path.join(tmp, `${fixture}-onnx`) });
    expect(onnx.verification.passed).toBe(true);
    expect(onnx.verification.maxDifference).toBeLessThan(1e-4);
    expect(onnx.verification.features).toBeGreaterThanOrEqual(8);

    const int8 = await exportModel({ modelDir: dir, format: 'onnx-int8', out: path.join(tmp, `${fixture}-int8`) });
    expect(onnx.bytes / int8.bytes).toBeGreaterThan(3);
    expect(int8.verification.maxDifference).toBeLessThan(0.05);

    const hf = await exportModel({ modelDir: dir, format: 'hf', out: path.join(tmp, `${fixture}-hf`) });
    expect(hf.verification.maxDifference).toBe(0);
    const exported = [...readSafetensors(hf.file).keys()].sort();
    const pytorch = [...readSafetensors(path.join(PARITY, fixture, 'model.safetensors')).keys()].sort();
    expect(exported).toEqual(pytorch);
    const config = JSON.parse(fs.readFileSync(path.join(hf.out, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config.architectures).toEqual(JSON.parse(fs.readFileSync(path.join(PARITY, fixture, 'config.json'), 'utf8')).architectures);
    if (task !== 'qa') expect(Object.values(config.id2label as object)).toEqual(labels.names);
  });

  it('joint intent + slots: ONNX has logits and slot_logits, the card says it is not a transformers class', async () => {
    const config = parseConfig({ model_type: 'bert', vocab_size: 1000, hidden_size: 64, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 128, max_position_embeddings: 128 }, 'config.json');
    const labels: LabelSet = { names: ['book_flight', 'weather'], slots: ['O', 'B-city', 'I-city'] };
    const head = { kind: 'joint-intent-slots' as const, numIntents: 2, numSlots: 3 };
    const dir = path.join(tmp, 'joint');
    saveModelFolder(dir, { config, head, labels, params: randomInitWeights(config, head, 7), tokenizerDir: path.join(PARITY, 'bert-tiny-seqcls'), maxLength: 32, task: 'intent' });
    const onnx = await exportModel({ modelDir: dir, format: 'onnx', out: path.join(tmp, 'joint-onnx') });
    expect(onnx.verification.maxDifference).toBeLessThan(1e-4);
    expect(fs.readFileSync(path.join(onnx.out, 'README.md'), 'utf8')).toContain('`logits`, `slot_logits`');
    const hf = await exportModel({ modelDir: dir, format: 'hf', out: path.join(tmp, 'joint-hf') });
    expect(fs.readFileSync(path.join(hf.out, 'README.md'), 'utf8')).toContain('is not a transformers class');
    const [r] = await predictTexts(onnx.file, ['fly to new  york tomorrow']);
    if (r.task !== 'intent') throw new Error(r.task);
    expect(labels.names).toContain(r.prediction);
    for (const s of r.slots ?? []) expect('fly to new  york tomorrow'.slice(s.start, s.end)).toBe(s.text);
  });
});
