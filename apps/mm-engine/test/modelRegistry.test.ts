import { parseEngineConfig } from '@mm/config';
import type { ParamsMessage } from '@mm/contracts';
import type { MarketState } from '@mm/hjb-core';
import { createLogger } from '@mm/telemetry';
import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/engine/modelRegistry.js';
import { policyFromConfig } from '../src/engine/policyFromConfig.js';
import { createEngineMetrics, type EngineMetrics } from '../src/metrics/engineMetrics.js';

const NOW = 1_800_000_000_000;
const configured = { A: 1, k: 2, sigma: 0.1, gamma: 0.5 };
const calm = { A: 1.5, k: 3, sigma: 0.1, gamma: 0.5 };
const storm = { A: 0.8, k: 1.5, sigma: 0.5, gamma: 0.5 };
const config = parseEngineConfig({
  assets: [
    {
      symbol: 'X',
      lotSizeBase: 1,
      tickSize: 0.01,
      qMaxLots: 10,
      policy: 'exact',
      model: configured,
    },
    {
      symbol: 'R',
      lotSizeBase: 1,
      tickSize: 0.01,
      qMaxLots: 10,
      policy: 'exact',
      model: configured,
      regime: {
        regimes: [
          { name: 'calm', model: calm },
          { name: 'storm', model: storm },
        ],
        generatorPerSec: [
          [-0.1, 0.1],
          [0.2, -0.2],
        ],
      },
    },
  ],
  venues: [{ name: 'sim', kind: 'sim' }],
  risk: {
    positionLimitLots: 8,
    portfolioNotionalLimit: 1e6,
    maxOrdersPerSec: 10,
    staleDataTimeoutMs: 1000,
    priceBandBps: 100,
  },
});

function registry() {
  const metrics = createEngineMetrics();
  const models = new ModelRegistry({
    config,
    feedVenueOf: () => 'sim',
    metrics,
    log: createLogger({ name: 'mm-engine', level: 'silent' }),
    nowMs: () => NOW,
  });
  return { metrics, models };
}

const params = (
  asset: string,
  p: { A: number; k: number; sigma: number; gamma: number },
  regime?: string,
): ParamsMessage => ({
  v: 2,
  type: 'params',
  ts: NOW,
  source: 'test',
  payload: {
    assets: [{ asset, ...p, qMax: 6, ...(regime ? { regime } : {}) }],
    validUntil: NOW + 1000,
  },
});

/** Quotes 0.5 from a mid of 100 on both sides; the predicted fill rate per side as gauged. */
async function predictedBidRate(metrics: EngineMetrics, asset: string): Promise<number> {
  metrics.onAssetStatus(
    {
      asset,
      midPrice: 100,
      inventoryLots: 0,
      realizedQuote: 0,
      unrealizedQuote: 0,
      quotes: [{ venue: 'sim', bid: 99.5, ask: 100.5 }],
    },
    // What the status passes: the asset as configured.
    { lotSizeBase: 1, model: configured },
  );
  const { values } = await metrics.fillRatePredicted.get();
  const v = values.find((x) => x.labels.asset === asset && x.labels.side === 'bid');
  if (!v) throw new Error(`no predicted rate for ${asset}`);
  return v.value;
}

/** `A exp(-k delta)` at delta = 0.5 price units: the model's fill rate, fills per second. */
const rateAtHalf = (p: { A: number; k: number }) => p.A * Math.exp(-p.k * 0.5);

const state: MarketState = {
  inventoryLots: 3,
  midPrice: 100,
  marketSpreadPrice: 0.02,
  imbalance: 0.5,
  driftPerSec: 0,
  tSec: 10,
};

describe('ModelRegistry', () => {
  it('gauges the model quoted with from the start: regime 0 of a regime asset, not its base model', async () => {
    const { metrics, models } = registry();
    expect(await predictedBidRate(metrics, 'X')).toBeCloseTo(rateAtHalf(configured), 12);
    expect(await predictedBidRate(metrics, 'R')).toBeCloseTo(rateAtHalf(calm), 12);
    expect(models.regimeName('R')).toBe('calm');
    expect(models.regimeName('X')).toBeNull();
    expect(models.currentParams('R')).toEqual(calm);
  });

  it('a parameter update reaches the legs and the fill-rate gauges', async () => {
    const { metrics, models } = registry();
    const leg = models.policyFor('X');
    const updated = { A: 2, k: 4, sigma: 0.2, gamma: 1 };
    models.applyParams(params('X', updated));
    expect(await predictedBidRate(metrics, 'X')).toBeCloseTo(rateAtHalf(updated), 12);
    const expected = policyFromConfig({ ...config.assets[0]!, qMaxLots: 6 }, updated);
    expect(leg.decide(state)).toEqual(expected.decide(state));
  });

  it('a switch to a regime updated while inactive quotes and gauges the updated model', async () => {
    const { metrics, models } = registry();
    const leg = models.policyFor('R');
    const stormUpdated = { A: 1.6, k: 1, sigma: 0.4, gamma: 0.6 };
    models.applyParams(params('R', stormUpdated, 'storm'));
    // Not acted on yet: still calm.
    expect(await predictedBidRate(metrics, 'R')).toBeCloseTo(rateAtHalf(calm), 12);
    models.switchRegime('R', 1);
    expect(models.regimeName('R')).toBe('storm');
    // Before the fix the gauge showed the configured storm model (A 0.8, k 1.5) here.
    expect(await predictedBidRate(metrics, 'R')).toBeCloseTo(rateAtHalf(stormUpdated), 12);
    expect(rateAtHalf(stormUpdated)).not.toBeCloseTo(rateAtHalf(storm), 3);
    const expected = policyFromConfig({ ...config.assets[1]!, qMaxLots: 6 }, stormUpdated);
    expect(leg.decide(state)).toEqual(expected.decide(state));
  });

  it('a rejected update changes nothing and is counted', async () => {
    const { metrics, models } = registry();
    models.applyParams(params('X', { ...configured, A: 1000 }));
    expect(await predictedBidRate(metrics, 'X')).toBeCloseTo(rateAtHalf(configured), 12);
    const { values } = await metrics.paramUpdates.get();
    expect(values).toEqual([
      expect.objectContaining({ labels: { asset: 'X', result: 'rejected' }, value: 1 }),
    ]);
  });

  it('a rejected update naming 1,000 unknown assets adds one series (asset="other"), not 1,000', async () => {
    const { metrics, models } = registry();
    const message = params('X', configured);
    if (message.type !== 'params') throw new Error('unreachable');
    const unknown = Array.from({ length: 1000 }, (_, i) => ({
      ...message.payload.assets[0]!,
      asset: `FAKE${i}`,
    }));
    models.applyParams({ ...message, payload: { ...message.payload, assets: unknown } });
    const { values } = await metrics.paramUpdates.get();
    expect(values).toEqual([
      expect.objectContaining({ labels: { asset: 'other', result: 'rejected' }, value: 1 }),
    ]);
  });
});
