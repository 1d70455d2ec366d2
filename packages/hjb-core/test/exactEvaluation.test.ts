import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChainMarket,
  evaluateStationary,
  expectedObjective,
  expectedObjectiveFrom,
  HeuristicPolicy,
  type InventoryChain,
  inventoryChainOf,
  levelControlsOf,
  longHorizonObjective,
} from '../src/index.js';

const MARKET: ChainMarket = {
  aPerSec: 1.4,
  kPerPrice: 2,
  phiPerLot2Sec: 0.01,
  muPerLotSec: 0.003,
  midPrice: 100,
  makerFeeRate: -1e-5,
  takerFeeRate: 5e-4,
  takerHalfSpreadPrice: 0.01,
};

/** A random chain: positive rates inside, random rewards. */
const chainArb = fc.integer({ min: 1, max: 12 }).chain((qMax) => {
  const n = 2 * qMax + 1;
  const rates = fc.array(fc.double({ min: 0.05, max: 4, noNaN: true }), {
    minLength: n,
    maxLength: n,
  });
  return fc.record({
    qMax: fc.constant(qMax),
    up: rates,
    down: rates,
    reward: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
  });
});

function chainOf(c: {
  qMax: number;
  up: number[];
  down: number[];
  reward: number[];
}): InventoryChain {
  const n = 2 * c.qMax + 1;
  const up = Float64Array.from(c.up);
  const down = Float64Array.from(c.down);
  up[n - 1] = 0;
  down[0] = 0;
  return {
    qMax: c.qMax,
    upRatePerSec: up,
    downRatePerSec: down,
    rewardPerSec: Float64Array.from(c.reward),
  };
}

/** Independent stationary distribution: solve pi G = 0, sum pi = 1 by Gaussian elimination. */
function denseStationary(chain: InventoryChain): number[] {
  const n = 2 * chain.qMax + 1;
  // Rows of G' (columns of G), with the last equation replaced by sum pi = 1.
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (let j = 0; j < n; j++) {
    const out = chain.upRatePerSec[j]! + chain.downRatePerSec[j]!;
    a[j]![j] = -out;
    if (j + 1 < n) a[j + 1]![j] = chain.upRatePerSec[j]!; // flow j -> j+1 enters balance of j+1
    if (j > 0) a[j - 1]![j] = chain.downRatePerSec[j]!;
  }
  for (let j = 0; j < n; j++) a[n - 1]![j] = 1;
  a[n - 1]![n] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k] = a[r]![k]! - f * a[c]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/** Independent backward Kolmogorov: classical RK4 with a fine fixed step. */
