import { BaseTransport } from './baseTransport.js';
import type { QueuedItem } from './publishQueue.js';
import type {
  MessageHandler,
  SubscribeOptions,
  Subscription,
  TransportOptions,
} from './transport.js';

interface Entry {
  readonly id: string;
  readonly raw: string;
}

interface Stream {
  entries: Entry[];
  readonly handlers: Set<MessageHandler>;
}

/** In-memory transport with the Redis transport's semantics (single process only). */
export class InProcessTransport extends BaseTransport {
  readonly kind = 'in-process' as const;
  private readonly streams = new Map<string, Stream>();
  private seq = 0;
  private closed = false;

  constructor(options: TransportOptions = {}) {
    super(options);
  }

  /** Appends a raw string to a stream as if another process had published it (tests, replay). */
  appendRaw(stream: string, raw: string): void {
    this.writeBatch([{ stream, raw, enqueuedAt: performance.now() }]);
  }

  private streamOf(name: string): Stream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = { entries: [], handlers: new Set() };
      this.streams.set(name, s);
    }
    return s;
  }

  protected writeBatch(batch: readonly QueuedItem[]): Promise<void> {
    for (const item of batch) {
      const s = this.streamOf(item.stream);
      const entry = { id: `${Date.now()}-${this.seq++}`, raw: item.raw };
      s.entries.push(entry);
      if (s.entries.length > this.maxStreamLength * 2) {
        s.entries = s.entries.slice(-this.maxStreamLength);
      }
      for (const h of s.handlers) this.receive(item.stream, entry.id, entry.raw, h);
    }
    return Promise.resolve();
  }

  subscribe(stream: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    const s = this.streamOf(stream);
    if (!this.closed) {
      if (options.from === 'start') {
        for (const e of s.entries) this.receive(stream, e.id, e.raw, handler);
      }
      s.handlers.add(handler);
    }
    return {
      ready: Promise.resolve(),
      unsubscribe: () => {
        s.handlers.delete(handler);
        return Promise.resolve();
      },
    };
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    for (const s of this.streams.values()) s.handlers.clear();
  }
}
