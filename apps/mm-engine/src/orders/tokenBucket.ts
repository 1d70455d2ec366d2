/**
 * A token bucket: `ratePerSec` tokens per second accumulate up to `capacity`; one venue call
 * spends one token. Over any window of `w` seconds at most `capacity + ratePerSec * w` tokens are
 * spent. Pure: the caller passes the clock (`nowMs`, milliseconds).
 */
export class TokenBucket {
  readonly ratePerSec: number;
  readonly capacity: number;
  private tokens: number;
  private lastMs: number;

  /** Starts full at `nowMs`. */
  constructor(ratePerSec: number, capacity: number, nowMs: number) {
    if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec))
      throw new RangeError(`ratePerSec must be finite and > 0, got ${ratePerSec}`);
    if (!(capacity >= 1) || !Number.isFinite(capacity))
      throw new RangeError(`capacity must be finite and >= 1, got ${capacity}`);
    if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be finite, got ${nowMs}`);
    this.ratePerSec = ratePerSec;
    this.capacity = capacity;
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(
        this.capacity,
        this.tokens + ((nowMs - this.lastMs) / 1000) * this.ratePerSec,
      );
      this.lastMs = nowMs;
    }
  }

  /** Tokens available at `nowMs` (negative after `forceTake`). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Spend one token if one is available. */
  tryTake(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }

  /** Spend one token even when none is available (the balance may go negative). */
  forceTake(nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= 1;
  }

  /** Give back a token taken but not used. */
  refund(): void {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }

  /** Milliseconds until one token is available (0 when one is), rounded up to a whole ms. */
  msUntilToken(nowMs: number): number {
    this.refill(nowMs);
    if (this.tokens >= 1 - 1e-9) return 0;
    return Math.max(1, Math.ceil(((1 - this.tokens) / this.ratePerSec) * 1000));
  }
}
