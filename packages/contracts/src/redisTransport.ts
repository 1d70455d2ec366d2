import type { Redis } from 'ioredis';
import { BaseTransport } from './baseTransport.js';
import type { QueuedItem } from './publishQueue.js';
import type {
  MessageHandler,
  SubscribeOptions,
  Subscription,
  TransportOptions,
} from './transport.js';

export interface RedisTransportOptions extends TransportOptions {
  /** XREAD BLOCK timeout of each subscription loop, ms (default 1000). */
  readonly blockMs?: number;
}

/** Field under which the encoded envelope is stored in each stream entry. */
export const STREAM_FIELD = 'm';

type XReadReply = [stream: string, entries: [id: string, fields: string[]][]][] | null;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Transport over Redis streams: publishes with pipelined `XADD key MAXLEN ~ n * m <json>` from
 * the publish queue; each subscription runs an `XREAD BLOCK` loop on its own connection.
 * Reconnection is ioredis's; a failed read is retried after a short pause.
 */
export class RedisTransport extends BaseTransport {
  readonly kind = 'redis' as const;
  private readonly subs = new Set<{ stop(): Promise<void> }>();
  private readonly blockMs: number;

  /** Takes ownership of `client` (closed by `close`). */
  constructor(
    private readonly client: Redis,
    options: RedisTransportOptions = {},
  ) {
    super(options);
    this.blockMs = options.blockMs ?? 1000;
  }

  protected async writeBatch(batch: readonly QueuedItem[]): Promise<void> {
    const pipeline = this.client.pipeline();
    for (const item of batch) {
      pipeline.xadd(item.stream, 'MAXLEN', '~', this.maxStreamLength, '*', STREAM_FIELD, item.raw);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err !== null);
    if (failed) throw failed[0];
  }

  subscribe(stream: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    const reader = this.client.duplicate();
    reader.on('error', () => {
      // ioredis reconnects; the read loop retries
    });
    let stopped = false;
    let lastId = '0-0';
    const ready = (async () => {
      if (options.from === 'start') return;
      const last = (await reader.call('XREVRANGE', [stream, '+', '-', 'COUNT', 1])) as
        | [string, string[]][]
        | null;
      lastId = last?.[0]?.[0] ?? '0-0';
    })();
    const loop = (async () => {
      try {
        await ready;
      } catch {
        // the loop below retries
      }
      while (!stopped) {
        try {
          const reply = (await reader.call('XREAD', [
            'COUNT',
            500,
            'BLOCK',
            this.blockMs,
            'STREAMS',
            stream,
            lastId,
          ])) as XReadReply;
          for (const [, entries] of reply ?? []) {
            for (const [id, fields] of entries) {
              lastId = id;
              if (stopped) return;
              this.receive(stream, id, fieldValue(fields), handler);
            }
          }
        } catch {
          if (!stopped) await sleep(100);
        }
      }
    })();
    const sub = {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        reader.disconnect();
        await loop;
        this.subs.delete(sub);
      },
    };
    this.subs.add(sub);
    return { ready, unsubscribe: sub.stop };
  }

  async close(): Promise<void> {
    await this.flush();
    await Promise.all([...this.subs].map((s) => s.stop()));
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

/** The envelope field of a stream entry; a missing field yields '' (rejected as invalid JSON). */
function fieldValue(fields: string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === STREAM_FIELD) return fields[i + 1] ?? '';
  }
  return '';
}
