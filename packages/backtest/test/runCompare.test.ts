import { describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.js';
import {
  type ComparePoliciesOptions,
  comparePolicies,
  comparisonReport,
  type MarketSpec,
  type PolicySpec,
  policyFactory,
} from '../src/run/index.js';

/** A small GLFT-style market: 50 paths of 30 s, 0.1 s steps. */
const market: MarketSpec = {
  initialMidPrice: 100,
  midModel: 'arithmetic',
  sigmaPerSqrtSec: 0.3,
  aPerSec: 2,
  kPerPrice: 3,
  qMaxLots: 10,
};
const horizonSec = 30;
const phiPerLot2Sec = 0.01;
const specs: PolicySpec[] = [
  { type: 'exact' },
  { type: 'closedForm' },
  { type: 'grid' },
  { type: 'heuristic' },
  { type: 'symmetric' },
];

function options(over: Partial<ComparePoliciesOptions> = {}): ComparePoliciesOptions {
  const ctx = { market, horizonSec, phiPerLot2Sec };
  return {
    market,
    dtSec: 0.1,
    horizonSec,
    paths: 50,
    seed: 7,
    objective: { phiPerLot2Sec },
    policies: specs.map((s) => policyFactory(s, ctx)),
    resamples: 400,
    ...over,
  };
}

describe('comparePolicies: 50 paired paths of 5 policies', () => {
  const progress: [number, number][] = [];
  const run = comparePolicies(options({ onProgress: (d, t) => progress.push([d, t]) }));
  const byName = (n: string) => {
    const p = run.comparison.policies.find((x) => x.name === n);
    if (!p) throw new Error(`no ${n}`);
    return p;
  };

  it('summarises every policy against exact, paired', () => {
    expect(run.comparison.policies.map((p) => p.name)).toEqual(specs.map((s) => s.type));
    expect(run.comparison.reference).toBe('exact');
    expect(run.comparison.paired).toBe(true);
    for (const p of run.comparison.policies) {
      expect(p.paths).toBe(50);
      expect(p.objective.ci.lower).toBeLessThanOrEqual(p.objective.mean);
      expect(p.objective.ci.upper).toBeGreaterThanOrEqual(p.objective.mean);
      expect(p.fills.mean).toBeGreaterThan(0);
    }
    expect(byName('exact').shareOfReference).toBeNull();
    for (const n of ['grid', 'heuristic', 'symmetric', 'closedForm']) {
      const share = byName(n).shareOfReference;
      expect(share, n).not.toBeNull();
      expect(Number.isFinite(share?.estimate)).toBe(true);
    }
  });

  it('reports progress once per path, up to paths x policies', () => {
    expect(progress).toHaveLength(250);
    expect(progress[0]).toEqual([1, 250]);
    expect(progress.at(-1)).toEqual([250, 250]);
  });

  it('keeps one representative path per policy, on the same seed', () => {
    expect(run.representative.map((r) => r.seed)).toEqual([7, 7, 7, 7, 7]);
    const mids = run.representative.map((r) => Array.from(r.path.midPrice));
    for (const m of mids) expect(m).toEqual(mids[0]);
    expect(run.representative[0]?.path.tSec.length).toBe(301);
  });

  it('the exact policy is not worse than the symmetric quote beyond its interval', () => {
    const exact = byName('exact').objective;
    const sym = byName('symmetric').objective;
    expect(exact.mean).toBeGreaterThan(sym.ci.lower);
    expect(exact.mean).toBeGreaterThanOrEqual(sym.mean - (exact.ci.upper - exact.ci.lower) / 2);
    // and it carries less inventory
    expect(byName('exact').meanAbsInventory.mean).toBeLessThan(
      byName('symmetric').meanAbsInventory.mean,
    );
  });

  it('is deterministic for a seed, and another seed gives other paths', () => {
    const again = comparePolicies(options());
    expect(again.comparison).toEqual(run.comparison);
    expect(again.extras).toEqual(run.extras);
    const other = comparePolicies(options({ seed: 8, paths: 5 }));
    expect(other.extras[0]?.pnl.mean).not.toBe(run.extras[0]?.pnl.mean);
  });

  it('renders a report with the paths, quotes and comparison', () => {
    const html = renderReport(comparisonReport(run, { title: 'test' }));
    expect(html).toContain('<svg');
    expect(html).toContain('heuristic');
  });

  it('derives predicted vs realized fill rates from the reference path for the report', () => {
    const c = run.calibration;
    expect(c).not.toBeNull();
    expect(c?.name).toBe('exact');
    expect(c?.seed).toBe(7);
    expect(c?.model).toEqual({ aPerSec: 2, kPerPrice: 3 });
    expect(c?.bins.length).toBeGreaterThanOrEqual(4);
    expect(c?.predictedPerSec).toHaveLength(c?.bins.length ?? -1);
    expect(c?.bins.reduce((n, b) => n + b.fills, 0)).toBe(
      run.representative[0]?.fills.filter((f) => f.role === 'maker').length,
    );
    const report = comparisonReport(run, { title: 'test' });
    expect(report.calibration?.bins).toBe(c?.bins);
    expect(report.calibration?.fit).toBe(c?.fit);
    expect(report.notes?.at(-1)).toMatch(/true model A = 2 fills\/s, k = 3/);
    const html = renderReport(report);
    expect(html).toContain('data-chart="fill-rates"');
    expect(html).toContain('Predicted vs realized fills/s by depth');
  });

  it('realized fill rates match A e^{-k d} where a bin has many fills (300 s path)', () => {
    const long = comparePolicies(
      options({
        horizonSec: 300,
        paths: 2,
        policies: [policyFactory({ type: 'exact' }, { market, horizonSec: 300, phiPerLot2Sec })],
        resamples: 50,
      }),
    );
    const c = long.calibration!;
    expect(c.bins.length).toBeGreaterThanOrEqual(5);
    const busy = c.bins.filter((b) => b.fills >= 40);
    expect(busy.length).toBeGreaterThanOrEqual(2);
    for (const b of busy) {
      const predicted = market.aPerSec * Math.exp(-market.kPerPrice * b.depthPrice);
      expect(b.ratePerSec / predicted, `depth ${b.depthPrice}`).toBeGreaterThan(0.65);
      expect(b.ratePerSec / predicted, `depth ${b.depthPrice}`).toBeLessThan(1.5);
    }
    expect(c.fit).not.toBeNull();
    expect(Math.abs(c.fit!.kPerPrice - market.kPerPrice)).toBeLessThan(4 * c.fit!.kStdError + 0.5);
  });

  it('rejects bad options naming the field', () => {
    expect(() => comparePolicies(options({ paths: 0 }))).toThrow(/paths/);
    expect(() => comparePolicies(options({ policies: [] }))).toThrow(/policies/);
  });
});
