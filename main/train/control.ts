/**
 * Pause, resume and cancel for a running training job. The loop calls `checkpoint()` between
 * steps: it returns at once while running, waits while paused, and throws once cancelled.
 */
export class RunControl {
  private paused = false;
  private wake: (() => void) | undefined;
  private readonly controller = new AbortController();

  constructor(external?: AbortSignal) {
    if (external) {
      if (external.aborted) this.cancel();
      else external.addEventListener('abort', () => this.cancel(), { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isCancelled(): boolean {
    return this.controller.signal.aborted;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  cancel(): void {
    this.controller.abort(new CancelledError());
    this.resume();
  }

  /** Waits while paused; throws CancelledError when cancelled. `onPause` runs once per pause. */
  async checkpoint(onPause?: () => void): Promise<void> {
    if (this.isCancelled) throw new CancelledError();
    if (!this.paused) return;
    onPause?.();
    while (this.paused && !this.isCancelled) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.isCancelled) throw new CancelledError();
  }
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('Training was cancelled.');
  }
}
