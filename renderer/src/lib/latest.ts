/**
 * Drops responses that arrive after the user moved on: each `run` supersedes the previous one,
 * and a superseded call resolves to `undefined` instead of overwriting newer state.
 */
export class Latest {
  #generation = 0;

  async run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    const mine = ++this.#generation;
    const result = await fn();
    return mine === this.#generation ? result : undefined;
  }

  /** Makes any call in flight stale (e.g. when the selected project changes). */
  invalidate(): void {
    this.#generation++;
  }
}
