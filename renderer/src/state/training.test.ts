import { describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { TrainingState } from './training.svelte.ts';

const RUN = { id: 7, projectId: 1, datasetId: 2, task: 'classification', status: 'running', baseModel: 'scratch:tiny', createdAt: '', settings: {}, base: { kind: 'scratch', size: 'tiny' } };

function setup(metrics: unknown[] = []) {
  const t = new FakeTransport({ 'runs.get': () => RUN, 'runs.metrics': () => metrics, 'runs.pause': () => ({ ...RUN, status: 'paused' }) });
  return { t, state: new TrainingState(new ApiClient(t)) };
}

describe('TrainingState', () => {
  it('reopens a run with its stored curves', async () => {
    const { state } = setup([
      { step: 10, epoch: 0.5, name: 'loss', value: 2, split: 'train' },
      { step: 20, epoch: 1, name: 'loss', value: 1.5, split: 'train' },
      { step: 20, epoch: 1, name: 'accuracy', value: 0.4, split: 'validation' },
      { step: 20, epoch: 1, name: 'loss', value: 1.7, split: 'validation' },
    ]);
    await state.open(7);
    expect(state.trainLoss).toEqual([{ step: 10, value: 2 }, { step: 20, value: 1.5 }]);
    expect(state.validLoss).toEqual([{ step: 20, value: 1.7 }]);
    expect(state.monitored).toBe('accuracy');
    expect(state.validMetric).toEqual([{ step: 20, value: 0.4 }]);
    expect(state.live).toBe(true);
  });

  it('appends live points of its run only, without duplicates, and marks the best evaluation', async () => {
    const { state, t } = setup();
    await state.open(7);
    t.emit('run.progress', { runId: 7, step: 5, totalSteps: 100, epoch: 0.1, loss: 3, learningRate: 1e-3, examplesPerSecond: 50, etaSeconds: 60 });
    t.emit('run.progress', { runId: 7, step: 5, totalSteps: 100, epoch: 0.1, loss: 3, learningRate: 1e-3, examplesPerSecond: 50, etaSeconds: 60 });
    t.emit('run.progress', { runId: 8, step: 6, totalSteps: 100, epoch: 0.1, loss: 9, learningRate: 1e-3, examplesPerSecond: 50, etaSeconds: 60 });
    expect(state.trainLoss).toEqual([{ step: 5, value: 3 }]);
    t.emit('run.evaluation', { runId: 7, step: 50, epoch: 1, metrics: { macro_f1: 0.3, loss: 2 }, monitored: 'macro_f1', isBest: true, patienceLeft: 3 });
    t.emit('run.evaluation', { runId: 7, step: 100, epoch: 2, metrics: { macro_f1: 0.2, loss: 2.2 }, monitored: 'macro_f1', isBest: false, patienceLeft: 2 });
    expect(state.validMetric).toEqual([{ step: 50, value: 0.3 }, { step: 100, value: 0.2 }]);
    expect(state.bestStep).toBe(50);
    expect(state.evaluation?.patienceLeft).toBe(2);
    expect(state.progress?.etaSeconds).toBe(60);
  });

  it('takes the trainer’s plan of its run from the run.plan event', async () => {
    const { state, t } = setup();
    await state.open(7);
    expect(state.run?.plan).toBeUndefined();
    const plan = { device: 'cpu', cores: 2, batchSize: 32, microBatch: 8, accumulation: 4, peakMiB: 610, budgetMiB: 6144, fits: true };
    t.emit('run.plan', { runId: 8, plan: { ...plan, batchSize: 64 } });
    expect(state.run?.plan).toBeUndefined();
    t.emit('run.plan', { runId: 7, plan });
    expect(state.run?.plan).toEqual(plan);
    expect(state.run?.status).toBe('running');
  });

  it('keeps a plan announced while the run was being read', async () => {
    const plan = { device: 'cpu', cores: 2, batchSize: 16, microBatch: 16, accumulation: 1, peakMiB: 300, budgetMiB: 2048, fits: true };
    const { state, t } = setup();
    // The stored run predates the plan: the event comes while open() waits for it.
    t.handlers['runs.get'] = () => {
      t.emit('run.plan', { runId: 7, plan });
      return RUN;
    };
    await state.open(7);
    expect(state.run?.plan).toEqual(plan);
  });

  it('pauses through the API and shows the new status', async () => {
    const { state } = setup();
    await state.open(7);
    await state.control('pause');
    expect(state.run?.status).toBe('paused');
  });
});
