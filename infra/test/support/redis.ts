import { Redis } from 'ioredis';

/**
 * An ioredis client connected to `url`, for test set-up and clean-up. Rejects when no Redis
 * answers within `timeoutMs` (no reconnection attempts: a missing server fails at once).
 */
export async function connectRedis(url: string, timeoutMs = 2000): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  client.on('error', () => {
    // surfaced by the failing connect or command
  });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (e) {
    client.disconnect();
    throw new Error(`no Redis at ${url}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Every key matching `pattern` (SCAN over the whole keyspace). */
export async function keysMatching(client: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out;
}

/** Delete every key matching `pattern` (SCAN + DEL); returns how many were deleted. */
export async function deleteMatching(client: Redis, pattern: string): Promise<number> {
  const keys = await keysMatching(client, pattern);
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 500) deleted += await client.del(...keys.slice(i, i + 500));
  return deleted;
}
