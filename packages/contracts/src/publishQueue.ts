/** One queued write. */
export interface QueuedItem {
  readonly stream: string;
  readonly raw: string;
  /** `performance.now()` at enqueue, ms. */
  readonly enqueuedAt: number;
}

/** Writes a batch; resolves when written, rejects when the batch failed. */
export type BatchSink = (batch: readonly QueuedItem[]) => Promise<void>;

/**
 * Bounded FIFO drained asynchronously by one writer at a time; when full, the oldest item is
 * dropped and counted. `push` is O(1) amortized and never waits on I/O.
 */
export class PublishQueue {
  private items: QueuedItem[] = [];
  private head = 0;
  private draining = false;
  private scheduled = false;
  private waiters: (() => void)[] = [];
  dropped = 0;
  written = 0;
  failedBatches = 0;
  lastLagMs = 0;
  maxLagMs = 0;

  constructor(
    private readonly capacity: number,
    private readonly sink: BatchSink,
    private readonly batchSize = 500,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`queueCapacity: must be a positive integer, got ${capacity}`);
    }
  }

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: QueuedItem): void {
    if (this.length >= this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.items.push(item);
    this.schedule();
  }

  /** Resolves when the queue is empty and no batch is in flight. */
  flush(): Promise<void> {
    if (this.length === 0 && !this.draining) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    while (this.length > 0) {
      const end = Math.min(this.items.length, this.head + this.batchSize);
      const batch = this.items.slice(this.head, end);
      this.head = end;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      try {
        await this.sink(batch);
        this.written += batch.length;
        const lag = performance.now() - (batch[0]?.enqueuedAt ?? performance.now());
        this.lastLagMs = lag;
        if (lag > this.maxLagMs) this.maxLagMs = lag;
      } catch {
        this.failedBatches++;
      }
    }
    this.draining = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
