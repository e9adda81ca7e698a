/**
 * Failed logins per client address: after `maxFailures` within `windowMs`, every request from
 * that address is refused (429) until the window has passed since its last failure, so guessing
 * tokens costs a window per few tries. Successful requests do not reset the count: a stolen
 * token must not let someone probe for others from the same address.
 */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until this address may try again, or 0 when it may now. */
  blockedFor(address: string): number {
    const recent = this.#recent(address);
    if (recent.length < this.maxFailures) return 0;
    const last = recent[recent.length - 1] ?? 0;
    return Math.max(1, Math.ceil((last + this.windowMs - this.now()) / 1000));
  }

  fail(address: string): void {
    const recent = this.#recent(address);
    recent.push(this.now());
    this.#failures.set(address, recent);
    // Bounded memory under a flood of addresses: forget the oldest entries past 10,000.
    if (this.#failures.size > 10_000) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  #recent(address: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const kept = (this.#failures.get(address) ?? []).filter((t) => t > cutoff);
    if (kept.length === 0) this.#failures.delete(address);
    return kept;
  }
}
