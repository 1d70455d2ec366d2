import { describe, expect, it } from 'vitest';
import type { HjbProblem } from '../src/exact/HjbProblem.js';
import { solveStationaryExponential } from '../src/exact/solveStationaryExponential.js';
import { ExponentialIntensity } from '../src/intensity/exponentialIntensity.js';
import { compareGridWithClosedForm } from '../src/multi/compareQuotes.js';
import { gridQuotesFor, gridStateIndex, solveMultiAssetGrid } from '../src/multi/multiAssetGrid.js';
import type { AssetSpec, MultiAssetProblem } from '../src/multi/multiAssetProblem.js';
import { solveMultiAssetStationary } from '../src/multi/multiAssetRiccati.js';
import { createMultiAssetQuotes, quotesFor } from '../src/multi/multiAssetSolution.js';
import { covarianceFromCorrelation } from '../src/multi/penalty.js';

/** The same asset as the existing single-asset problem (values per lot, phi per lot^2). */
function singleAssetProblem(
  asset: { lotSize: number; aPerSec: number; kPerPrice: number },
  phiPerUnit2Sec: number,
  xi: number,
  qMax: number,
): HjbProblem {
  const intensity = { aPerSec: asset.aPerSec, kPerPrice: asset.kPerPrice, xi: xi * asset.lotSize };
  return {
    qMax,
    bid: new ExponentialIntensity(intensity),
    ask: new ExponentialIntensity(intensity),
    phiPerLot2Sec: phiPerUnit2Sec * asset.lotSize,
    muPerLotSec: 0,
  };
}

const assetA = { lotSize: 0.5, aPerSec: 1.3, kPerPrice: 2.2 };
const assetB = { lotSize: 2, aPerSec: 0.7, kPerPrice: 0.8 };
const spec = (a: typeof assetA): AssetSpec => ({
  lotSize: a.lotSize,
  venues: [{ aPerSec: a.aPerSec, kPerPrice: a.kPerPrice }],
});

