import { randomUUID } from 'node:crypto';
import { quoteControl } from '@mm/backtest/run';
import type { Message } from '@mm/contracts';
import type { MarketState } from '@mm/hjb-core';
import {
  arithmeticBrownian,
  createRng,
  exponentialFills,
  type MultiAssetResult,
  simulateMultiAsset,
} from '@mm/simulator';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalibrateResult, parseJobData } from '../src/jobs/jobSchemas.js';
import { runCalibrate } from '../src/processors/calibrate.js';
import { runJob } from '../src/processors/index.js';
import { type MarketData, readMarketData } from '../src/processors/readMarketData.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every number in `value` is finite (no NaN / Infinity anywhere in a result). */
function expectAllFinite(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path} is ${value}`);
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) expectAllFinite(v, `${path}.${k}`);
}

function defaults() {
  const r = parseJobData('calibrate', {});
  if (!r.ok) throw new Error(r.message);
  return r.data;
}

// The true market (price units, seconds): three assets with correlated Brownian mids.
const TRUE = [
  { asset: 'AAA', s0: 1000, sigma: 0.5, A: 1.5, k: 2 },
  { asset: 'BBB', s0: 500, sigma: 0.8, A: 1.0, k: 1.2 },
  { asset: 'CCC', s0: 200, sigma: 0.3, A: 2.0, k: 3 },
];
const CORRELATION = [
  [1, 0.6, -0.5],
  [0.6, 1, -0.2],
  [-0.5, -0.2, 1],
];
const HORIZON_SEC = 3600;
const DT_SEC = 0.01;
const SNAPSHOT_STEPS = 100; // one snapshot per second, as the engine's default
const T0_MS = 1_700_000_000_000;

/**
 * Quotes at a random depth, uniform in [0.05, 3] / k, drawn afresh every second (each side on
 * its own) and kept around the moving mid in between, as the engine re-quotes: what the
 * snapshots record is then the depth that rested over the whole second.
 */
function randomDepthPolicy(k: number, stream: number) {
  const rng = createRng(99, stream);
  let block = -1;
  let bid = 0;
  let ask = 0;
  return {
    decide(s: MarketState) {
      const b = Math.floor(s.tSec + 1e-9);
      if (b !== block) {
        block = b;
        bid = (0.05 + 2.95 * rng.uniform()) / k;
        ask = (0.05 + 2.95 * rng.uniform()) / k;
      }
      return quoteControl(bid, ask, s.midPrice);
    },
  };
}

function simulateMarket(): MultiAssetResult {
  return simulateMultiAsset({
    assets: TRUE.map((a) => ({
      initialMidPrice: a.s0,
      midModel: arithmeticBrownian({ sigmaPerSqrtSec: a.sigma, driftPerSec: 0 }),
      fillModel: exponentialFills({ aPerSec: a.A, kPerPrice: a.k }),
    })),
    correlation: CORRELATION,
    policies: TRUE.map((a, i) => randomDepthPolicy(a.k, i)),
    dtSec: DT_SEC,
    horizonSec: HORIZON_SEC,
    seed: 11,
    recordEverySteps: SNAPSHOT_STEPS,
    recordFills: true,
  });
}

type Entry = { ms: number; seq: number; fields: string[] };

/** A message in the bus's v2 wire form, unsigned (snapshots and fills need no signature). */
const wireOf = (m: unknown) => JSON.stringify({ v: 2, body: JSON.stringify(m) });
/** The message inside a v2 wire string. */
const bodyOf = (raw: string) => JSON.parse(JSON.parse(raw).body);

/** The engine's `snapshot` and `fill` stream entries for a simulated run, plus corrupt ones. */
function streamEntries(sim: MultiAssetResult): { snapshots: Entry[]; fills: Entry[] } {
  const snapshots: Entry[] = [];
  const paths = sim.assets.map((a) => a.path!);
  for (let j = 0; j < paths[0]!.tSec.length; j++) {
    const ts = T0_MS + Math.round(paths[0]!.tSec[j]! * 1000);
    const message: Message = {
      v: 2,
      type: 'snapshot',
      ts,
      source: 'engine:test',
      payload: {
        assets: TRUE.map((a, i) => {
          const p = paths[i]!;
          return {
            asset: a.asset,
            mid: p.midPrice[j]!,
            quotes: {
              bid: { price: p.bidPrice[j]!, lots: 1 },
              ask: { price: p.askPrice[j]!, lots: 1 },
            },
            inventoryLots: p.inventoryLots[j]!,
            pnl: { realized: 0, unrealized: p.pnlQuote[j]! },
          };
        }),
      },
    };
    snapshots.push({ ms: ts, seq: 0, fields: ['m', wireOf(message)] });
  }
  const fills: Entry[] = [];
  let n = 0;
  sim.assets.forEach((a, i) => {
    for (const f of a.fills) {
      const ts = T0_MS + Math.round(f.tSec * 1000);
      const message: Message = {
        v: 2,
        type: 'fill',
        ts,
        source: 'engine:test',
        payload: {
          id: `fill-${n++}`,
          asset: TRUE[i]!.asset,
          venue: 'sim-a',
          side: f.side,
          price: f.price,
          lots: f.lots,
          role: f.role,
          fee: f.feeQuote,
          ts,
        },
      };
      fills.push({ ms: ts, seq: 0, fields: ['m', wireOf(message)] });
    }
  });
  // corrupt entries (between the first two snapshots) and entries outside the window
  const fillOnSnapshots = fills[0]!.fields;
  const badMid = bodyOf(snapshots[0]!.fields[1]!) as { payload: { assets: { mid: number }[] } };
  badMid.payload.assets[0]!.mid = -1;
  const v1 = { ...(bodyOf(snapshots[0]!.fields[1]!) as object), v: 1 };
  for (const fields of [
    ['m', '{not json'],
    fillOnSnapshots,
    ['m', wireOf(badMid)],
    ['m', JSON.stringify(v1)],
    ['x', snapshots[0]!.fields[1]!],
  ])
    snapshots.push({ ms: T0_MS + 500, seq: 0, fields });
  const badPrice = bodyOf(fills[0]!.fields[1]!) as { payload: { price: number } };
  badPrice.payload.price = 0;
  for (const fields of [
    ['m', 'garbage'],
    ['m', wireOf(badPrice)],
  ])
    fills.push({ ms: T0_MS + 500, seq: 0, fields });
  snapshots.push({ ms: T0_MS - 10_000, seq: 0, fields: snapshots[0]!.fields });
  snapshots.push({ ms: T0_MS + (HORIZON_SEC + 5) * 1000, seq: 0, fields: snapshots[0]!.fields });
  return { snapshots, fills };
}

/** XADD with explicit ids `ms-seq` in id order (seq numbers entries sharing a millisecond). */
async function writeStream(redis: Redis, key: string, entries: Entry[]): Promise<void> {
  entries.sort((a, b) => a.ms - b.ms);
  let last = -1;
  let seq = 0;
  const pipeline = redis.pipeline();
  for (const e of entries) {
    seq = e.ms === last ? seq + 1 : 0;
    last = e.ms;
    pipeline.xadd(key, `${e.ms}-${seq}`, ...e.fields);
  }
  const results = await pipeline.exec();
  const failed = results?.find(([err]) => err !== null);
  if (failed) throw failed[0];
}

describe('calibrate from the engine streams in a real Redis', () => {
  const prefix = `test:${randomUUID()}`;
  let redis: Redis;
  let sim: MultiAssetResult;
  let result: CalibrateResult;
  const progress: number[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    sim = simulateMarket();
    const { snapshots, fills } = streamEntries(sim);
    await writeStream(redis, `mm:${prefix}:snapshots`, snapshots);
    await writeStream(redis, `mm:${prefix}:fills`, fills);
    result = await runJob(
      'calibrate',
      { prefix, sinceMs: T0_MS, untilMs: T0_MS + HORIZON_SEC * 1000 },
      { redis, nowMs: T0_MS + 1e7, progress: (f) => void progress.push(f) },
    );
  }, 30_000);

  afterAll(async () => {
    if (!redis) return;
    await redis.del(`mm:${prefix}:snapshots`, `mm:${prefix}:fills`);
    expect(await redis.keys(`mm:${prefix}:*`)).toEqual([]);
    await redis.quit();
  });

  it('reads the window in pages; corrupt entries are skipped and counted', async () => {
    const fills = sim.assets.reduce((s, a) => s + a.fills.length, 0);
    expect(result.read).toEqual({
      snapshots: HORIZON_SEC + 1 + 5,
      fills: fills + 2,
      skipped: 7,
      truncated: false,
    });
    const paged = await readMarketData(redis, prefix, T0_MS, T0_MS + HORIZON_SEC * 1000, {
      pageSize: 333,
    });
    expect(paged.skipped).toEqual({ snapshots: 5, fills: 2 });
    expect(paged.snapshots).toHaveLength(HORIZON_SEC + 1);
    expect(paged.fills).toHaveLength(fills);
    const few = await readMarketData(redis, prefix, T0_MS, T0_MS + HORIZON_SEC * 1000, {
      pageSize: 7,
      maxEntries: 20,
    });
    expect(few.truncated).toBe(true);
    expect(few.read.snapshots).toBe(20);
  });

  it('sigma within 5% of the truth for every asset', () => {
    // n = 3600 increments: SE(sigma) = sigma / sqrt(2n) = 1.2%, so 5% is > 4 SE
    result.assets.forEach((a, i) => {
      expect(a.asset).toBe(TRUE[i]!.asset);
      expect(a.sigma.usable).toBe(true);
      expect(Math.abs(a.sigma.value! / TRUE[i]!.sigma - 1)).toBeLessThan(0.05);
      expect(a.sigma.stdError! / a.sigma.value!).toBeCloseTo(1 / Math.sqrt(2 * 3600), 3);
    });
  });

  it('A and k within 4 standard errors of the truth, with errors small enough to mean something', () => {
    // The Poisson MLE is asymptotically normal with the reported (Fisher) SE: an unbiased
    // estimate misses 4 SE with probability 6e-5 (and the seed is fixed). Its biases here are far
    // smaller than one SE: fill times are the simulator's step starts (exposure short by 5 ms on
    // average, ~0.5% of the rate) and 40 depth bins (k^2 w^2 / 24 ~ 1e-3 relative).
    result.assets.forEach((a, i) => {
      const t = TRUE[i]!;
      expect(a.A.usable && a.k.usable).toBe(true);
      expect(a.intensity.fills).toBeGreaterThan(1500);
      expect(Math.abs(a.A.value! - t.A)).toBeLessThan(4 * a.A.stdError!);
      expect(Math.abs(a.k.value! - t.k)).toBeLessThan(4 * a.k.stdError!);
      expect(a.A.stdError! / t.A).toBeLessThan(0.1);
      expect(a.k.stdError! / t.k).toBeLessThan(0.1);
      expect(a.intensity.chiSquare).not.toBeNull();
      expect(a.model).toEqual({ sigma: a.sigma.value, A: a.A.value, k: a.k.value });
    });
  });

  it('the correlation of mid increments has the right signs and size', () => {
    const { matrix, stdError, assets } = result.correlation;
    expect(assets).toEqual(['AAA', 'BBB', 'CCC']);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const r = matrix[i]![j]!;
        const truth = CORRELATION[i]![j]!;
        expect(Math.sign(r)).toBe(Math.sign(truth));
        if (i !== j) expect(Math.abs(r - truth)).toBeLessThan(4 * stdError[i]![j]!);
      }
    const cov = result.correlation.covariancePerSec;
    expect(cov[0]![0]! / TRUE[0]!.sigma ** 2).toBeCloseTo(
      result.assets[0]!.sigma.value! ** 2 / TRUE[0]!.sigma ** 2,
      6,
    );
    expect(result.correlation.increments).toBe(HORIZON_SEC);
  });

  it('no NaN anywhere; progress ends at 1', () => {
    expectAllFinite(result);
    expect(progress.at(-1)).toBe(1);
    for (const a of result.assets) {
      expect(a.regimes.dtSec).toBe(1);
      if (!a.regimes.usable) expect(a.regimes.reason).toBeTruthy();
    }
  });
});

describe('calibrate without Redis', () => {
  /** Snapshots of one asset whose volatility switches between two regimes, irregular dt. */
  function regimeData(): MarketData {
    const rng = createRng(5, 0);
    const sigmas = [0.2, 1.0];
    const switchPerSec = 1 / 200;
    let regime = 0;
    let t = 0;
    let mid = 100;
    const data: MarketData = {
      snapshots: [],
      fills: [],
      read: { snapshots: 0, fills: 0 },
      skipped: { snapshots: 0, fills: 0 },
      truncated: false,
    };
    for (let i = 0; i < 6000; i++) {
      data.snapshots.push({
        tsMs: Math.round(t * 1000),
        assets: [
          {
            asset: 'X',
            mid,
            quotes: { bid: null, ask: null },
            inventoryLots: 0,
            pnl: { realized: 0, unrealized: 0 },
          },
        ],
      });
      const dt = 0.8 + 0.4 * rng.uniform();
      if (rng.uniform() < switchPerSec * dt) regime = 1 - regime;
      mid += sigmas[regime]! * Math.sqrt(dt) * rng.normal();
      t += dt;
    }
    data.read.snapshots = data.snapshots.length;
    return data;
  }

  it('finds two volatility regimes by EM (irregular snapshot times)', async () => {
    const marketData = regimeData();
    const r = await runCalibrate(
      { ...defaults(), prefix: 'p', sinceMs: 0, untilMs: 1e7, marketData },
      () => {},
    );
    const reg = r.assets[0]!.regimes;
    expect(reg.usable).toBe(true);
    expect(reg.sigma[0]! / 0.2).toBeGreaterThan(0.85);
    expect(reg.sigma[0]! / 0.2).toBeLessThan(1.15);
    expect(reg.sigma[1]! / 1.0).toBeGreaterThan(0.85);
    expect(reg.sigma[1]! / 1.0).toBeLessThan(1.15);
    expect(reg.generatorPerSec[0]![1]!).toBeGreaterThan(1 / 800);
    expect(reg.generatorPerSec[0]![1]!).toBeLessThan(1 / 50);
    expect(reg.logLikelihoodGain!).toBeGreaterThan(100);
    expect(reg.occupancy.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    // no quotes were recorded: the intensity is unusable, and says why
    expect(r.assets[0]!.A).toEqual({
      value: null,
      stdError: null,
      usable: false,
      reason: 'no resting quotes observed',
    });
    expectAllFinite(r);
  });

  it('too little data: every estimate unusable with a reason, nothing NaN', async () => {
    const marketData = regimeData();
    marketData.snapshots = marketData.snapshots.slice(0, 5);
    marketData.snapshots.push({
      tsMs: 10_000,
      assets: [
        {
          asset: 'Y',
          mid: 10,
          quotes: { bid: { price: 9, lots: 1 }, ask: null },
          inventoryLots: 0,
          pnl: { realized: 0, unrealized: 0 },
        },
      ],
    });
    const r = await runCalibrate(
      { ...defaults(), prefix: 'p', sinceMs: 0, untilMs: 1e7, marketData },
      () => {},
    );
    expect(r.assets.map((a) => a.asset)).toEqual(['X', 'Y']);
    const [x, y] = r.assets;
    expect(x!.sigma.usable).toBe(false);
    expect(x!.sigma.reason).toMatch(/too few increments/);
    expect(x!.regimes.reason).toMatch(/too few increments/);
    expect(y!.sigma.reason).toMatch(/too few snapshots/);
    expect(r.assets.map((a) => a.model)).toEqual([null, null]);
    expect(r.correlation.matrix).toEqual([
      [null, null],
      [null, null],
    ]);
    expectAllFinite(r);
  });
});
