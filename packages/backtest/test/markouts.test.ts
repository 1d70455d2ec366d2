import { describe, expect, it } from 'vitest';
import {
  MARKOUT_HORIZONS,
  MarkoutAccumulator,
  markout,
  midSeriesOf,
  renderReport,
} from '../src/index.js';
import {
  comparePolicies,
  comparisonReport,
  policyFactory,
  symmetricPolicy,
} from '../src/run/index.js';

describe('markout', () => {
  const mids = midSeriesOf([0, 1, 2, 10], [100, 101, 99, 98]);

  it('is side * (mid(t + h) - price), previous tick, and NaN past the data', () => {
    // bought at 99.5 at t = 0.5: the mid 1 s later (t = 1.5) is 101 (set at t = 1)
    expect(markout({ tSec: 0.5, side: 'buy', price: 99.5 }, 1, mids)).toBeCloseTo(1.5, 12);
    // sold at 100.5 at t = 1: the mid 5 s later (t = 6) is 99 (set at t = 2)
    expect(markout({ tSec: 1, side: 'sell', price: 100.5 }, 5, mids)).toBeCloseTo(1.5, 12);
    expect(markout({ tSec: 9.5, side: 'buy', price: 98 }, 1, mids)).toBeNaN();
  });

  it('pools blocks; horizons past the data are omitted, not zero', () => {
    const acc = new MarkoutAccumulator('path');
    acc.add(0, [{ tSec: 0, side: 'buy', price: 99 }], mids); // 1s: +2, 5s: 0
    acc.add(1, [{ tSec: 8, side: 'sell', price: 99 }], mids); // 1s: -(99 - 99) = 0, 5s: past the end
    const s = acc.summary({ resamples: 200 });
    expect(s.horizons['1s']!.mean).toBeCloseTo(1, 12);
    expect(s.horizons['1s']!.fills).toBe(2);
    expect(s.horizons['5s']!.mean).toBeCloseTo(0, 12);
    expect(s.horizons['5s']!.fills).toBe(1);
    expect(s.horizons['30s']).toBeUndefined();
    expect(s.blocks).toBe(2);
    expect(MARKOUT_HORIZONS.map((h) => h.label)).toEqual(['1s', '5s', '30s']);
  });
});

describe('markouts in a synthetic comparison', () => {
  it('with a mid independent of our fills, the mean markout is the quoted depth at every horizon', () => {
    // ABM mid (a martingale, independent of the fills): E[mid(t + h)] = mid(t), so a fill's
    // expected markout is its distance from the mid when it filled: the symmetric policy's 0.3
    const market = {
      initialMidPrice: 100,
      midModel: 'arithmetic' as const,
      sigmaPerSqrtSec: 0.3,
      aPerSec: 2,
      kPerPrice: 3,
    };
    const run = comparePolicies({
      market,
      dtSec: 0.1,
      horizonSec: 60,
      paths: 60,
      seed: 3,
      objective: { phiPerLot2Sec: 0 },
      policies: [{ name: 'symmetric', create: () => symmetricPolicy(0.3) }],
      resamples: 400,
    });
    const m = run.extras[0]!.markouts;
    for (const label of ['1s', '5s', '30s']) {
      const s = m.horizons[label]!;
      expect(s.ci.lower).toBeLessThan(0.3);
      expect(s.ci.upper).toBeGreaterThan(0.3);
    }
    // 60 s paths: a 30 s markout exists only for fills in the first half
    expect(m.horizons['30s']!.fills).toBeLessThan(m.horizons['1s']!.fills);
    const html = renderReport(comparisonReport(run, { title: 't' }));
    expect(html).toContain('id="markouts"');
    expect(html).toContain('markout 30s');
  });

  it('a 1 s horizon run reports only 1s', () => {
    const market = {
      initialMidPrice: 100,
      midModel: 'arithmetic' as const,
      sigmaPerSqrtSec: 0.3,
      aPerSec: 20,
      kPerPrice: 3,
    };
    const ctx = { market, horizonSec: 1, phiPerLot2Sec: 0 };
    const run = comparePolicies({
      market,
      dtSec: 0.01,
      horizonSec: 1,
      paths: 20,
      seed: 1,
      objective: { phiPerLot2Sec: 0 },
      policies: [policyFactory({ type: 'symmetric' }, ctx)],
      resamples: 200,
    });
    expect(Object.keys(run.extras[0]!.markouts.horizons)).toEqual(['1s']);
  });
});
