import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type EngineConfig, parseEngineConfig } from '@mm/config';
import { createLogger } from '@mm/telemetry';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/Engine.js';
import { metricValue, until } from '../support/e2e.js';
import { deletePrefix, REDIS_URL, requireRedis, uniquePrefix } from '../support/redis.js';

/*
 * The portfolio engine end to end (issue 10): the real Engine on the simulated venue in real
 * time, the real Redis (a unique prefix), metrics on a free port. Waits are on events (polled
 * state), with generous timeouts for a loaded machine.
 */

/** Error-level log lines (to check none was written) and every line's message and fields. */
function errorLogger() {
  const errors: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _e, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        const parsed = JSON.parse(line) as { level: number } & Record<string, unknown>;
        if (parsed.level >= 50) errors.push(line);
        lines.push(parsed);
      }
      cb();
    },
  });
  return { logger: createLogger({ name: 'mm-engine', level: 'info', destination }), errors, lines };
}

const RISK = {
  positionLimitLots: 10,
  portfolioNotionalLimit: 1e9,
  maxOrdersPerSec: 50,
  staleDataTimeoutMs: 2000,
  priceBandBps: 100,
};

describe('portfolio engine end to end', () => {
  let redis: Redis;
  let prefix: string;
  let dir: string;
  beforeAll(async () => {
    redis = await requireRedis();
    prefix = uniquePrefix();
    dir = await mkdtemp(join(tmpdir(), 'mm-portfolio-'));
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  const common = (name: string) => ({
    redis: { url: REDIS_URL, prefix: `${prefix}:${name}`, connectTimeoutMs: 2000 },
    metrics: { port: 0 },
    ledger: { dir: join(dir, name) },
    snapshotIntervalMs: 200,
  });

  it('the crossing BTC model, started at -10 lots: leaves the limit (|q| <= 7) without a stream of rejects', async () => {
    // sigma 6, A 0.5, k 0.111, gamma 0.002, qMax 10: its optimal bid is above the mid for q <= -8.
    const config: EngineConfig = parseEngineConfig({
      assets: [
        {
          symbol: 'BTC',
          lotSizeBase: 0.001,
          tickSize: 0.5,
          qMaxLots: 10,
          policy: 'exact',
          model: { sigma: 6, A: 0.5, k: 0.111, gamma: 0.002 },
        },
      ],
      venues: [
        {
          name: 'sim',
          kind: 'sim',
          seed: 3,
          latencyMs: 2,
          initialMidPrice: { BTC: 60_000 },
          initialPositionLots: { BTC: -10 },
        },
      ],
      risk: RISK,
      ...common('crossing'),
    });
    const { logger, errors, lines } = errorLogger();
    const engine = await Engine.start(config, { logger });
    const scrape = async () => (await fetch(`${engine.metricsUrl}/metrics`)).text();
    try {
      // The venue's position (empty ledger: initialPositionLots) is the starting inventory.
      expect(lines).toContainEqual(
        expect.objectContaining({ asset: 'BTC', ledgerLots: 0, venueLots: -10 }),
      );
      await until(
        async () =>
          Math.abs(metricValue(await scrape(), 'mm_inventory_lots', { asset: 'BTC' })) <= 7,
        30_000,
        'mm_inventory_lots{asset="BTC"} within 7 lots',
      );
      const text = await scrape();
      const rejected = metricValue(text, 'mm_orders_rejected_total', { asset: 'BTC' });
      // no stream of rejects (the defect was about 25 rejects per second)
      expect(Number.isNaN(rejected) ? 0 : rejected).toBeLessThanOrEqual(2);
    } finally {
      const report = await engine.stop('test');
      expect(report.leftoverOrders).toBe(0);
    }
    expect(errors).toEqual([]);
    const stoppedAt = engine.status().assets[0]!.inventoryLots;
    const filled = stoppedAt + 10; // what the session traded, all of it in the ledger

    // A restart continues where it stopped: the sim venue starts at -10 plus the ledger's fills,
    // the ledger explains all but the opening -10, which is adopted again.
    const again = errorLogger();
    const restarted = await Engine.start(config, { logger: again.logger });
    try {
      expect(again.lines).toContainEqual(
        expect.objectContaining({ asset: 'BTC', ledgerLots: filled, venueLots: stoppedAt }),
      );
    } finally {
      await restarted.stop('test');
    }
    expect(again.errors).toEqual([]);
  }, 120_000);

  /** BTC and ETH correlated 0.9, long 5 lots BTC, ETH flat: ETH's depths (bid, ask) from the mid. */
  async function ethDepths(model: 'multi' | 'independent') {
    const rho = [
      [1, 0.9],
      [0.9, 1],
    ];
    // sigma 0.05 per sqrt(s), A 0.05/s, k 10 per price unit, gamma 0.05 per unit of quote
    // currency (lot 1: model.gamma the same): multi skews ETH by about 10 ticks of 0.01.
    const asset = (symbol: string) => ({
      symbol,
      lotSizeBase: 1,
      tickSize: 0.01,
      qMaxLots: 10,
      policy: 'exact',
      model: { sigma: 0.05, A: 0.05, k: 10, gamma: 0.05 },
    });
    const config = parseEngineConfig({
      assets: [asset('BTC'), asset('ETH')],
      venues: [
        {
          name: 'sim',
          kind: 'sim',
          seed: 5,
          takerFeeBps: 2.5,
          correlation: rho,
          initialPositionLots: { BTC: 5 },
        },
      ],
      risk: RISK,
      portfolio: { model, gamma: 0.05, correlation: rho, hedging: { enabled: false } },
      ...common(model),
    });
    const { logger, errors } = errorLogger();
    const engine = await Engine.start(config, { logger });
    const bid: number[] = [];
    const ask: number[] = [];
    try {
      const eth = () => engine.status().assets.find((a) => a.asset === 'ETH')!;
      const btc = () => engine.status().assets.find((a) => a.asset === 'BTC')!;
      // 20 samples while ETH is flat and BTC long, both ETH sides resting
      await until(
        () => {
          const e = eth();
          const q = e.quotes[0];
          if (e.inventoryLots === 0 && btc().inventoryLots > 0 && q?.bid && q.ask) {
            bid.push(e.midPrice - q.bid);
            ask.push(q.ask - e.midPrice);
          }
          return bid.length >= 20;
        },
        60_000,
        '20 samples of ETH quotes while ETH is flat and BTC long',
      );
      // the status shows the book as one portfolio: its policy and q' Sigma q > 0 while long BTC
      const book = engine.status().portfolio;
      expect(book.model).toBe(model);
      if (btc().inventoryLots !== 0) expect(book.risk).toBeGreaterThan(0);
    } finally {
      await engine.stop('test');
    }
    expect(errors).toEqual([]);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    return { bid: mean(bid), ask: mean(ask) };
  }

  it("multi: ETH's ask is closer to the mid than its bid (by at least 2 ticks)", async () => {
    const d = await ethDepths('multi');
    expect(d.bid - d.ask).toBeGreaterThanOrEqual(0.02);
  }, 90_000);

  it("independent: ETH's quotes are symmetric within a tick", async () => {
    const d = await ethDepths('independent');
    expect(Math.abs(d.bid - d.ask)).toBeLessThanOrEqual(0.01);
  }, 90_000);
});
