// From-scratch models take their dropout from the task (main/train/scratch.ts explains the
// measurements behind it) unless the run sets one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getTask } from '../../main/tasks/registry.ts';
import type { TaskModule, TaskName } from '../../main/tasks/types.ts';
import { prepareModel } from '../../main/train/prepare.ts';

const EXAMPLES: Record<'classification' | 'intent', unknown[]> = {
  classification: [
    { text: 'my card was declined', labels: ['card'] },
    { text: 'where is my transfer', labels: ['transfer'] },
  ],
  intent: [
    { text: 'play some jazz', intent: 'PlayMusic' },
    { text: 'rate this book five stars', intent: 'RateBook' },
  ],
};

async function dropoutOf(task: 'classification' | 'intent', dropout?: number): Promise<number> {
  const mod = getTask(task as TaskName) as TaskModule<unknown, unknown>;
  const examples = EXAMPLES[task];
  const prepared = await prepareModel({
    task,
    base: { kind: 'scratch', size: 'tiny', vocabSize: 200, ...(dropout !== undefined ? { dropout } : {}) },
    labels: mod.labelSet(examples),
    trainTexts: examples.map((e) => (e as { text: string }).text),
    workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'bs-scratch-')),
    seed: 1,
    maxLength: 32,
  });
  return prepared.config.hiddenDropout;
}

describe('from-scratch dropout', () => {
  it('is 0.1 for text classification and 0.05 for intent (token-level slots)', async () => {
    expect(await dropoutOf('classification')).toBe(0.1);
    expect(await dropoutOf('intent')).toBe(0.05);
  });

  it('follows the run when it sets one', async () => {
    expect(await dropoutOf('classification', 0.2)).toBe(0.2);
  });
});
