import { Redis } from 'ioredis';
import type { EngineConfig } from '../config/engineConfigSchema.js';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import { FailoverFillLedger, ledgerRedisOptions } from '../portfolio/FailoverFillLedger.js';
import { FileFillLedger } from '../portfolio/FileFillLedger.js';
import type { FillLedger } from '../portfolio/FillLedger.js';
import { RedisFillLedger } from '../portfolio/RedisFillLedger.js';
import type { Logger } from './logger.js';

/**
 * The embedded ledger's file name for a deployment prefix: letters, digits, `.` and `-` kept,
 * every other character (`:` of `test:uuid`, and `_` itself) escaped as `_xx` (hex), so distinct
 * prefixes never share a file.
 */
export function ledgerFileName(prefix: string): string {
  return prefix.replace(
    /[^A-Za-z0-9.-]/g,
    (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** An open fill ledger and the Redis client it owns (disconnect it after closing the ledger). */
export interface OpenedFillLedger {
  ledger: FillLedger;
  client: Redis | undefined;
}

/**
 * The engine's fill ledger. Without Redis: a local fsynced file. With Redis: the Redis stream,
 * failing over to a local backlog file while Redis is unreachable (quoting goes on; the backlog is
 * synced to Redis when it is back), on its own client that fails fast while disconnected.
 */
export async function openFillLedger(
  config: Pick<EngineConfig, 'redis' | 'ledger'>,
  options: { redis: boolean; metrics: EngineMetrics; log: Logger },
): Promise<OpenedFillLedger> {
  const { metrics, log } = options;
  const onSkipped = (r: { code: string; at: string; message: string }) =>
    log.error(r, 'ledger record skipped on load');
  const name = ledgerFileName(config.redis.prefix);
  if (!options.redis) {
    const ledger = await FileFillLedger.open({ dir: config.ledger.dir, name, onSkipped });
    return { ledger, client: undefined };
  }
  const client = new Redis(config.redis.url, ledgerRedisOptions());
  client.on('error', (e) => log.debug({ err: e.message }, 'ledger client error'));
  try {
    await client.connect();
    const primary = new RedisFillLedger(client, {
      prefix: config.redis.prefix,
      onSkipped,
      ownsClient: false,
    });
    const backlog = await FileFillLedger.open({
      dir: config.ledger.dir,
      name: `${name}.redis-backlog`,
      onSkipped,
    });
    const ledger = new FailoverFillLedger(primary, backlog, {
      onStateChange: (state, detail) => {
        metrics.ledgerDegraded.set(state === 'degraded' ? 1 : 0);
        const fields = {
          state,
          reason: detail.reason,
          pendingSync: detail.pendingSync,
          err: detail.error?.message,
        };
        if (state === 'degraded')
          log.error(fields, 'fill ledger: Redis unavailable, fills go to the local backlog file');
        else log.warn(fields, 'fill ledger: backlog synced to Redis');
      },
    });
    return { ledger, client };
  } catch (e) {
    client.disconnect();
    throw e;
  }
}
