import { comparePolicies, policyFactory } from '@mm/backtest/run';
import { type Control, HeuristicPolicy, type MarketState } from '@mm/hjb-core';
import { arithmeticBrownian, exponentialFills, simulate } from '@mm/simulator';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type GridSearchJobData,
  type GridSearchResult,
  parseJobData,
} from '../src/jobs/jobSchemas.js';
import {
  expandCandidates,
  gridMarketSpec,
  onTickGrid,
  runGridSearch,
} from '../src/processors/gridSearch.js';

// Avellaneda-Stoikov-like market (price units, seconds): sigma 2 per sqrt(s), A 1.5 fills/s,
// k 1.5 per price unit; 1/k = 0.667 = 0.667 bps of 10 000. (A high price keeps the mid within a
// few of the 10 bps buckets in which `policyFactory`'s exact policy solves again, so the direct
// comparePolicies run below stays fast.)
const input = {
  market: { sigma: 2, A: 1.5, k: 1.5, midPrice: 10_000 },
  objective: { gamma: 0.1 },
  qMaxLots: 5,
  horizonSec: 20,
  dtSec: 0.1,
  paths: 40,
  seed: 7,
  candidates: {
    kind: 'grid',
    policies: ['heuristic', 'grid'],
    baseHalfSpreadBps: [0.4, 0.667, 1],
  },
};

function parse(data: unknown): GridSearchJobData {
  const r = parseJobData('grid-search', data);
  if (!r.ok) throw new Error(`${r.field}: ${r.message}`);
  return r.data;
}

