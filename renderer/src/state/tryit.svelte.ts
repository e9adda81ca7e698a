import type { Prediction, TaskKind } from '../../../main/api/contract.ts';
import type { ApiClient } from '../lib/client.ts';
import { Latest } from '../lib/latest.ts';
import { messageOf } from '../lib/format.ts';

/** "Try it": one input, one prediction; typing more makes older answers stale. */
export class TryState {
  #task = $state<TaskKind | null>(null);
  #text = $state('');
  #question = $state('');
  #context = $state('');
  #prediction = $state<Prediction | null>(null);
  #shown = $state<{ text: string; context: string }>({ text: '', context: '' });
  #busy = $state(false);
  #error = $state<string | null>(null);
  readonly #latest = new Latest();
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  /** The task of the run being tried (QA needs a question and a context). */
  get task(): TaskKind | null {
    return this.#task;
  }
  get text(): string {
    return this.#text;
  }
  set text(v: string) {
    this.#text = v;
  }
  get question(): string {
    return this.#question;
  }
  set question(v: string) {
    this.#question = v;
  }
  get context(): string {
    return this.#context;
  }
  set context(v: string) {
    this.#context = v;
  }
  get prediction(): Prediction | null {
    return this.#prediction;
  }
  /** The input the shown prediction belongs to (highlights are offsets into it). */
  get shown(): { text: string; context: string } {
    return this.#shown;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }

  async load(runId: number): Promise<void> {
    try {
      const run = await this.#latest.run(() => this.#client.call('runs.get', { runId }));
      if (run) this.#task = run.task;
    } catch (err) {
      this.#error = messageOf(err);
    }
  }

  async predict(runId: number): Promise<void> {
    const task = this.#task;
    if (!task) return;
    const input = task === 'qa' ? { question: this.#question, context: this.#context } : { text: this.#text };
    this.#busy = true;
    try {
      const p = await this.#latest.run(() => this.#client.call('predict.run', { runId, ...input }));
      if (p) {
        this.#prediction = p;
        this.#shown = { text: this.#text, context: this.#context };
        this.#error = null;
      }
    } catch (err) {
      this.#error = messageOf(err);
    } finally {
      this.#busy = false;
    }
  }
}
