import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prediction, TrainSettings } from '../../main/api/contract.ts';
import { dispatch } from '../../main/api/dispatch.ts';
import { createApi, type Api } from '../../main/api/services/index.ts';
import { folderPredictor } from '../../main/export/predictor.ts';
import { addArtifact, createProject, createRun, openStore, updateRun } from '../../main/store/index.ts';
import type { QaPrediction } from '../../main/tasks/qa.ts';
import type { QaExample } from '../../main/tasks/types.ts';
import { runDirOf } from '../../main/train/run-service.ts';
import { fixtureModel, PARITY } from '../predict/fixture-models.ts';

// "Try it" on a QA run cuts a long context into the windows the run trained with: the stride
// (window overlap) stored with the run, not the task's default of 128. The model is the parity
// fixture's tiny QA BERT (real weights, 64 positions), so no training is needed; which span
// wins depends on the windows, because every window is encoded with its own attention.

const QUESTION = 'who built the bridge?';
const PARAGRAPH = 'the river town had a mill, a bell tower and a market where farmers sold corn, snow boots and rope. ';
// About 170 tokens: several 64-token windows whatever the stride.
const CONTEXT = Array.from({ length: 6 }, (_, i) => PARAGRAPH.replace('the river', `in ${1890 + i} the river`)).join('') + 'the bridge was built by sam stan in 1894.';
const SETTINGS: TrainSettings = { epochs: 1, batchSize: 8, lr: 5e-5, maxLength: 64, warmupRatio: 0.1, weightDecay: 0.01, patience: 1, minDelta: 0, maxGradNorm: 1, seed: 42, stride: 128 };

let home: string;
let api: Api;
/** Run id and model folder per stored stride. */
const runs = new Map<number, { id: number; dir: string }>();

const call = async <T>(method: string, params: unknown): Promise<T> => {
  const r = await dispatch(api.handlers, 1, method, params, { caller: 'test' });
  if ('error' in r) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result as T;
};

/** A finished QA run whose stored hyperparameters have this stride, with its trained model folder. */
function finishedQaRun(stride: number): void {
  const store = openStore(home);
  try {
    const project = createProject(store, `QA stride ${stride}`);
    const run = createRun(store, { projectId: project.id, datasetId: null, task: 'qa', baseModel: 'bert-tiny-qa', config: { task: 'qa', base: { kind: 'folder', dir: path.join(PARITY, 'bert-tiny-qa') }, hp: { ...SETTINGS, stride } }, device: 'cpu' });
    const dir = fixtureModel('bert-tiny-qa', 'qa', { names: [] }, path.join(runDirOf(home, run.id), 'model'));
    const weights = fs.readFileSync(path.join(dir, 'model.safetensors'));
    addArtifact(store, { runId: run.id, kind: 'hf', path: dir, size: weights.length, sha256: createHash('sha256').update(weights).digest('hex') });
    updateRun(store, run.id, { status: 'completed' });
    runs.set(stride, { id: run.id, dir });
  } finally {
    store.close();
  }
}

/** The answer decoded from the windows of this stride (the task's default when undefined), and where the first window ends. */
async function answerWith(dir: string, stride: number | undefined): Promise<{ answer: QaPrediction; windows: number; firstWindowEnd: number }> {
  const p = await folderPredictor(dir);
  try {
    const examples: QaExample[] = [{ id: 'q', question: QUESTION, context: CONTEXT, answers: [] }];
    const features = p.task.features(examples, p.tokenizer, { maxLength: p.info.maxLength, labels: p.info.labels, ...(stride !== undefined ? { stride } : {}) });
    const answer = p.task.decode(examples, features, await p.outputs(features), p.decode)[0] as QaPrediction;
    const firstWindowEnd = Math.max(...(features[0].offsets ?? []).map((o) => o?.[1] ?? 0));
    return { answer, windows: features.length, firstWindowEnd };
  } finally {
    await p.dispose();
  }
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-qa-stride-'));
  for (const stride of [16, 8]) finishedQaRun(stride);
  api = await createApi({ home, mode: 'browser' });
}, 60_000);
afterAll(async () => {
  await api?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('Try it on a QA run', () => {
  it('answers a long context from a later window cut with the run’s stride', async () => {
    const run = runs.get(16)!;
    const expected = await answerWith(run.dir, 16);
    const byDefault = await answerWith(run.dir, undefined);
    // The setting the test relies on: several windows, the run's stride answers past the first
    // window, and the default stride answers differently (else the check below could not fail).
    expect(expected.windows).toBeGreaterThan(2);
    expect(expected.answer.start).toBeGreaterThanOrEqual(expected.firstWindowEnd);
    expect([byDefault.answer.start, byDefault.answer.end]).not.toEqual([expected.answer.start, expected.answer.end]);

    const p = await call<Prediction>('predict.run', { runId: run.id, question: QUESTION, context: CONTEXT });
    expect(p.task).toBe('qa');
    expect(p.answer).toMatchObject({ text: expected.answer.answer, start: expected.answer.start, end: expected.answer.end });
    expect(p.answer?.score).toBeCloseTo(expected.answer.score ?? NaN, 5);
    expect(CONTEXT.slice(p.answer?.start, p.answer?.end)).toBe(p.answer?.text);
  });

  it('uses each run’s own stride', async () => {
    const run = runs.get(8)!;
    const expected = await answerWith(run.dir, 8);
    const other = await answerWith(runs.get(16)!.dir, 16);
    expect(expected.answer.start).not.toBe(other.answer.start);
    const p = await call<Prediction>('predict.run', { runId: run.id, question: QUESTION, context: CONTEXT });
    expect(p.answer).toMatchObject({ text: expected.answer.answer, start: expected.answer.start, end: expected.answer.end });
    expect(p.answer?.score).toBeCloseTo(expected.answer.score ?? NaN, 5);
  });
});
