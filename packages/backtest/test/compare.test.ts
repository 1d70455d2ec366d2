import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ciContains,
  type PathResult,
  type PolicyRuns,
  pathResultFromSeries,
  summarizePolicies,
} from '../src/index.js';
import { type Rng, seededRng } from './support/random.js';

/** Paths of three policies on common markets: objective means 10 (exact), 9.3 (grid), 8 (heuristic). */
function syntheticRuns(rng: Rng, n: number): PolicyRuns[] {
  const shocks = Array.from({ length: n }, () => 3 * rng.normal());
  const make = (meanObjective: number, invScale: number): PathResult[] =>
    shocks.map((s) => {
      const penalty = 0.5 + 0.1 * rng.normal() ** 2;
      const objective = meanObjective + s + rng.normal();
      return {
        pnl: objective + penalty,
        objective,
        meanAbsInventory: invScale * (1 + 0.2 * rng.uniform()),
        maxAbsInventory: invScale * (3 + rng.uniform()),
        fills: 100 + Math.floor(20 * rng.uniform()),
        takerVolume: Math.floor(3 * rng.uniform()),
      };
    });
  return [
    { name: 'exact', paths: make(10, 2) },
    { name: 'grid', paths: make(9.3, 2.5) },
    { name: 'heuristic', paths: make(8, 3) },
  ];
}

describe('pathResultFromSeries', () => {
  it('subtracts the integrated inventory penalty phi q^2 dt', () => {
    const r = pathResultFromSeries(
      {
        tSec: [0, 10, 30, 40],
        inventoryLots: [1, -2, 0, 5],
        pnl: [0, 1, 2.5, 4],
        fills: 3,
        takerVolume: 1,
      },
      0.01,
      0.5,
    );
    // int q^2 dt = 1*10 + 4*20 + 0*10 = 90
    expect(r.pnl).toBe(4);
    expect(r.objective).toBeCloseTo(4 - 0.01 * 90 - 0.5, 14);
    expect(r.meanAbsInventory).toBeCloseTo((10 + 40) / 40, 14);
    expect(r.maxAbsInventory).toBe(5);
  });

  it('rejects bad input naming the field', () => {
    const base = { tSec: [0, 1], inventoryLots: [0, 1], pnl: [0, 1], fills: 1, takerVolume: 0 };
    expect(() => pathResultFromSeries(base, -1)).toThrow(/phiPerLot2Sec/);
    expect(() => pathResultFromSeries({ ...base, pnl: [1] }, 0)).toThrow(/pnl/);
    expect(() => pathResultFromSeries({ ...base, fills: -1 }, 0)).toThrow(/path\.fills/);
  });
});

describe('summarizePolicies', () => {
  it('summarises every metric and the shares of the exact objective', () => {
    const runs = syntheticRuns(seededRng(1), 400);
    for (const paired of [false, true]) {
      for (const ratioMethod of ['bootstrap', 'delta'] as const) {
        const c = summarizePolicies(runs, { paired, ratioMethod, seed: 5 });
        expect(c.hasReference).toBe(true);
        expect(c.policies.map((p) => p.name)).toEqual(['exact', 'grid', 'heuristic']);
        const [exact, grid, heuristic] = c.policies;
        expect(exact!.shareOfReference).toBeNull();
        expect(ciContains(grid!.shareOfReference!, 0.93)).toBe(true);
        expect(ciContains(heuristic!.shareOfReference!, 0.8)).toBe(true);
        expect(ciContains(exact!.objective.ci, 10)).toBe(true);
        expect(exact!.paths).toBe(400);
        for (const p of c.policies) {
          expect(p.pnl.mean).toBeGreaterThan(p.objective.mean);
          expect(ciContains(p.sharpe, p.sharpe.estimate)).toBe(true);
          expect(p.sharpe.method).toBe(ratioMethod);
          for (const m of [
            p.pnl,
            p.objective,
            p.meanAbsInventory,
            p.maxAbsInventory,
            p.fills,
            p.takerVolume,
          ]) {
            expect(ciContains(m.ci, m.mean)).toBe(true);
            expect(m.std).toBeGreaterThanOrEqual(0);
          }
        }
      }
    }
  });

  it('pairing narrows the share interval when paths share their market', () => {
    const runs = syntheticRuns(seededRng(2), 300);
    const width = (paired: boolean) => {
      const s = summarizePolicies(runs, { paired }).policies[2]!.shareOfReference!;
      return s.upper - s.lower;
    };
    expect(width(true)).toBeLessThan(width(false) / 2);
  });

  it('is deterministic, and the intervals of a policy do not depend on the others', () => {
    const runs = syntheticRuns(seededRng(3), 100);
    const all = summarizePolicies(runs, { seed: 11 });
    expect(summarizePolicies(runs, { seed: 11 })).toEqual(all);
    const two = summarizePolicies([runs[0]!, runs[2]!], { seed: 11 });
    expect(two.policies[1]).toEqual(all.policies[2]);
  });

  it('has no shares without the reference policy', () => {
    const runs = syntheticRuns(seededRng(4), 20).slice(1);
    const c = summarizePolicies(runs);
    expect(c.hasReference).toBe(false);
    expect(c.policies.every((p) => p.shareOfReference === null)).toBe(true);
    const vsGrid = summarizePolicies(runs, { reference: 'grid' });
    expect(vsGrid.policies[1]!.shareOfReference).not.toBeNull();
  });

  it('shares are invariant to a common scale of every objective (property)', () => {
    const runs = syntheticRuns(seededRng(6), 50);
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 100, noNaN: true }), (c) => {
        const scaled = runs.map((r) => ({
          name: r.name,
          paths: r.paths.map((p) => ({ ...p, pnl: c * p.pnl, objective: c * p.objective })),
        }));
        for (const ratioMethod of ['bootstrap', 'delta'] as const) {
          const a = summarizePolicies(runs, { ratioMethod, resamples: 300 });
          const b = summarizePolicies(scaled, { ratioMethod, resamples: 300 });
          for (let i = 0; i < a.policies.length; i++) {
            const sa = a.policies[i]!;
            const sb = b.policies[i]!;
            expect(sb.sharpe.lower).toBeCloseTo(sa.sharpe.lower, 9);
            if (sa.shareOfReference) {
              expect(sb.shareOfReference!.lower).toBeCloseTo(sa.shareOfReference.lower, 9);
              expect(sb.shareOfReference!.upper).toBeCloseTo(sa.shareOfReference.upper, 9);
            }
            expect(sb.objective.ci.upper).toBeCloseTo(c * sa.objective.ci.upper, 6);
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it('rejects bad input naming the field', () => {
    const runs = syntheticRuns(seededRng(7), 5);
    expect(() => summarizePolicies([runs[0]!, runs[0]!])).toThrow(
      /runs\[1\]\.name 'exact' is repeated/,
    );
    expect(() => summarizePolicies([{ name: 'x', paths: [] }])).toThrow(/runs\[0\]\.paths/);
    const bad = [{ name: 'x', paths: [{ ...runs[0]!.paths[0]!, objective: Number.NaN }] }];
    expect(() => summarizePolicies(bad)).toThrow(/runs\[0\]\.paths\[0\]\.objective/);
    const uneven = [runs[0]!, { name: 'y', paths: runs[1]!.paths.slice(1) }];
    expect(() => summarizePolicies(uneven, { paired: true })).toThrow(/runs\[1\]\.paths/);
    expect(() => summarizePolicies(runs, { level: 2 })).toThrow(/options\.level/);
  });
});
