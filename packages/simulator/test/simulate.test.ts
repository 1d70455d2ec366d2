import { HeuristicPolicy } from '@mm/hjb-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arithmeticBrownian,
  binomialMid,
  bookAwareFills,
  bpsFees,
  constantLatency,
  exponentialFills,
  flatBook,
  type SimulationConfig,
  simulate,
  syntheticBook,
} from '../src/index.js';
import { constantPolicy, scriptedPolicy } from './support/policies.js';

const base: SimulationConfig = {
  initialMidPrice: 100,
  midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0.5 }),
  fillModel: exponentialFills({ aPerSec: 5, kPerPrice: 2 }),
  policy: constantPolicy(0.3, 0.3),
  dtSec: 0.1,
  horizonSec: 60,
  seed: 42,
};

describe('simulate: pure and seeded', () => {
  it('same seed, same result; another seed, another result', () => {
    const a = simulate(base);
    const b = simulate({ ...base });
    expect(b).toEqual(a);
    expect(simulate({ ...base, seed: 43 }).pnlQuote).not.toBe(a.pnlQuote);
  });

  it('the mid path does not depend on the policy (common random numbers across policies)', () => {
    const a = simulate(base);
    const b = simulate({ ...base, policy: constantPolicy(0.1, 0.9) });
    expect(b.path!.midPrice).toEqual(a.path!.midPrice);
    expect(b.fills).not.toEqual(a.fills);
  });

  it('accounting: cash is the sum of fills, P&L = cash + q mid lotSize, at every recorded point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (seed, bid, ask) => {
          const r = simulate({
            ...base,
            seed,
            horizonSec: 5,
            lotSizeBase: 0.1,
            feeModel: bpsFees({ makerBps: -1, takerBps: 3 }),
            policy: constantPolicy(bid, ask),
          });
          let cash = 0;
          let q = 0;
          for (const f of r.fills) {
            const notional = f.price * 0.1;
            cash += f.side === 'buy' ? -notional - f.feeQuote : notional - f.feeQuote;
            q += f.side === 'buy' ? 1 : -1;
            expect(f.feeQuote).toBeCloseTo(-notional * 1e-4, 12);
          }
          expect(r.cashQuote).toBeCloseTo(cash, 9);
          expect(r.inventoryLots).toBe(q);
          expect(r.pnlQuote).toBeCloseTo(r.cashQuote + q * r.midPrice * 0.1, 9);
          const p = r.path!;
          for (let i = 0; i < p.tSec.length; i++)
            expect(p.pnlQuote[i]!).toBeCloseTo(
              p.cashQuote[i]! + p.inventoryLots[i]! * p.midPrice[i]! * 0.1,
              9,
            );
          expect(r.counts.makerBuys + r.counts.makerSells).toBe(r.fills.length);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('quotes rest at mid -+ delta and fill at that price; the path records them (decimated)', () => {
    const r = simulate({ ...base, recordEverySteps: 10 });
    const p = r.path!;
    expect(p.tSec.length).toBe(61); // 600 steps / 10 + the final state
    expect(p.tSec[1]).toBeCloseTo(1, 12);
    expect(p.tSec[60]).toBe(60);
    for (let i = 0; i < 60; i++) {
      expect(p.bidPrice[i]!).toBeCloseTo(p.midPrice[i]! - 0.3, 9);
      expect(p.askPrice[i]!).toBeCloseTo(p.midPrice[i]! + 0.3, 9);
    }
    const none = simulate({ ...base, recordEverySteps: 0, recordFills: false });
    expect(none.path).toBeNull();
    expect(none.fills).toEqual([]);
    expect(none.pnlQuote).toBe(r.pnlQuote);
  });

  it('maker fills arrive at 1 - exp(-lambda dt) per step (exact) or lambda dt (first order)', () => {
    // a frozen mid and a quote at d = 0.5: lambda = 5 e^-1 per second
    const still = {
      ...base,
      midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0 }),
      policy: constantPolicy(0.5, 0.5),
    };
    const lambda = 5 * Math.exp(-1);
    for (const [mode, p] of [
      ['exact', -Math.expm1(-lambda * 0.1)],
      ['firstOrder', lambda * 0.1],
    ] as const) {
      let buys = 0;
      const runs = 40;
      for (let s = 0; s < runs; s++)
        buys += simulate({
          ...still,
          seed: s,
          fillProbability: mode,
          horizonSec: 100,
          recordEverySteps: 0,
        }).counts.makerBuys;
      const n = runs * 1000;
      expect(Math.abs(buys / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('take crosses the spread for one lot at the touch and pays the taker fee', () => {
    const r = simulate({
      ...base,
      bookModel: flatBook({ halfSpreadPrice: 0.05 }),
      feeModel: bpsFees({ makerBps: 0, takerBps: 10 }),
      midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0 }),
      horizonSec: 1,
      policy: scriptedPolicy((s) => ({
        take: s.tSec === 0 ? 'buy' : s.tSec === 0.5 ? 'sell' : null,
      })),
    });
    expect(r.fills.map((f) => [f.tSec, f.side, f.role, f.price])).toEqual([
      [0, 'buy', 'taker', 100.05],
      [0.5, 'sell', 'taker', 99.95],
    ]);
    expect(r.fills[0]!.feeQuote).toBeCloseTo(100.05 * 1e-3, 12);
    expect(r.pnlQuote).toBeCloseTo(-0.1 - (100.05 + 99.95) * 1e-3, 9);
  });

  it("the seed's rate-form taker controls trade as Poisson arrivals at those rates", () => {
    const r = simulate({
      ...base,
      horizonSec: 100,
      policy: scriptedPolicy(() => ({ takerBuyRatePerSec: 3, takerSellRatePerSec: 1 })),
    });
    expect(Math.abs(r.counts.takerBuys - 300)).toBeLessThan(5 * Math.sqrt(300));
    expect(Math.abs(r.counts.takerSells - 100)).toBeLessThan(5 * Math.sqrt(100));
    expect(r.counts.makerBuys + r.counts.makerSells).toBe(0);
  });

  it('latency: an order decided at t rests from t + latency (fills never earlier)', () => {
    // from t = 1 s the policy bids at the mid with an overwhelming fill rate: the first fill is
    // the first moment the order is live, 1 + 0.35 s, inside the step [1.3, 1.4)
    const r = simulate({
      ...base,
      midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0 }),
      fillModel: exponentialFills({ aPerSec: 1e9, kPerPrice: 1 }),
      latencyModel: constantLatency(0.35),
      horizonSec: 2,
      policy: scriptedPolicy((s) => (s.tSec >= 1 - 1e-9 ? { bidDeltaPrice: 0 } : {})),
    });
    expect(r.fills[0]!.tSec).toBeCloseTo(1.35, 12);
    expect(r.fills[0]!.price).toBe(100);
    // one lot per live order: each later decision's order is live 0.35 s after it
    expect(r.fills.slice(1, 3).map((f) => Number(f.tSec.toFixed(9)))).toEqual([1.45, 1.55]);
  });

  it('fillsAfterMidMove: fills see the moved mid, quotes stay where they were set', () => {
    // a binomial mid and quotes 0.05 from it: after an up-move of 0.1414 the ask is below the mid
    const r = simulate({
      ...base,
      midModel: binomialMid({ sigmaPerSqrtSec: 2 }),
      dtSec: 0.005,
      horizonSec: 1,
      fillsAfterMidMove: true,
      fillModel: exponentialFills({ aPerSec: 140, kPerPrice: 1.5 }),
      fillProbability: 'firstOrder',
      policy: constantPolicy(0.05, 0.05),
    });
    const p = r.path!;
    const step = (t: number) => Math.round(t / 0.005);
    for (const f of r.fills) {
      const i = step(f.tSec);
      const moved = p.midPrice[i + 1]! - p.midPrice[i]!;
      expect(f.price).toBeCloseTo(p.midPrice[i]! + (f.side === 'buy' ? -0.05 : 0.05), 9);
      expect(Math.abs(moved)).toBeGreaterThan(0.14);
    }
    // adverse selection: asks fill more often after up-moves
    const upAfterAsk = r.fills.filter(
      (f) => f.side === 'sell' && p.midPrice[step(f.tSec) + 1]! > p.midPrice[step(f.tSec)]!,
    );
    const sells = r.fills.filter((f) => f.side === 'sell').length;
    expect(upAfterAsk.length / sells).toBeGreaterThan(0.5);
  });

  it("runs hjb-core's policies against a synthetic L2 book with book-aware fills", () => {
    const policy = new HeuristicPolicy({
      qMaxLots: 5,
      horizonSec: 3600,
      baseHalfSpreadBps: 5,
      phiPerLot2Sec: 1e-4,
      takerFeeBps: 2,
      lambda0PerSec: 1,
      betaPerBps: 0.1,
      driftScalePerSec: 0.01,
    });
    const cfg: SimulationConfig = {
      ...base,
      midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0.02 }),
      bookModel: syntheticBook({ tickPrice: 0.01, levels: 5, meanSizeBase: 3 }),
      fillModel: bookAwareFills({ lambda0PerSec: 1, betaPerPrice: 10 }), // the seed's 0.1 per bps at 100
      feeModel: bpsFees({ makerBps: -0.2, takerBps: 2 }),
      latencyModel: constantLatency(0.03),
      horizonSec: 600,
      policy,
    };
    const r = simulate(cfg);
    expect(r.fills.length).toBeGreaterThan(100);
    expect(r.maxAbsInventoryLots).toBeLessThanOrEqual(6);
    expect(r.decisions).toBe(6000);
    expect(simulate(cfg)).toEqual(r);
  });

  it('checks its inputs, naming the field', () => {
    expect(() => simulate({ ...base, dtSec: 0.7 })).toThrow(/dtSec/);
    expect(() => simulate({ ...base, seed: 0.5 })).toThrow(/seed/);
    expect(() => simulate({ ...base, decideEverySteps: 0 })).toThrow(/decideEverySteps/);
    expect(() => simulate({ ...base, initialMidPrice: Number.NaN })).toThrow(/initialMidPrice/);
    expect(() => simulate({ ...base, lotSizeBase: 0 })).toThrow(/lotSizeBase/);
  });
});
