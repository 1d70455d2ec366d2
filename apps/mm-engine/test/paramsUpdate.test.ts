import { type AssetConfig, parseEngineConfig, positionLimitLotsOf } from '@mm/config';
import type { ParamsMessage } from '@mm/contracts';
import { describe, expect, it } from 'vitest';
import { checkParamsUpdate } from '../src/engine/paramsUpdate.js';

const model = { A: 1, k: 2, sigma: 0.1, gamma: 0.5 };
const config = parseEngineConfig({
  assets: [
    { symbol: 'X', lotSizeBase: 1, tickSize: 0.01, qMaxLots: 10, policy: 'exact', model },
    {
      symbol: 'R',
      lotSizeBase: 1,
      tickSize: 0.01,
      qMaxLots: 10,
      policy: 'exact',
      model,
      regime: {
        regimes: [
          { name: 'calm', model },
          { name: 'storm', model: { ...model, sigma: 0.5 } },
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
const NOW = 1_800_000_000_000;
const ctx = {
  assets: config.assets,
  positionLimitLots: (a: AssetConfig) => positionLimitLotsOf(config, a),
  maxChangeFactor: 10,
  nowMs: NOW,
};
const message = (
  assets: ParamsMessage['payload']['assets'],
  validUntil = NOW + 1000,
): ParamsMessage => ({
  v: 2,
  type: 'params',
  ts: NOW,
  source: 'test',
  payload: { assets, validUntil },
});
const update = (over: Partial<ParamsMessage['payload']['assets'][number]> = {}) => ({
  asset: 'X',
  ...model,
  qMax: 6,
  ...over,
});

describe('checkParamsUpdate', () => {
  it('accepts a plausible update and builds a solved policy for it', () => {
    const r = checkParamsUpdate(message([update({ sigma: 0.2 })]), ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.assets[0]!.params.sigma).toBe(0.2);
    expect(r.assets[0]!.qMaxLots).toBe(6);
    const c = r.assets[0]!.policy.decide({
      inventoryLots: 0,
      midPrice: 100,
      marketSpreadPrice: 0.02,
      imbalance: 0.5,
      driftPerSec: 0,
      tSec: 0,
    });
    expect(c.bidDeltaPrice).toBeGreaterThan(0);
    expect(c.bidDeltaPrice).toBeCloseTo(c.askDeltaPrice, 12);
  });

  it.each([
    ['stale', message([update()], NOW), 'payload.validUntil'],
    ['unknown asset', message([update({ asset: 'Y' })]), 'payload.assets[0].asset'],
    ['A 100x the configured one', message([update({ A: 100 })]), 'payload.assets[0].A'],
    ['k 11x smaller', message([update({ k: 2 / 11 })]), 'payload.assets[0].k'],
    ['phi given', message([update({ phi: 0.1 })]), 'payload.assets[0].phi'],
    ['qMax above the position limit', message([update({ qMax: 9 })]), 'payload.assets[0].qMax'],
    ['duplicate asset', message([update(), update()]), 'payload.assets[1].asset'],
    [
      'regime for an asset without regimes',
      message([update({ regime: 'calm' })]),
      'payload.assets[0].regime',
    ],
    ['no regime for a regime asset', message([update({ asset: 'R' })]), 'payload.assets[0].regime'],
    [
      'unknown regime',
      message([update({ asset: 'R', regime: 'fog' })]),
      'payload.assets[0].regime',
    ],
  ])('rejects %s, naming the field, all or nothing', (_name, m, field) => {
    const r = checkParamsUpdate(m, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.field).toBe(field);
  });

  it('an update at exactly 10x or 1/10x is accepted despite rounding (0.01 / 0.1 < 0.1 in floats)', () => {
    expect(0.01 / 0.1).toBeLessThan(0.1); // why the check must not divide
    for (const edit of [{ sigma: 0.01 }, { sigma: 1 }, { gamma: 0.05 }, { A: 10 }, { k: 0.2 }]) {
      const r = checkParamsUpdate(message([update(edit)]), ctx);
      expect(r.ok, JSON.stringify(edit)).toBe(true);
    }
    for (const edit of [{ sigma: 0.0099999 }, { sigma: 1.00001 }]) {
      const r = checkParamsUpdate(message([update(edit)]), ctx);
      expect(r.ok, JSON.stringify(edit)).toBe(false);
    }
  });

  it('one bad asset rejects the whole update', () => {
    const r = checkParamsUpdate(message([update(), update({ asset: 'R', regime: 'nope' })]), ctx);
    expect(r.ok).toBe(false);
  });

  it('a regime update is checked against that regime and tagged with its index', () => {
    const storm = update({ asset: 'R', regime: 'storm', sigma: 2 }); // 4x the storm's 0.5
    const r = checkParamsUpdate(message([storm]), ctx);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.assets[0]!.regime).toBe(1);
    const calm = update({ asset: 'R', regime: 'calm', sigma: 2 }); // 20x the calm's 0.1
    expect(checkParamsUpdate(message([calm]), ctx).ok).toBe(false);
  });
});

describe('regime config', () => {
  it('names a bad generator entry and a wrong row count', () => {
    const bad = (generatorPerSec: number[][]) => () =>
      parseEngineConfig({
        ...config,
        assets: [{ ...config.assets[1], regime: { ...config.assets[1]!.regime, generatorPerSec } }],
      });
    expect(
      bad([
        [-0.1, 0.1],
        [-0.2, 0.2],
      ]),
    ).toThrow('config.assets[0].regime.generatorPerSec[1][0]');
    expect(bad([[-0.1, 0.1]])).toThrow('config.assets[0].regime.generatorPerSec');
  });
});
