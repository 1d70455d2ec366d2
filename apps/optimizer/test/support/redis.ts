import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh client; throws a clear error when no Redis server answers. */
export async function requireRedis(): Promise<Redis> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
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

/** A fresh deployment prefix per test: `test:<uuid>` (keys `mm:test:<uuid>:...`). */
export const uniquePrefix = () => `test:${randomUUID()}`;

/** Every key under `mm:{prefix}:` (BullMQ's included). */
export async function keysOf(client: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `mm:${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** Deletes every key under `mm:{prefix}:`. */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  const keys = await keysOf(client, prefix);
  for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `predicate` every 20 ms; rejects naming `what` after `timeoutMs`. */
export async function until(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