describe('exact multi-asset grid solver', () => {
  it('with one asset equals the single-asset Perron solution (solveStationaryExponential)', () => {
    for (const xi of [0, 0.3]) {
      const phi = 0.04;
      const qMax = 12;
      const grid = solveMultiAssetGrid(
        { assets: [spec(assetA)], penalty: { kind: 'identity', phiPerUnit2Sec: phi }, xi },
        { maxLots: [qMax] },
      );
      const single = solveStationaryExponential(singleAssetProblem(assetA, phi, xi, qMax));
      const out = createMultiAssetQuotes(grid);
      let err = 0;
      for (let q = -qMax; q <= qMax; q++) {
        gridQuotesFor(grid, [q], out);
        const i = q + qMax;
        for (const [a, b] of [
          [out.bidDeltaPrice[0]!, single.table.bidDelta[i]!],
          [out.askDeltaPrice[0]!, single.table.askDelta[i]!],
        ] as const) {
          if (Number.isNaN(b)) expect(a).toBeNaN();
          else err = Math.max(err, Math.abs(a - b) / Math.abs(b));
        }
        // theta = lotSize * h (values per lot in the single-asset code).
        expect(Math.abs(grid.valueCurrency[i]! - assetA.lotSize * single.table.h[i]!)).toBeLessThan(
          1e-10 * (1 + Math.abs(grid.valueCurrency[i]!)),
        );
      }
      expect(err).toBeLessThan(1e-9);
      expect(
        Math.abs(grid.valuePerSec - assetA.lotSize * single.valuePerSec) /
          Math.abs(grid.valuePerSec),
      ).toBeLessThan(1e-10);
    }
  });

  it('with two independent assets (diagonal Phi) separates into the single-asset solutions', () => {
    const phi = [0.05, 0.01];
    const maxLots = [6, 4];
    const grid = solveMultiAssetGrid(
      {
        assets: [spec(assetA), spec(assetB)],
        penalty: {
          kind: 'matrix',
          phiPerUnit2Sec: [
            [phi[0]!, 0],
            [0, phi[1]!],
          ],
        },
      },
      { maxLots },
    );
    const singles = [assetA, assetB].map((a, i) =>
      solveStationaryExponential(singleAssetProblem(a, phi[i]!, 0, maxLots[i]!)),
    );
    const out = createMultiAssetQuotes(grid);
    let err = 0;
    for (let q0 = -6; q0 <= 6; q0++)
      for (let q1 = -4; q1 <= 4; q1++) {
        gridQuotesFor(grid, [q0, q1], out);
        [q0, q1].forEach((q, i) => {
          const t = singles[i]!.table;
          const b = t.bidDelta[q + maxLots[i]!]!;
          if (Number.isNaN(b)) expect(out.bidDeltaPrice[i]).toBeNaN();
          else err = Math.max(err, Math.abs(out.bidDeltaPrice[i]! - b) / Math.abs(b));
        });
      }
    expect(err).toBeLessThan(1e-9);
    const g = assetA.lotSize * singles[0]!.valuePerSec + assetB.lotSize * singles[1]!.valuePerSec;
    expect(Math.abs(grid.valuePerSec - g) / Math.abs(g)).toBeLessThan(1e-10);
  });

  const correlated = (rho: number): MultiAssetProblem => ({
    assets: [spec(assetA), spec(assetB)],
    penalty: {
      kind: 'covariance',
      gamma: 0.2,
      covariancePerSec: covarianceFromCorrelation(
        [0.4, 0.3],
        [
          [1, rho],
          [rho, 1],
        ],
      ),
    },
  });

  it('is symmetric under q -> -q (db(q) = da(-q)) and skews across assets like the closed form', () => {
    for (const rho of [0.7, -0.7]) {
      const grid = solveMultiAssetGrid(correlated(rho), { maxLots: [5, 5] });
      const a = createMultiAssetQuotes(grid);
      const b = createMultiAssetQuotes(grid);
      for (const lots of [
        [1, -2],
        [0, 3],
        [4, 4],
      ]) {
        gridQuotesFor(grid, lots, a);
        gridQuotesFor(
          grid,
          lots.map((l) => -l),
          b,
        );
        for (let i = 0; i < 2; i++)
          expect(Math.abs(a.bidDeltaPrice[i]! - b.askDeltaPrice[i]!)).toBeLessThan(1e-10);
      }
      const flat = gridQuotesFor(grid, [0, 0], createMultiAssetQuotes(grid));
      const long = gridQuotesFor(grid, [3, 0], createMultiAssetQuotes(grid));
      const sign = Math.sign(rho);
      expect(sign * (long.bidDeltaPrice[1]! - flat.bidDeltaPrice[1]!)).toBeGreaterThan(0);
      expect(sign * (long.askDeltaPrice[1]! - flat.askDeltaPrice[1]!)).toBeLessThan(0);
    }
  });

  it('two venues with the same k and rates summing to A solve exactly like one venue with A', () => {
    const one = solveMultiAssetGrid(correlated(0.5), { maxLots: [4, 4] });
    const split: MultiAssetProblem = {
      ...correlated(0.5),
      assets: [
        {
          lotSize: 0.5,
          venues: [
            { aPerSec: 0.3, kPerPrice: 2.2 },
            { aPerSec: 1.0, kPerPrice: 2.2 },
          ],
        },
        spec(assetB),
      ],
    };
    const two = solveMultiAssetGrid(split, { maxLots: [4, 4] });
    let err = 0;
    for (let s = 0; s < one.stateCount; s++)
      err = Math.max(err, Math.abs(one.valueCurrency[s]! - two.valueCurrency[s]!));
    expect(err).toBeLessThan(1e-12);
    const q = gridQuotesFor(two, [1, 1], createMultiAssetQuotes(two));
    expect(q.bidDeltaPrice[0]).toBe(q.bidDeltaPrice[1]);
    expect(q.bidDeltaPrice.length).toBe(3);
  });

  it('a rebate r equals the rate A exp(k r) with quotes shifted by -r (exact identity)', () => {
    const r = 0.1;
    const withRebate: MultiAssetProblem = {
      ...correlated(0.5),
      assets: [
        { lotSize: 0.5, venues: [{ aPerSec: 1.3, kPerPrice: 2.2, makerRebatePrice: r }] },
        spec(assetB),
      ],
    };
    const boosted: MultiAssetProblem = {
      ...correlated(0.5),
      assets: [spec({ ...assetA, aPerSec: 1.3 * Math.exp(2.2 * r) }), spec(assetB)],
    };
    const g1 = solveMultiAssetGrid(withRebate, { maxLots: [4, 4] });
    const g2 = solveMultiAssetGrid(boosted, { maxLots: [4, 4] });
    const a = gridQuotesFor(g1, [2, -1], createMultiAssetQuotes(g1));
    const b = gridQuotesFor(g2, [2, -1], createMultiAssetQuotes(g2));
    expect(Math.abs(a.bidDeltaPrice[0]! - (b.bidDeltaPrice[0]! - r))).toBeLessThan(1e-10);
    expect(Math.abs(a.bidDeltaPrice[1]! - b.bidDeltaPrice[1]!)).toBeLessThan(1e-10);
  });

  it('the closed form is close to the exact quotes near q = 0 and compareGridWithClosedForm says how close', () => {
    const problem = correlated(0.5);
    const grid = solveMultiAssetGrid(problem, { maxLots: [8, 8] });
    const sol = solveMultiAssetStationary(problem);
    const cmp = compareGridWithClosedForm(grid, sol, 1);
    expect(cmp.quoteCount).toBe(2 * 2 * 17 * 17 - 2 * 2 * 17);
    expect(cmp.nearQuoteCount).toBe(9 * 4);
    // The static parts are 1/k = 0.45 and 1.25: the closed form is within 7% of them near 0
    // (README.md has the measured errors).
    expect(cmp.nearMaxAbsDiffPrice).toBeLessThan(0.03);
    expect(cmp.nearMeanAbsDiffPrice).toBeLessThanOrEqual(cmp.nearMaxAbsDiffPrice);
    expect(cmp.maxAbsDiffPrice).toBeGreaterThanOrEqual(cmp.nearMaxAbsDiffPrice);
    // Spot check one state by hand.
    const e = gridQuotesFor(grid, [1, -1], createMultiAssetQuotes(grid));
    const c = quotesFor(sol, [1, -1], createMultiAssetQuotes(sol));
    expect(Math.abs(e.bidDeltaPrice[0]! - c.bidDeltaPrice[0]!)).toBeLessThanOrEqual(
      cmp.nearMaxAbsDiffPrice,
    );
  });

  it('solves three assets (9^3 states)', () => {
    const three: MultiAssetProblem = {
      assets: [spec(assetA), spec(assetB), spec(assetA)],
      penalty: {
        kind: 'covariance',
        gamma: 0.2,
        covariancePerSec: covarianceFromCorrelation(
          [0.4, 0.3, 0.5],
          [
            [1, 0.6, -0.3],
            [0.6, 1, -0.4],
            [-0.3, -0.4, 1],
          ],
        ),
      },
    };
    const grid = solveMultiAssetGrid(three, { maxLots: [4, 4, 4] });
    expect(grid.stateCount).toBe(729);
    const cmp = compareGridWithClosedForm(grid, solveMultiAssetStationary(three), 1);
    expect(cmp.nearMaxAbsDiffPrice).toBeLessThan(0.06);
  });

  it('rejects bad bounds and off-grid inventories naming the field', () => {
    const problem = correlated(0.5);
    expect(() => solveMultiAssetGrid(problem, { maxLots: [3] })).toThrow(
      /maxLots must have 2 entries/,
    );
    expect(() => solveMultiAssetGrid(problem, { maxLots: [3, 0] })).toThrow(
      /maxLots\[1\] must be an integer >= 1/,
    );
    expect(() => solveMultiAssetGrid(problem, { maxLots: [100, 100] })).toThrow(/too large/);
    const grid = solveMultiAssetGrid(problem, { maxLots: [2, 2] });
    expect(gridStateIndex(grid, [-2, -2])).toBe(0);
    expect(gridStateIndex(grid, [2, 2])).toBe(24);
    expect(() => gridStateIndex(grid, [3, 0])).toThrow(
      /inventoryLots\[0\] must be an integer in \[-2, 2\]/,
    );
    expect(() => gridStateIndex(grid, [0, 0.5])).toThrow(/inventoryLots\[1\]/);
  });
});
