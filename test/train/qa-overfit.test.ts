import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QaExample } from '../../main/tasks/types.ts';
import { presetHyperparameters } from '../../main/train/presets.ts';
import { train } from '../../main/train/trainer.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The first `n` questions of XQuAD-en (SQuAD v1.1 JSON) with their contexts. */
function xquad(n: number): QaExample[] {
  const json = JSON.parse(readFileSync(path.join(root, '../shared/data/xquad_en/train.json'), 'utf8')) as {
    data: { paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string; answer_start: number }[] }[] }[] }[];
  };
  const out: QaExample[] = [];
  for (const article of json.data)
    for (const p of article.paragraphs)
      for (const q of p.qas) if (out.length < n) out.push({ id: q.id, context: p.context, question: q.question, answers: q.answers.map((a) => ({ text: a.text, start: a.answer_start })) });
  return out;
}

describe('extractive QA end to end', () => {
  it('a from-scratch model overfits 50 XQuAD questions to train F1 ≥ 0.9 (proves windows, offsets and span decoding)', { timeout: 600_000 }, async () => {
    const qs = xquad(50);
    const hp = { ...presetHyperparameters({ preset: 'balanced', task: 'qa', trainRows: 50, scratch: 'tiny' }), epochs: 100, batchSize: 16, maxLength: 192, stride: 64, lr: 2e-3, warmupRatio: 0.05, weightDecay: 0, patience: 0 };
    const result = await train({ task: 'qa', train: qs, validation: qs, base: { kind: 'scratch', size: 'tiny', vocabSize: 1500, dropout: 0.05 }, hp, runDir: mkdtempSync(path.join(os.tmpdir(), 'bs-qa-')), evalSteps: 100 });
    expect(result.metrics.validation.f1).toBeGreaterThanOrEqual(0.9);
    expect(result.metrics.validation.exact_match).toBeGreaterThan(0.8);
  });
});
