import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseEngineConfig } from '@mm/config';
import { createLogger } from '@mm/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/Engine.js';
import { SimVenue } from '../../src/venues/sim/SimVenue.js';

/**
 * One asset in a Markov-switching market (calm sigma 0.02, storm 0.2 per sqrt(s), about one
 * switch a second), quoted with a regime model per regime. The engine's filter follows the true
 * regime (known to the simulated venue) and its quotes widen in the storm.
 */
describe('engine with volatility regimes (simulated Markov-switching market)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm-regime-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('follows the true regime and quotes wider in the storm', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _e, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    const model = (sigma: number) => ({ sigma, A: 2, k: 20, gamma: 1 });
    const config = parseEngineConfig({
      assets: [
        {
          symbol: 'X',
          lotSizeBase: 1,
          tickSize: 0.001,
          qMaxLots: 5,
          policy: 'exact',
          model: model(0.02),
          regime: {
            regimes: [
              { name: 'calm', model: model(0.02) },
              { name: 'storm', model: model(0.2) },
            ],
            generatorPerSec: [
              [-1, 1],
              [1, -1],
            ],
            switching: { threshold: 0.8, minDwellSec: 0.05 },
          },
        },
      ],
      venues: [
        { name: 'sim', kind: 'sim', seed: 3, bookIntervalMs: 10, initialMidPrice: { X: 100 } },
      ],
      risk: {
        positionLimitLots: 5,
        portfolioNotionalLimit: 1e6,
        maxOrdersPerSec: 500,
        staleDataTimeoutMs: 1000,
        priceBandBps: 500,
      },
      redis: { url: 'redis://127.0.0.1:1', connectTimeoutMs: 100, required: false },
      metrics: { enabled: false },
      ledger: { dir },
    });
    const engine = await Engine.start(config, {
      logger: createLogger({ name: 'mm-engine', level: 'info', destination }),
    });
    const venue = engine.venue('sim');
    expect(venue).toBeInstanceOf(SimVenue);
    const sim = venue as SimVenue;
    let agree = 0;
    let samples = 0;
    const spreads: Record<string, number[]> = { calm: [], storm: [] };
    try {
      const end = Date.now() + 5000;
      await new Promise((r) => setTimeout(r, 500)); // filter warm-up
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
        const a = engine.status().assets[0]!;
        const truth = sim.trueRegime('X') === 0 ? 'calm' : 'storm';
        samples++;
        if (a.regime === truth) agree++;
        const q = a.quotes[0];
        if (a.regime && q?.bid != null && q.ask != null) spreads[a.regime]!.push(q.ask - q.bid);
      }
    } finally {
      await engine.stop('test');
    }
    // The filter lags a switch by a few updates and the hysteresis by its dwell: most samples agree.
    expect(agree / samples).toBeGreaterThan(0.8);
    expect(lines.filter((l) => l.includes('regime switch')).length).toBeGreaterThanOrEqual(2);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(spreads.calm!.length).toBeGreaterThan(10);
    expect(spreads.storm!.length).toBeGreaterThan(10);
    expect(mean(spreads.storm!)).toBeGreaterThan(mean(spreads.calm!));
  }, 30_000);
});
