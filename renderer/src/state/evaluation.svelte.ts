import type { BaselineExport, EvalExample, Evaluation, RunDetail, SplitName } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { Latest } from '../lib/latest.ts';
import { messageOf } from '../lib/format.ts';

/** The evaluation of a finished run, and the examples behind one confusion-matrix cell. */
export class EvaluationState {
  #evaluation = $state<Evaluation | null>(null);
  /** The evaluated run: which model, and the device it trained on. */
  #run = $state<RunDetail | null>(null);
  #split = $state<SplitName>('test');
  #cell = $state<{ gold: string; predicted: string; examples: EvalExample[] } | null>(null);
  #loading = $state(false);
  #error = $state<string | null>(null);
  #baselineExport = $state<{ busy: boolean; result: BaselineExport | null; error: string | null }>({ busy: false, result: null, error: null });
  readonly #latest = new Latest();
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  get evaluation(): Evaluation | null {
    return this.#evaluation;
  }
  get run(): RunDetail | null {
    return this.#run;
  }
  get split(): SplitName {
    return this.#split;
  }
  get cell(): { gold: string; predicted: string; examples: EvalExample[] } | null {
    return this.#cell;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): string | null {
    return this.#error;
  }
  /** The run's keyword baseline exported to ONNX (issue 15): under way, done (where, how checked), or why not. */
  get baselineExport(): { busy: boolean; result: BaselineExport | null; error: string | null } {
    return this.#baselineExport;
  }

  /** The largest cell value, to scale the heat map. */
  maxCell = $derived(this.#evaluation?.confusion ? Math.max(1, ...this.#evaluation.confusion.matrix.flat()) : 1);

  async load(runId: number, split: SplitName = this.#split): Promise<void> {
    this.#split = split;
    this.#cell = null;
    this.#loading = true;
    try {
      const r = await this.#latest.run(async () => {
        const [run, evaluation] = await Promise.all([this.#client.call('runs.get', { runId }), this.#client.call('evaluation.get', { runId, split })]);
        return { run, evaluation };
      });
      if (r) {
        this.#run = r.run;
        this.#evaluation = r.evaluation;
        this.#error = null;
      }
    } catch (err) {
      this.#error = messageOf(err);
    } finally {
      this.#loading = false;
    }
  }

  async exportBaseline(runId: number): Promise<void> {
    this.#baselineExport = { busy: true, result: null, error: null };
    try {
      this.#baselineExport = { busy: false, result: await this.#client.call('export.baseline', { runId }), error: null };
    } catch (err) {
      this.#baselineExport = { busy: false, result: null, error: messageOf(err) };
    }
  }

  async openCell(runId: number, gold: string, predicted: string): Promise<void> {
    try {
      const examples = await this.#client.call('evaluation.cell', { runId, split: this.#split, gold, predicted, limit: 50 });
      this.#cell = { gold, predicted, examples };
    } catch (err) {
      this.#error = messageOf(err);
    }
  }
}
