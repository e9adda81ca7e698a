import type { MetricPoint, RunDetail, RunEvaluationPoint, RunPlan, RunProgress, RunSummary } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { Latest } from '../lib/latest.ts';
import { messageOf } from '../lib/format.ts';

export interface Point {
  step: number;
  value: number;
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * One run as it trains: the stored history (so reopening shows everything so far) plus the live
 * events. Points are appended by step; duplicates from the history/event overlap are skipped.
 */
export class TrainingState {
  #run = $state<RunDetail | null>(null);
  #progress = $state<RunProgress | null>(null);
  #evaluation = $state<RunEvaluationPoint | null>(null);
  #trainLoss = $state<Point[]>([]);
  #validLoss = $state<Point[]>([]);
  #validMetric = $state<Point[]>([]);
  #monitored = $state<string | null>(null);
  #bestStep = $state<number | null>(null);
  #error = $state<string | null>(null);
  /**
   * The last plan announced: it can arrive while open() waits for the run, whose stored copy may
   * predate it (a run just started), and must not be lost then.
   */
  #lastPlan: { runId: number; plan: RunPlan } | null = null;
  readonly #latest = new Latest();
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
    client.on('run.progress', (p) => this.#onProgress(p));
    client.on('run.evaluation', (e) => this.#onEvaluation(e));
    client.on('run.status', (r) => this.#onStatus(r));
    client.on('run.plan', (e) => {
      this.#lastPlan = e;
      if (this.#run && e.runId === this.#run.id) this.#run = { ...this.#run, plan: e.plan };
    });
    // Events sent while the connection was down are lost: read the run from the store again.
    client.onReconnect(() => {
      if (this.#run) void this.open(this.#run.id);
    });
  }

  get run(): RunDetail | null {
    return this.#run;
  }
  get progress(): RunProgress | null {
    return this.#progress;
  }
  get evaluation(): RunEvaluationPoint | null {
    return this.#evaluation;
  }
  get trainLoss(): Point[] {
    return this.#trainLoss;
  }
  get validLoss(): Point[] {
    return this.#validLoss;
  }
  get validMetric(): Point[] {
    return this.#validMetric;
  }
  get monitored(): string | null {
    return this.#monitored;
  }
  get bestStep(): number | null {
    return this.#bestStep;
  }
  get error(): string | null {
    return this.#error;
  }

  live = $derived(this.#run !== null && !FINAL.has(this.#run.status));
  finished = $derived(this.#run?.status === 'completed');

  async open(runId: number): Promise<void> {
    const r = await this.#latest.run(() => Promise.all([this.#client.call('runs.get', { runId }), this.#client.call('runs.metrics', { runId })]));
    if (!r) return;
    const [run, metrics] = r;
    const announced = this.#lastPlan?.runId === run.id ? this.#lastPlan.plan : undefined;
    this.#run = run.plan || !announced ? run : { ...run, plan: announced };
    this.#progress = run.progress ?? null;
    this.#evaluation = run.lastEvaluation ?? null;
    this.#monitored = run.lastEvaluation?.monitored ?? run.best?.name ?? null;
    this.#bestStep = run.bestStep ?? null;
    this.#fromHistory(metrics);
  }

  #fromHistory(metrics: MetricPoint[]): void {
    const by = (split: string, name: string) => metrics.filter((m) => m.split === split && m.name === name).map((m) => ({ step: m.step, value: m.value }));
    this.#trainLoss = by('train', 'loss');
    this.#validLoss = by('validation', 'loss');
    if (!this.#monitored) this.#monitored = metrics.find((m) => m.split === 'validation' && m.name !== 'loss')?.name ?? null;
    this.#validMetric = this.#monitored ? by('validation', this.#monitored) : [];
    if (this.#bestStep === null && this.#validMetric.length && this.#run?.best) {
      const best = this.#validMetric.find((p) => p.value === this.#run?.best?.value);
      this.#bestStep = best?.step ?? null;
    }
  }

  #onProgress(p: RunProgress): void {
    if (p.runId !== this.#run?.id) return;
    this.#progress = p;
    if (this.#run.status !== 'running' && this.#run.status !== 'paused') this.#run = { ...this.#run, status: 'running' };
    const last = this.#trainLoss.at(-1);
    if (!last || p.step > last.step) this.#trainLoss = [...this.#trainLoss, { step: p.step, value: p.loss }];
  }

  #onEvaluation(e: RunEvaluationPoint): void {
    if (e.runId !== this.#run?.id) return;
    this.#evaluation = e;
    this.#monitored = e.monitored;
    const value = e.metrics[e.monitored];
    const last = this.#validMetric.at(-1);
    if (value !== undefined && (!last || e.step > last.step)) this.#validMetric = [...this.#validMetric, { step: e.step, value }];
    const loss = e.metrics.loss;
    const lastLoss = this.#validLoss.at(-1);
    if (loss !== undefined && (!lastLoss || e.step > lastLoss.step)) this.#validLoss = [...this.#validLoss, { step: e.step, value: loss }];
    if (e.isBest) this.#bestStep = e.step;
  }

  #onStatus(r: RunSummary): void {
    if (r.id !== this.#run?.id) return;
    this.#run = { ...this.#run, ...r };
    // A finished run's final state (best metric, stop reason) is in the store: read it once.
    if (FINAL.has(r.status)) void this.open(r.id);
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    if (!this.#run) return;
    try {
      const r = await this.#client.call(`runs.${action}`, { runId: this.#run.id });
      this.#run = { ...this.#run, ...r };
      this.#error = null;
    } catch (err) {
      this.#error = messageOf(err);
    }
  }
}
