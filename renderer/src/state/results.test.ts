import { describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { EvaluationState } from './evaluation.svelte.ts';
import { TryState } from './tryit.svelte.ts';

describe('EvaluationState', () => {
  it('scales the heat map to the largest cell and lists a cell’s examples', async () => {
    const evaluation = { runId: 1, split: 'test', task: 'classification', headline: { metric: 'accuracy', value: 0.5, sentence: '' }, metrics: {}, perClass: [], confusion: { labels: ['a', 'b'], matrix: [[3, 1], [7, 2]] }, worst: [] };
    const t = new FakeTransport({ 'runs.get': () => ({ id: 1, device: 'cpu' }), 'evaluation.get': () => evaluation, 'evaluation.cell': (p: { gold: string; predicted: string }) => [{ index: 0, text: `${p.gold}->${p.predicted}`, gold: p.gold, predicted: p.predicted }] });
    const s = new EvaluationState(new ApiClient(t));
    await s.load(1);
    expect(s.maxCell).toBe(7);
    // The screen names the device the run trained on.
    expect(s.run?.device).toBe('cpu');
    await s.openCell(1, 'b', 'a');
    expect(s.cell?.examples[0].text).toBe('b->a');
    expect(t.calls.at(-1)?.params).toEqual({ runId: 1, split: 'test', gold: 'b', predicted: 'a', limit: 50 });
  });
});

describe('EvaluationState: exporting the baseline', () => {
  it('shows where the export went and how it was checked, or why it failed', async () => {
    let fail = false;
    const t = new FakeTransport({
      'export.baseline': () => {
        if (fail) throw new Error('Only the keyword baseline of classification and intent runs can be exported.');
        return { path: '/home/exports/run-1/baseline-onnx', files: ['model.onnx'], sizeBytes: 10, checked: 'Checked in ONNX Runtime on 3 validation examples.' };
      },
    });
    const s = new EvaluationState(new ApiClient(t));
    await s.exportBaseline(1);
    expect(s.baselineExport).toEqual({ busy: false, error: null, result: { path: '/home/exports/run-1/baseline-onnx', files: ['model.onnx'], sizeBytes: 10, checked: 'Checked in ONNX Runtime on 3 validation examples.' } });
    expect(t.calls.at(-1)?.params).toEqual({ runId: 1 });
    fail = true;
    await s.exportBaseline(1);
    expect(s.baselineExport).toMatchObject({ busy: false, result: null, error: expect.stringContaining('Only the keyword baseline') });
  });
});

describe('TryState', () => {
  it('asks the run for its task, and shows only the answer to the latest input', async () => {
    const pending: ((v: unknown) => void)[] = [];
    const t = new FakeTransport({
      'runs.get': () => ({ id: 1, task: 'classification' }),
      'predict.run': () => new Promise((r) => pending.push(r)),
    });
    const s = new TryState(new ApiClient(t));
    await s.load(1);
    expect(s.task).toBe('classification');
    s.text = 'first';
    const first = s.predict(1);
    s.text = 'second';
    const second = s.predict(1);
    await new Promise((r) => setTimeout(r, 0));
    pending[1]({ task: 'classification', labels: [{ label: 'new', probability: 1 }] });
    await second;
    pending[0]({ task: 'classification', labels: [{ label: 'old', probability: 1 }] });
    await first;
    expect(s.prediction?.labels?.[0].label).toBe('new');
    expect(s.shown.text).toBe('second');
  });
});
