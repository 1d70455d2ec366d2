import type { FillLedger } from '../portfolio/FillLedger.js';
import { LedgerError } from '../portfolio/FillLedger.js';
import type { VenueFill } from '../venues/Venue.js';

/** What happened to one fill. */
export type FillOutcome =
  | { kind: 'applied'; fill: VenueFill }
  | { kind: 'duplicate'; fill: VenueFill }
  | { kind: 'invalid'; fill: VenueFill; error: LedgerError }
  /** Durable in the ledger, but `apply` threw: not retried (the ledger is fine), reported. */
  | { kind: 'applyFailed'; fill: VenueFill; error: Error };

export interface FillRecorderOptions {
  ledger: FillLedger;
  /** Called once a fill is durable (and only then): update inventory, orders, bus, metrics. */
  apply: (fill: VenueFill) => void;
  /** Every outcome, for logs and metrics. */
  onOutcome?: (outcome: FillOutcome) => void;
  /** The ledger is unreachable (`down`, with the error) or back (`up`): pull quotes meanwhile. */
  onLedgerHealth?: (health: { up: true } | { up: false; error: Error }) => void;
  /** Delay before the n-th consecutive retry of a failed append, ms (default 100 ms doubling to 5 s). */
  retryDelayMs?: (attempt: number) => number;
  /** Timer (tests may pass a fake one). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultDelay = (attempt: number) => Math.min(100 * 2 ** (attempt - 1), 5000);

/**
 * Records fills in arrival order: each is appended to the durable ledger before `apply` runs, and a
 * failed append is retried until it succeeds (the ledger's append is idempotent), so no fill is
 * lost or counted twice. While the ledger is down `onLedgerHealth` reports it so the engine pulls
 * its quotes; fills keep queuing in order.
 */
export class FillRecorder {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private down = false;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: FillRecorderOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Queue a fill; never throws. */
  record(fill: VenueFill): void {
    this.pending++;
    this.tail = this.tail
      .then(() => this.process(fill))
      // `process` rejects only when a caller's `onOutcome` throws: that must not stop later fills.
      .catch(() => {})
      .finally(() => this.pending--);
  }

  /** Fills queued and not yet durable. */
  get queued(): number {
    return this.pending;
  }

  /** Resolves once every fill queued so far is durable and applied. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async process(fill: VenueFill): Promise<void> {
    const delay = this.options.retryDelayMs ?? defaultDelay;
    for (let attempt = 1; ; attempt++) {
      let result: 'appended' | 'duplicate';
      try {
        result = await this.options.ledger.append(fill);
      } catch (e) {
        if (e instanceof LedgerError && e.code === 'INVALID_FILL') {
          this.options.onOutcome?.({ kind: 'invalid', fill, error: e });
          return;
        }
        this.health(false, e instanceof Error ? e : new Error(String(e)));
        await this.sleep(delay(attempt));
        continue;
      }
      this.health(true);
      if (result === 'duplicate') {
        this.options.onOutcome?.({ kind: 'duplicate', fill });
        return;
      }
      // The fill is durable: an error from here on is the caller's, not a ledger outage, so it
      // is reported once and never retried (a retry would find the fill a duplicate and drop it).
      try {
        this.options.apply(fill);
      } catch (e) {
        this.options.onOutcome?.({
          kind: 'applyFailed',
          fill,
          error: e instanceof Error ? e : new Error(String(e)),
        });
        return;
      }
      this.options.onOutcome?.({ kind: 'applied', fill });
      return;
    }
  }

  private health(up: boolean, error?: Error): void {
    if (up === !this.down) return;
    this.down = !up;
    this.options.onLedgerHealth?.(
      up ? { up: true } : { up: false, error: error ?? new Error('ledger down') },
    );
  }
}