describe('runGridSearch', () => {
  const data = parse(input);
  let result: GridSearchResult;
  const reports: [number, string | undefined][] = [];

  beforeAll(async () => {
    result = await runGridSearch(data, (f, note) => void reports.push([f, note]));
  });

  it('scores every candidate of the grid, in order (type x spread x drift scale)', () => {
    expect(result.candidates.map((c) => [c.type, c.baseHalfSpreadBps])).toEqual([
      ['heuristic', 0.4],
      ['heuristic', 0.667],
      ['heuristic', 1],
      ['grid', 0.4],
      ['grid', 0.667],
      ['grid', 1],
    ]);
    for (const c of result.candidates) {
      expect(c.driftScalePerSec).toBe(2); // default: sigma
      expect(c.objective.lower).toBeLessThan(c.objective.mean);
      expect(c.objective.upper).toBeGreaterThan(c.objective.mean);
      expect(c.share).not.toBeNull();
      expect(c.share!.estimate).toBeCloseTo(c.objective.mean / result.exact.objective.mean, 12);
    }
    expect(result.stepsPerPath).toBe(200);
    expect(result.simulatedSteps).toBe(7 * 40 * 200);
    expect(result.exactSolves).toBe(1);
  });

  it("exact's share is 1 and the best candidate has the highest mean objective", () => {
    expect(result.exact.share).toEqual({ estimate: 1, lower: 1, upper: 1 });
    expect(result.exact.type).toBe('exact');
    const top = Math.max(...result.candidates.map((c) => c.objective.mean));
    expect(result.best.objective.mean).toBe(top);
  });

  it('the heuristic gap is in [0, 1) and agrees with a direct comparePolicies run', () => {
    const gap = result.heuristicGap!;
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(1);
    const best = result.candidates[result.gaps.heuristic!.index]!;
    expect(best.type).toBe('heuristic');
    const ctx = {
      market: gridMarketSpec(data),
      horizonSec: data.horizonSec,
      gamma: data.objective.gamma,
      phiPerLot2Sec: result.phiPerLot2Sec,
      alphaPerLot2: 0,
      qMaxLots: data.qMaxLots,
    };
    const run = comparePolicies({
      market: ctx.market,
      dtSec: data.dtSec,
      horizonSec: data.horizonSec,
      paths: data.paths,
      seed: data.seed,
      objective: { phiPerLot2Sec: result.phiPerLot2Sec },
      policies: [
        policyFactory({ type: 'exact' }, ctx),
        policyFactory(
          {
            type: 'heuristic',
            baseHalfSpreadBps: best.baseHalfSpreadBps!,
            driftScalePerSec: best.driftScalePerSec!,
          },
          ctx,
        ),
      ],
      ratioMethod: 'delta',
    });
    const [exact, heuristic] = run.comparison.policies;
    expect(result.exact.objective.mean).toBeCloseTo(exact!.objective.mean, 9);
    expect(best.objective.mean).toBeCloseTo(heuristic!.objective.mean, 9);
    expect(best.objective.lower).toBeCloseTo(heuristic!.objective.ci.lower, 9);
    expect(gap).toBeCloseTo(1 - heuristic!.shareOfReference!.estimate, 12);
    expect(result.gaps.heuristic!.lower).toBeCloseTo(1 - heuristic!.shareOfReference!.upper, 12);
  });

  it("one candidate's objective equals an explicit recomputation: pnl - phi sum q^2 dt", () => {
    const c = result.candidates[0]!; // heuristic, 0.4 bps
    const { sigma, A, k, midPrice } = data.market;
    const phi = (data.objective.gamma * sigma * sigma) / 2;
    expect(result.phiPerLot2Sec).toBe(phi);
    const heuristic = new HeuristicPolicy({
      qMaxLots: data.qMaxLots,
      horizonSec: data.horizonSec,
      baseHalfSpreadBps: 0.4,
      phiPerLot2Sec: phi,
      takerFeeBps: 0,
      lambda0PerSec: A,
      betaPerBps: (k * midPrice) / 1e4,
      driftScalePerSec: sigma,
    });
    // the position limit: no bid at +qMax, no ask at -qMax, no taker trade beyond it
    const limited = {
      decide(s: MarketState): Control {
        const out = heuristic.decide(s);
        const q = s.inventoryLots;
        if (q < data.qMaxLots && q > -data.qMaxLots) return out;
        const noBid = q >= data.qMaxLots;
        return {
          ...out,
          bidDeltaPrice: noBid ? Number.NaN : out.bidDeltaPrice,
          bidDeltaBps: noBid ? Number.NaN : out.bidDeltaBps,
          askDeltaPrice: noBid ? out.askDeltaPrice : Number.NaN,
          askDeltaBps: noBid ? out.askDeltaBps : Number.NaN,
          takerBuyRatePerSec: noBid ? 0 : out.takerBuyRatePerSec,
          takerSellRatePerSec: noBid ? out.takerSellRatePerSec : 0,
          take: noBid
            ? out.take === 'buy'
              ? null
              : out.take
            : out.take === 'sell'
              ? null
              : out.take,
        };
      },
    };
    let sum = 0;
    for (let i = 0; i < data.paths; i++) {
      const r = simulate({
        initialMidPrice: midPrice,
        midModel: arithmeticBrownian({ sigmaPerSqrtSec: sigma, driftPerSec: 0 }),
        fillModel: exponentialFills({ aPerSec: A, kPerPrice: k }),
        policy: limited,
        dtSec: data.dtSec,
        horizonSec: data.horizonSec,
        seed: data.seed + i,
      });
      const path = r.path!;
      let penalty = 0;
      for (let j = 0; j + 1 < path.tSec.length; j++)
        penalty += path.inventoryLots[j]! ** 2 * (path.tSec[j + 1]! - path.tSec[j]!);
      sum += r.pnlQuote - phi * penalty;
    }
    expect(c.objective.mean).toBeCloseTo(sum / data.paths, 9);
  });

  it('is deterministic for a seed, and another seed gives other paths', async () => {
    const again = await runGridSearch(data, () => {});
    expect(again).toEqual(result);
    const other = await runGridSearch(parse({ ...input, seed: 8, paths: 5 }), () => {});
    expect(other.exact.objective.mean).not.toBe(result.exact.objective.mean);
  });

  it('reports progress after exact and after every candidate, monotone, ending at 1', () => {
    const fractions = reports.map(([f]) => f);
    expect(fractions).toHaveLength(1 + 1 + 6);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++)
      expect(fractions[i]!).toBeGreaterThan(fractions[i - 1]!);
    expect(reports.at(-1)![1]).toBe('candidate 6/6');
  });
});

