import type { MetricPoint, RunDetail } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { Latest } from '../lib/latest.ts';
import { messageOf } from '../lib/format.ts';

export interface RunColumn {
  run: RunDetail;
  metrics: MetricPoint[];
}

/** All runs of a project side by side: settings, final metrics and curves. */
export class HistoryState {
  #columns = $state<RunColumn[]>([]);
  #error = $state<string | null>(null);
  #loading = $state(false);
  readonly #latest = new Latest();
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  get columns(): RunColumn[] {
    return this.#columns;
  }
  get error(): string | null {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }

  /** Names of validation metrics present in any run, for the comparison table. */
  metricNames = $derived(
    this.#columns
      .flatMap((c) => c.metrics.filter((m) => m.split === 'validation' && !m.name.startsWith('final_')).map((m) => m.name))
      .filter((n, i, all) => all.indexOf(n) === i)
      .sort(),
  );

  async load(projectId: number): Promise<void> {
    this.#loading = true;
    try {
      const cols = await this.#latest.run(async () => {
        const runs = await this.#client.call('runs.list', { projectId });
        return Promise.all(
          runs.slice(0, 8).map(async (r) => ({ run: await this.#client.call('runs.get', { runId: r.id }), metrics: await this.#client.call('runs.metrics', { runId: r.id }) })),
        );
      });
      if (cols) this.#columns = cols;
      this.#error = null;
    } catch (err) {
      this.#error = messageOf(err);
    } finally {
      this.#loading = false;
    }
  }

  /**
   * A run's validation value of a metric for the weights it kept: the trainer's `final_*` value
   * (best weights restored), else the last evaluation.
   */
  final(col: RunColumn, name: string): number | undefined {
    const v = col.metrics.filter((m) => m.split === 'validation');
    return v.find((m) => m.name === `final_${name}`)?.value ?? v.filter((m) => m.name === name).at(-1)?.value;
  }
}
