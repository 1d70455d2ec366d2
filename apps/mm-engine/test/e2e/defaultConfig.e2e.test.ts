import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../src/config/engineConfigSchema.js';
import { loadEngineConfig } from '../../src/config/loadEngineConfig.js';
import { Engine } from '../../src/engine/Engine.js';
import { createLogger } from '../../src/engine/logger.js';
import { deletePrefix, requireRedis, uniquePrefix } from '../support/redis.js';

const DEFAULT_CONFIG = fileURLToPath(new URL('../../../../config/default.yaml', import.meta.url));

/**
 * The shipped default config (`pnpm start`), run for a while as it is, except for what a test
 * must not share with a user's running system: a unique Redis prefix, a free metrics port and a
 * temp ledger directory.
 */
describe('the default config (config/default.yaml) for a while', () => {
  let redis: Redis;
  let prefix: string;
  let dir: string;
  beforeAll(async () => {
    redis = await requireRedis();
    prefix = uniquePrefix();
    dir = await mkdtemp(join(tmpdir(), 'mm-default-'));
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('quotes all three assets on both venues inside the band, fills within the limits, and stops flat', async () => {
    const shipped = await loadEngineConfig(DEFAULT_CONFIG);
    const config = parseEngineConfig({
      ...shipped,
      redis: { ...shipped.redis, prefix },
      metrics: { ...shipped.metrics, port: 0 },
      ledger: { ...shipped.ledger, dir },
    });
    const warnings: string[] = [];
    const destination = new Writable({
      write(chunk, _e, cb) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          if ((JSON.parse(line) as { level: number }).level >= 50) warnings.push(line);
        }
        cb();
      },
    });
    const engine = await Engine.start(config, {
      logger: createLogger({ level: 'info', destination }),
    });
    let maxAbsInventory = 0;
    let quotedSamples = 0;
    let samples = 0;
    try {
      expect(engine.status().assets.map((a) => a.asset)).toEqual(['BTC', 'ETH', 'SOL']);
      const end = Date.now() + 8000;
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
        const s = engine.status();
        samples++;
        let allQuoted = true;
        for (const a of s.assets) {
          maxAbsInventory = Math.max(maxAbsInventory, Math.abs(a.inventoryLots));
          for (const q of a.quotes) {
            if (q.bid === null && q.ask === null) allQuoted = false;
            for (const price of [q.bid, q.ask]) {
              if (price === null || !Number.isFinite(a.midPrice)) continue;
              // inside the configured price band around the mid
              const bps = (Math.abs(price - a.midPrice) / a.midPrice) * 1e4;
              expect(bps).toBeLessThanOrEqual(config.risk.priceBandBps);
            }
          }
        }
        if (allQuoted && s.assets.every((a) => a.quotes.length === 2)) quotedSamples++;
      }
      // Fills at the default intensities: about 0.7 per second per asset over both venues.
      expect(engine.status().fills).toBeGreaterThan(3);
    } finally {
      const report = await engine.stop('test');
      expect(report.leftoverOrders).toBe(0);
    }
    expect(quotedSamples / samples).toBeGreaterThan(0.9);
    expect(maxAbsInventory).toBeLessThanOrEqual(config.risk.positionLimitLots + 1);
    expect(warnings).toEqual([]); // no error-level log line
  }, 40_000);
});