function rk4Objective(chain: InventoryChain, T: number, terminal: Float64Array, steps: number) {
  const n = terminal.length;
  const f = (v: Float64Array) =>
    Float64Array.from(v, (vi, i) => {
      let g = chain.rewardPerSec[i]!;
      if (i < n - 1) g += chain.upRatePerSec[i]! * (v[i + 1]! - vi);
      if (i > 0) g += chain.downRatePerSec[i]! * (v[i - 1]! - vi);
      return g;
    });
  const h = T / steps;
  let v = Float64Array.from(terminal);
  for (let s = 0; s < steps; s++) {
    const k1 = f(v);
    const k2 = f(v.map((x, i) => x + (h / 2) * k1[i]!));
    const k3 = f(v.map((x, i) => x + (h / 2) * k2[i]!));
    const k4 = f(v.map((x, i) => x + h * k3[i]!));
    v = v.map((x, i) => x + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
  }
  return v;
}

describe('stationary evaluation (birth-death chain)', () => {
  it('equals the dense solution of pi G = 0 (fast-check)', () => {
    fc.assert(
      fc.property(chainArb, (c) => {
        const chain = chainOf(c);
        const ev = evaluateStationary(chain);
        const ref = denseStationary(chain);
        let rate = 0;
        for (let i = 0; i < ref.length; i++) {
          expect(Math.abs(ev.distribution[i]! - ref[i]!)).toBeLessThan(1e-9);
          rate += ref[i]! * chain.rewardPerSec[i]!;
        }
        expect(Math.abs(ev.exactRatePerSec - rate)).toBeLessThan(1e-8);
        return true;
      }),
      { numRuns: 50 },
    );
  });

  it('no overflow at qMax 1000 with strongly one-sided rates', () => {
    const n = 2001;
    const chain: InventoryChain = {
      qMax: 1000,
      upRatePerSec: Float64Array.from({ length: n }, (_, i) => (i < n - 1 ? 3 : 0)),
      downRatePerSec: Float64Array.from({ length: n }, (_, i) => (i > 0 ? 0.2 : 0)),
      rewardPerSec: Float64Array.from({ length: n }, (_, i) => i - 1000),
    };
    const ev = evaluateStationary(chain);
    // pi(q+1)/pi(q) = 15: the mass sits at +1000, mean reward 1000 - 1/14 (geometric tail).
    expect(ev.exactRatePerSec).toBeCloseTo(1000 - 1 / 14, 9);
    expect(ev.distribution.every(Number.isFinite)).toBe(true);
  });

  it('an unreachable side: the class from q = 0 only', () => {
    const chain = chainOf({
      qMax: 2,
      up: [1, 1, 1, 0, 0],
      down: [0, 1, 1, 1, 1],
      reward: [5, 1, 2, 3, 9],
    });
    // up(+1) = 0: the chain from 0 lives on {-2, -1, 0, +1}; +2 is never reached.
    const ev = evaluateStationary(chain);
    expect(ev.distribution[4]).toBe(0);
    expect(ev.exactRatePerSec).toBeCloseTo((5 + 1 + 2 + 3) / 4, 12);
  });
});

describe('backward Kolmogorov (uniformisation)', () => {
  it('equals a fine RK4 integration, with terminal penalty and two pieces (fast-check)', () => {
    fc.assert(
      fc.property(chainArb, fc.double({ min: 0.1, max: 20, noNaN: true }), (a, T) => {
        const c1 = chainOf(a);
        const c2 = chainOf({
          qMax: a.qMax,
          up: a.down,
          down: a.up,
          reward: a.reward.map((x) => 1 - x),
        });
        const n = 2 * a.qMax + 1;
        const terminal = Float64Array.from({ length: n }, (_, i) => -0.3 * (i - a.qMax) ** 2);
        const v = expectedObjective(
          [
            { chain: c1, durationSec: T / 2 },
            { chain: c2, durationSec: T / 2 },
          ],
          terminal,
        );
        const mid = rk4Objective(c2, T / 2, terminal, 4000);
        const ref = rk4Objective(c1, T / 2, mid, 4000);
        for (let i = 0; i < n; i++)
          expect(Math.abs(v[i]! - ref[i]!)).toBeLessThan(1e-8 * (1 + Math.abs(ref[i]!)));
        return true;
      }),
      { numRuns: 12 },
    );
  }, 60_000);

  it('long horizons: V(T, q) / T tends to the stationary rate (two independent methods)', () => {
    const chain = chainOf({
      qMax: 4,
      up: [1, 2, 1.5, 1, 0.7, 0.6, 0.4, 0.3, 0],
      down: [0, 0.5, 0.8, 1, 1.2, 1.1, 2, 2.5, 3],
      reward: [-4, -1, 0.5, 1, 1.2, 1, 0.4, -0.8, -3],
    });
    const rate = evaluateStationary(chain).exactRatePerSec;
    const [T1, T2] = [2000, 4000];
    const v1 = expectedObjective([{ chain, durationSec: T1 }], new Float64Array(9));
    const v2 = expectedObjective([{ chain, durationSec: T2 }], new Float64Array(9));
    // V(T) = g T + h(q) + o(1): the difference over 2000 s is exactly g T.
    expect(Math.abs((v2[4]! - v1[4]!) / (T2 - T1) - rate)).toBeLessThan(1e-10);
  });
});

/** Seeded uniform in (0, 1): mulberry32, test-only. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

describe('Monte Carlo cross-check', () => {
  it("the seed heuristic's expected objective is inside the 99% CI of an exact-event simulation", () => {
    const qMax = 6;
    const policy = new HeuristicPolicy({
      qMaxLots: qMax,
      horizonSec: 300,
      baseHalfSpreadBps: 25,
      phiPerLot2Sec: MARKET.phiPerLot2Sec,
      takerFeeBps: 5,
      lambda0PerSec: MARKET.aPerSec,
      betaPerBps: (MARKET.kPerPrice * MARKET.midPrice) / 1e4,
      driftScalePerSec: 0.01,
    });
    const controls = levelControlsOf(
      policy,
      qMax,
      {
        midPrice: MARKET.midPrice,
        marketSpreadPrice: 0,
        imbalance: 0.5,
        driftPerSec: MARKET.muPerLotSec,
        tSec: 0,
      },
      0.1,
    );
    // The seed heuristic trades as taker near the limits (a take per 0.1 s decision, plus its rate).
    expect(controls.takerSellRatePerSec[2 * qMax]).toBeGreaterThan(10);
    const chain = inventoryChainOf(controls, MARKET);
    const T = 60;
    const exact = expectedObjective([{ chain, durationSec: T }], new Float64Array(2 * qMax + 1))[
      qMax
    ]!;
    // Gillespie: exponential holding times, reward accrued at the level's rate.
    const u = rng(7);
    const paths = 4000;
    let sum = 0;
    let sum2 = 0;
    for (let p = 0; p < paths; p++) {
      let i = qMax;
      let t = 0;
      let j = 0;
      for (;;) {
        const up = chain.upRatePerSec[i]!;
        const out = up + chain.downRatePerSec[i]!;
        const dt = -Math.log(u()) / out;
        if (t + dt >= T) {
          j += chain.rewardPerSec[i]! * (T - t);
          break;
        }
        j += chain.rewardPerSec[i]! * dt;
        t += dt;
        i += u() * out < up ? 1 : -1;
      }
      sum += j;
      sum2 += j * j;
    }
    const mean = sum / paths;
    const se = Math.sqrt((sum2 / paths - mean * mean) / (paths - 1));
    expect(Math.abs(exact - mean)).toBeLessThan(2.576 * se);
    // And the interval is tight enough to mean something (a few % of the objective).
    expect(se).toBeLessThan(0.05 * Math.abs(exact));
  });
});

/** Chains that mix within seconds (rates >= 0.5/s) or tens of seconds. */
const fastChainArb = fc.integer({ min: 1, max: 8 }).chain((qMax) => {
  const n = 2 * qMax + 1;
  const rates = fc.array(fc.double({ min: 0.5, max: 4, noNaN: true }), {
    minLength: n,
    maxLength: n,
  });
  return fc.record({
    qMax: fc.constant(qMax),
    up: rates,
    down: rates,
    reward: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n }),
  });
});

describe('long-horizon form (Poisson equation + spectral gap bound)', () => {
  it('equals uniformisation whenever it answers, and answers for long horizons (fast-check)', () => {
    let answered = 0;
    fc.assert(
      fc.property(fastChainArb, fc.double({ min: 1, max: 600, noNaN: true }), (c, T) => {
        const chain = chainOf(c);
        const n = 2 * c.qMax + 1;
        const terminal = Float64Array.from({ length: n }, (_, i) => -0.2 * (i - c.qMax) ** 2);
        const fast = longHorizonObjective(chain, T, terminal);
        const full = expectedObjective([{ chain, durationSec: T }], terminal)[c.qMax]!;
        if (fast !== null) {
          answered++;
          expect(Math.abs(fast - full)).toBeLessThan(1e-9 * (1 + Math.abs(full)));
        }
        const from = expectedObjectiveFrom([{ chain, durationSec: T }], terminal);
        expect(Math.abs(from - full)).toBeLessThan(1e-9 * (1 + Math.abs(full)));
        return true;
      }),
      { numRuns: 40 },
    );
    expect(answered).toBeGreaterThan(5);
  });
});
