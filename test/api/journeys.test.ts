import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetSummary, Estimate, Evaluation, ExportJob, Prediction, RunDetail, RunSummary } from '../../main/api/contract.ts';
import { startServer, type StudioServer } from '../../main/server/http.ts';
import { TestClient } from './ws-client.ts';

// The tasks the browser e2e does not drive (QA, intent), through the API with the real trainer:
// a tiny model for one epoch, then evaluation, a prediction and pause/cancel semantics. They train
// real models, so they get minutes, not the default minute, on a loaded machine.
let home: string;
let server: StudioServer;
let client: TestClient;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-journeys-'));
  server = await startServer({ home, staticDir: path.join(home, 'none') });
  client = await TestClient.connect(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`);
});
afterAll(async () => {
  client?.close();
  await server?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

async function trainOneEpoch(sampleId: string, maxLength: number): Promise<{ dataset: DatasetSummary; run: RunDetail }> {
  const { dataset } = (await client.call('samples.open', { sampleId })) as { dataset: DatasetSummary };
  const base = { kind: 'scratch', size: 'tiny' } as const;
  const estimate = (await client.call('runs.estimate', { datasetId: dataset.id, base })) as Estimate;
  const settings = { ...estimate.presets[0].settings, epochs: 1, maxLength };
  const started = (await client.call('runs.start', { datasetId: dataset.id, base, settings })) as RunSummary;
  for (let i = 0; i < 800; i++) {
    const run = (await client.call('runs.get', { runId: started.id })) as RunDetail;
    if (['completed', 'failed', 'cancelled'].includes(run.status)) return { dataset, run };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('training did not finish in time');
}

describe('question answering through the API', () => {
  it('trains, evaluates with highlighted spans, and answers a question', async () => {
    const { run } = await trainOneEpoch('wnut17-questions', 64);
    expect(run.status).toBe('completed');
    expect(client.events.some((e) => e.event === 'run.progress')).toBe(true);
    expect(client.events.some((e) => e.event === 'run.evaluation')).toBe(true);
    const ev = (await client.call('evaluation.get', { runId: run.id, split: 'validation' })) as Evaluation;
    expect(ev.task).toBe('qa');
    expect(ev.headline.sentence).toMatch(/^Finds exactly the right answer for \d+% of the \d+ validation questions/);
    expect(Object.keys(ev.metrics)).toEqual(expect.arrayContaining(['exact_match', 'f1']));
    const worst = ev.worst[0];
    expect(worst.question).toBeTruthy();
    expect(worst.goldSpans?.[0].end).toBeGreaterThan(worst.goldSpans?.[0].start ?? 0);
    const context = 'The Panthers defense gave up just 308 points, ranking sixth in the league.';
    const p = (await client.call('predict.run', { runId: run.id, question: 'How many points did the defense give up?', context })) as Prediction;
    expect(p.task).toBe('qa');
    if (p.answer) expect(context.slice(p.answer.start, p.answer.end)).toBe(p.answer.text);
    await expect(client.call('predict.run', { runId: run.id, text: 'no question' })).rejects.toMatchObject({ code: 'invalid_request' });
  }, 240_000);
});

describe('intent detection through the API', () => {
  it('trains, shows per-intent scores and a confusion matrix, lists a cell, predicts, exports int8', async () => {
    const { run } = await trainOneEpoch('banking77-intents', 64);
    expect(run.status).toBe('completed');
    const ev = (await client.call('evaluation.get', { runId: run.id })) as Evaluation;
    expect(ev.headline.sentence).toMatch(/^Recognises the right intent for \d+% of the \d+ test messages\./);
    expect(ev.perClass).toHaveLength(10);
    expect(ev.confusion?.matrix).toHaveLength(10);
    const i = ev.confusion!.matrix.findIndex((row) => row.some((v) => v > 0));
    const j = ev.confusion!.matrix[i].findIndex((v) => v > 0);
    const cell = (await client.call('evaluation.cell', { runId: run.id, gold: ev.confusion!.labels[i], predicted: ev.confusion!.labels[j] })) as unknown[];
    expect(cell).toHaveLength(ev.confusion!.matrix[i][j]);
    const p = (await client.call('predict.run', { runId: run.id, text: 'I lost my card yesterday' })) as Prediction;
    expect(p.labels?.[0].probability).toBeGreaterThan(0);

    const job = (await client.call('export.start', { runId: run.id, formats: ['onnx-int8'] })) as ExportJob;
    for (let k = 0; k < 600 && !client.events.some((e) => e.event === 'export.progress' && (e.data as { jobId: string; done: boolean }).jobId === job.jobId && (e.data as { done: boolean }).done); k++) await new Promise((r) => setTimeout(r, 100));
    const last = client.events.filter((e) => e.event === 'export.progress').at(-1)?.data as { error?: string; artifacts?: { path: string; verified: boolean }[] };
    expect(last.error).toBeUndefined();
    expect(last.artifacts?.[0].path.endsWith('.onnx')).toBe(true);
    expect(fs.existsSync(last.artifacts![0].path)).toBe(true);
    const listed = (await client.call('export.list', { runId: run.id })) as { format: string }[];
    expect(listed.map((a) => a.format)).toEqual(['onnx-int8']);
  }, 240_000);
});

describe('training control through the API', () => {
  async function waitFor(runId: number, statuses: string[]): Promise<RunDetail> {
    for (let i = 0; i < 600; i++) {
      const run = (await client.call('runs.get', { runId })) as RunDetail;
      if (statuses.includes(run.status)) return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${runId} never reached ${statuses.join('/')}`);
  }

  it('pauses, resumes and cancels a run, and refuses to evaluate an unfinished one', async () => {
    const projects = (await client.call('projects.list', {})) as { id: number }[];
    const datasets = (await client.call('datasets.list', { projectId: projects[0].id })) as DatasetSummary[];
    const base = { kind: 'scratch', size: 'tiny' } as const;
    const estimate = (await client.call('runs.estimate', { datasetId: datasets[0].id, base })) as Estimate;
    const settings = { ...estimate.presets[0].settings, epochs: 3, maxLength: 64 };

    const a = (await client.call('runs.start', { datasetId: datasets[0].id, base, settings })) as RunSummary;
    await client.call('runs.pause', { runId: a.id });
    const paused = await waitFor(a.id, ['paused']);
    expect(paused.status).toBe('paused');
    await expect(client.call('evaluation.get', { runId: a.id })).rejects.toMatchObject({ code: 'conflict' });
    await client.call('runs.resume', { runId: a.id });
    await client.call('runs.cancel', { runId: a.id });
    const cancelled = await waitFor(a.id, ['cancelled', 'completed', 'failed']);
    expect(cancelled.status).toBe('cancelled');
    await expect(client.call('runs.cancel', { runId: a.id })).rejects.toMatchObject({ code: 'conflict' });
    expect(client.events.some((e) => e.event === 'run.status' && (e.data as RunSummary).id === a.id && (e.data as RunSummary).status === 'paused')).toBe(true);
  }, 120_000);
});
