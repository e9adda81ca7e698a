/**
 * `bert-studio demo`, headless: what a new user does in the app with "Try a sample" and a tiny
 * model from scratch — open the sample, train, evaluate, export ONNX — through the same API the
 * window uses, so the demo proves the app's path and not a parallel one.
 */
import type { EventData, ParamsOf, ResultOf, CommandName } from './contract.ts';
import { dispatch } from './dispatch.ts';
import { ApiFailure } from './errors.ts';
import { createApi } from './services/index.ts';

export interface DemoOptions {
  home: string;
  sampleId?: string;
  epochs?: number;
  /** One line per stage, for the terminal. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

export interface DemoResult {
  projectId: number;
  runId: number;
  headline: string;
  onnx: string;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const say = opts.onLine ?? (() => undefined);
  const api = await createApi({ home: opts.home, mode: 'browser' });
  const call = async <C extends CommandName>(method: C, params: ParamsOf<C>): Promise<ResultOf<C>> => {
    const r = await dispatch(api.handlers, 0, method, params, { caller: 'demo' });
    if ('error' in r) throw new ApiFailure(r.error.code, r.error.message, r.error.details);
    return r.result as ResultOf<C>;
  };
  try {
    const sampleId = opts.sampleId ?? 'banking77';
    say(`Opening the ${sampleId} sample…`);
    const { project, dataset } = await call('samples.open', { sampleId });
    say(`Project "${project.name}": ${dataset.rows} rows, ${dataset.labels.length} labels.`);
    const base = { kind: 'scratch', size: 'tiny' } as const;
    const estimate = await call('runs.estimate', { datasetId: dataset.id, base });
    const quick = estimate.presets[0];
    const settings = { ...quick.settings, ...(opts.epochs ? { epochs: opts.epochs } : {}) };
    // One sentence per fact: the device line is a sentence of its own (it ends with its own period).
    say(`Training a tiny model from scratch (much weaker than a pretrained one): up to ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}, about ${Math.round(quick.seconds)} s.`);
    say(estimate.device);

    const finished = new Promise<EventData<'run.status'>>((resolve, reject) => {
      let runId = -1;
      api.events.subscribe((event, data) => {
        if (event === 'run.evaluation') {
          const e = data as EventData<'run.evaluation'>;
          say(`  epoch ${e.epoch.toFixed(1)}: ${e.monitored} ${(e.metrics[e.monitored] ?? NaN).toFixed(4)}${e.isBest ? ' (best so far)' : ''}`);
        }
        if (event === 'run.status') {
          const s = data as EventData<'run.status'>;
          if (s.id === runId && ['completed', 'failed', 'cancelled'].includes(s.status)) resolve(s);
        }
      });
      void call('runs.start', { datasetId: dataset.id, base, settings }).then(async (r) => {
        runId = r.id;
        opts.signal?.addEventListener('abort', () => void call('runs.cancel', { runId }).catch(() => undefined), { once: true });
        // In case the run ended before its id was known here (its status event then went unmatched).
        const now = await call('runs.get', { runId });
        if (['completed', 'failed', 'cancelled'].includes(now.status)) resolve(now);
      }, reject);
    });
    const run = await finished;
    if (run.status !== 'completed') throw new ApiFailure('data_error', `Training ${run.status}${run.error ? `: ${run.error}` : '.'}`);

    const evaluation = await call('evaluation.get', { runId: run.id });
    say(evaluation.headline.sentence);

    const job = await call('export.start', { runId: run.id, formats: ['onnx'] });
    const done = await new Promise<EventData<'export.progress'>>((resolve) =>
      api.events.subscribe((event, data) => {
        const p = data as EventData<'export.progress'>;
        if (event === 'export.progress' && p.jobId === job.jobId && p.done) resolve(p);
      }),
    );
    const onnx = done.artifacts?.[0];
    if (done.error || !onnx) throw new ApiFailure('data_error', `The export failed: ${done.error ?? 'no file was written'}`);
    // The caller prints the result (the exported file) once; the headline was said above.
    return { projectId: project.id, runId: run.id, headline: evaluation.headline.sentence, onnx: onnx.path };
  } finally {
    await api.close();
  }
}