describe('grid-search candidates and ticks', () => {
  it('the default grid: 1/k in bps times 0.5..2, drift scale sigma', () => {
    const d = parse({ market: input.market, objective: input.objective });
    const c = expandCandidates(d);
    expect(c.map((x) => x.type)).toEqual(Array(6).fill('heuristic'));
    expect(c.map((x) => x.baseHalfSpreadBps)).toEqual(
      [0.5, 0.75, 1, 1.25, 1.5, 2].map((m) => m * (1e4 / 1.5 / 10_000)),
    );
  });

  it('a list keeps its order and fills in defaults', () => {
    const d = parse({
      ...input,
      candidates: {
        kind: 'list',
        list: [
          { type: 'grid', driftScalePerSec: 3 },
          { type: 'heuristic', baseHalfSpreadBps: 10 },
        ],
      },
    });
    expect(expandCandidates(d)).toEqual([
      { type: 'grid', baseHalfSpreadBps: 1e4 / 1.5 / 10_000, driftScalePerSec: 3 },
      { type: 'heuristic', baseHalfSpreadBps: 10, driftScalePerSec: 2 },
    ]);
  });

  it('onTickGrid moves quotes away from the mid onto the tick grid', () => {
    const p = onTickGrid(
      {
        decide: (s) => ({
          bidDeltaPrice: 0.26,
          askDeltaPrice: 0.31,
          bidDeltaBps: 0,
          askDeltaBps: 0,
          take: null,
          takerBuyRatePerSec: 0,
          takerSellRatePerSec: 0,
          ...(s.inventoryLots > 0 ? { bidDeltaPrice: Number.NaN } : {}),
        }),
      },
      0.25,
    );
    const state = {
      inventoryLots: 0,
      midPrice: 100.1,
      marketSpreadPrice: 0,
      imbalance: 0.5,
      driftPerSec: 0,
      tSec: 0,
    };
    const c = p.decide(state);
    expect(100.1 - c.bidDeltaPrice).toBeCloseTo(99.75, 12); // 99.84 down to 99.75
    expect(100.1 + c.askDeltaPrice).toBeCloseTo(100.5, 12); // 100.41 up to 100.5
    expect(c.bidDeltaBps).toBeCloseTo((c.bidDeltaPrice * 1e4) / 100.1, 12);
    expect(p.decide({ ...state, inventoryLots: 1 }).bidDeltaPrice).toBeNaN();
  });

  it('a tick size costs the policies objective, and exact stays the reference', async () => {
    const base = {
      ...input,
      paths: 10,
      candidates: { kind: 'list', list: [{ type: 'heuristic' }] },
    };
    const free = await runGridSearch(parse(base), () => {});
    const ticked = await runGridSearch(
      parse({ ...base, market: { ...input.market, tickSize: 0.5 } }),
      () => {},
    );
    expect(ticked.exact.objective.mean).not.toBe(free.exact.objective.mean);
    expect(ticked.exact.share!.estimate).toBe(1);
  });

  it('handles 1000 candidates (exact solved and simulated once)', async () => {
    const d = parse({
      ...input,
      // a low price: the mid crosses many 10 bps buckets, the exact policy still solves once
      market: { ...input.market, midPrice: 100 },
      horizonSec: 1,
      paths: 2,
      candidates: {
        kind: 'grid',
        policies: ['heuristic', 'grid'],
        baseHalfSpreadBps: Array.from({ length: 50 }, (_, i) => 20 + 2 * i),
        driftScalePerSec: Array.from({ length: 10 }, (_, i) => 0.5 + i),
      },
    });
    let calls = 0;
    const r = await runGridSearch(d, () => void calls++);
    expect(r.candidates).toHaveLength(1000);
    expect(calls).toBe(1002);
    expect(r.simulatedSteps).toBe(1001 * 2 * 10);
    expect(r.exactSolves).toBe(1);
    expect(r.best.index).toBeGreaterThanOrEqual(0);
  });
});
