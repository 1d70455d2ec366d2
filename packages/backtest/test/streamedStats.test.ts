import { simulate } from '@mm/simulator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathResultFromSeries } from '../src/index.js';
import {
  buildMarket,
  comparePolicies,
  MAX_REPORT_POINTS,
  type MarketSpec,
  pathResultOf,
  policyFactory,
} from '../src/run/index.js';
import { inventoryStats } from '../src/stats/inventory.js';

// The backtest no longer keeps every path's series: the objective comes from the simulator's
// inventory integrals, streamed step by step. They must equal the statistics of the stored
// series exactly (same operations in the same order), so no result changes.

const market: MarketSpec = {
  initialMidPrice: 100,
  midModel: 'arithmetic',
  sigmaPerSqrtSec: 0.5,
  aPerSec: 3,
  kPerPrice: 2,
  qMaxLots: 6,
};

describe('streamed inventory statistics', () => {
  it('equal inventoryStats of the full stored path, bit for bit (property over seeds and steps)', () => {
    const policy = policyFactory(
      { type: 'closedForm' },
      { market, horizonSec: 20, phiPerLot2Sec: 0.02 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(0.05, 0.1, 0.25),
        fc.integer({ min: 1, max: 40 }),
        (seed, dtSec, horizonSec) => {
          const r = simulate({
            ...buildMarket(market),
            policy: policy.create(),
            dtSec,
            horizonSec,
            seed,
            recordEverySteps: 1,
          });
          const stored = inventoryStats(r.path!.tSec, r.path!.inventoryLots);
          expect(r.inventory).toEqual(stored);
          // and the path result built from them equals the one built from the series
          const fromSeries = pathResultFromSeries(
            {
              tSec: r.path!.tSec,
              inventoryLots: r.path!.inventoryLots,
              pnl: r.path!.pnlQuote,
              fills: r.counts.makerBuys + r.counts.makerSells,
              takerVolume: r.counts.takerBuys + r.counts.takerSells,
            },
            0.02,
          );
          expect(pathResultOf(r, { phiPerLot2Sec: 0.02 })).toEqual(fromSeries);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a run without a stored path gives the same statistics as one with it', () => {
    const policy = policyFactory(
      { type: 'heuristic' },
      { market, horizonSec: 30, phiPerLot2Sec: 0.01 },
    );
    const run = (recordEverySteps: number) =>
      simulate({
        ...buildMarket(market),
        policy: policy.create(),
        dtSec: 0.1,
        horizonSec: 30,
        seed: 11,
        recordEverySteps,
      });
    expect(run(0).path).toBeNull();
    expect(run(0).inventory).toEqual(run(1).inventory);
    expect(run(0).inventory.integratedSquaredInventory).toBeGreaterThan(0);
  });

  it('the representative path of a long run is thinned to at most MAX_REPORT_POINTS points', () => {
    const steps = 3 * MAX_REPORT_POINTS;
    const r = comparePolicies({
      market,
      dtSec: 0.01,
      horizonSec: steps * 0.01,
      paths: 2,
      seed: 1,
      objective: { phiPerLot2Sec: 0.01 },
      policies: [
        policyFactory(
          { type: 'symmetric', halfSpreadPrice: 0.5 },
          {
            market,
            horizonSec: steps * 0.01,
            phiPerLot2Sec: 0.01,
          },
        ),
      ],
    });
    const kept = r.representative[0]!.path.tSec.length;
    expect(kept).toBeLessThanOrEqual(MAX_REPORT_POINTS + 2);
    expect(kept).toBeGreaterThan(MAX_REPORT_POINTS / 2);
    expect(r.steps).toBe(2 * steps);
  }, 120_000);
});
