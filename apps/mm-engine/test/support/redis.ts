import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { VenueFill } from '../../src/venues/Venue.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh client; throws a clear error when no Redis server answers. */
export async function requireRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    protocol: 2,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (e) {
    client.disconnect();
    throw new Error(
      `Redis integration tests need a running Redis at ${REDIS_URL} (${String(e)}). ` +
        'Install and start it: apt-get install -y redis-server && redis-server --daemonize yes',
    );
  }
}

/** A fresh prefix per test: `test:<uuid>`. */
export const uniquePrefix = () => `test:${randomUUID()}`;

/** Deletes every key under `mm:{prefix}:` (and `mm:{prefix}` itself). */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `mm:${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== '0');
}

/** A valid fill; override any field. */
export function makeFill(overrides: Partial<VenueFill> = {}): VenueFill {
  return {
    fillId: 'f1',
    venue: 'sim',
    asset: 'BTC',
    clientOrderId: 'c1',
    side: 'buy',
    price: 100,
    sizeBase: 0.5,
    role: 'maker',
    feeQuote: 0.01,
    tsMs: 1_700_000_000_000,
    ...overrides,
  };
}

/** `n` distinct valid fills `f0..f{n-1}` on `venue`, one millisecond apart. */
export function makeFills(n: number, venue = 'sim', startMs = 1_700_000_000_000): VenueFill[] {
  return Array.from({ length: n }, (_, i) =>
    makeFill({
      fillId: `f${i}`,
      venue,
      side: i % 3 === 0 ? 'sell' : 'buy',
      price: 100 + i,
      sizeBase: 0.1 * (1 + (i % 4)),
      tsMs: startMs + i,
    }),
  );
}
