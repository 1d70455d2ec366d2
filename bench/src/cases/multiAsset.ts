import {
  type AssetSpec,
  covarianceFromCorrelation,
  createMultiAssetQuotes,
  hedgeRatesFor,
  type MultiAssetProblem,
  type MultiAssetSolution,
  quotesFor,
  solveMultiAssetFiniteHorizon,
  solveMultiAssetStationary,
  takerHedgeCosts,
} from '@mm/hjb-core';
import { createRng, type Rng } from '@mm/simulator';
import type { BenchCase, Prepared, Target } from '../harness.js';

const GROUP = 'multi-asset';
/** Inventory vectors cycled through per call (a power of two). */
const INVENTORIES = 1024;
const MASK = INVENTORIES - 1;
/** Inventories are drawn from `[-MAX_LOTS, MAX_LOTS]` lots per asset. */
const MAX_LOTS = 20;
/** Remaining horizon of the finite-horizon cases, seconds. */
const TAU_SEC = 60;

/** Issue 3's per-tick budget: quotes for every asset of a 10-asset book. */
const QUOTES_PER_TICK: Target = { label: '< 5 us median (10 assets)', maxMedianNs: 5_000 };

/**
 * A random `n x n` correlation matrix: `S = B B' + I` with `B` standard normal (`n x 3`: three
 * common factors, so the correlations are sizeable), scaled to a unit diagonal. PSD by
 * construction, full rank.
 */
export function randomCorrelation(n: number, rng: Rng): number[][] {
  const factors = 3;
  const b = Array.from({ length: n }, () => Array.from({ length: factors }, () => rng.normal()));
  const s = b.map((bi, i) =>
    b.map((bj, j) => bi.reduce((acc, x, f) => acc + x * bj[f]!, 0) + (i === j ? 1 : 0)),
  );
  return s.map((row, i) => row.map((v, j) => v / Math.sqrt(s[i]![i]! * s[j]![j]!)));
}

/**
 * `n` assets in price units of about one tick: `sigma` 0.2-1 per sqrt(s), each venue `A` 0.5-3
 * fills/s and `k` 0.5-2 per price unit, lot 1; `Phi = (gamma/2) Sigma` (gamma 0.1) from a seeded
 * random correlation; model B (`xi = 0`).
 */
export function randomBook(n: number, venuesPerAsset: number, seed: number): MultiAssetProblem {
  const rng = createRng(seed);
  const sigma = Array.from({ length: n }, () => 0.2 + 0.8 * rng.uniform());
  const assets: AssetSpec[] = Array.from({ length: n }, () => ({
    lotSize: 1,
    venues: Array.from({ length: venuesPerAsset }, () => ({
      aPerSec: 0.5 + 2.5 * rng.uniform(),
      kPerPrice: 0.5 + 1.5 * rng.uniform(),
    })),
  }));
  const covariancePerSec = covarianceFromCorrelation(sigma, randomCorrelation(n, rng));
  return { assets, penalty: { kind: 'covariance', gamma: 0.1, covariancePerSec } };
}

/** `INVENTORIES` inventory vectors of `n` whole lots in `[-MAX_LOTS, MAX_LOTS]`. */
function inventories(n: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: INVENTORIES }, () =>
    Float64Array.from({ length: n }, () => Math.round((2 * rng.uniform() - 1) * MAX_LOTS)),
  );
}

function allFinite(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return false;
  return true;
}

/** A solve timed from the problem (checks, `Phi`, `Dm`, eigendecomposition, the solution). */
function solveCase(n: number, horizon: 'stationary' | 'finite'): BenchCase {
  const what =
    horizon === 'stationary'
      ? 'solveMultiAssetStationary'
      : `solveMultiAssetFiniteHorizon, tau ${TAU_SEC} s`;
  return {
    group: GROUP,
    name: `${what}, covariance-aware Phi (${n} assets)`,
    samples: n > 20 ? 200 : 1000,
    setup: () => {
      const problem = randomBook(n, 1, 7);
      const solve = (): MultiAssetSolution =>
        horizon === 'stationary'
          ? solveMultiAssetStationary(problem)
          : solveMultiAssetFiniteHorizon(problem, TAU_SEC);
      let last = solve();
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            last = solve();
            sum += last.valueMatrix[0]!;
          }
          return sum;
        },
        verify: () => {
          if (!allFinite(last.valueMatrix)) return 'value matrix not finite';
          if (last.valueMatrix[0]! <= 0) return 'value matrix has A_11 <= 0';
          return undefined;
        },
      };
    },
  };
}

/** `quotesFor` into one preallocated buffer, a different inventory vector per call. */
function quotesCase(venuesPerAsset: number): BenchCase {
  const n = 10;
  const venues = venuesPerAsset === 1 ? '1 venue' : `${venuesPerAsset} venues`;
  return {
    group: GROUP,
    name: `quotesFor, all ${n} assets, ${venues} per asset, preallocated output`,
    batch: 1000,
    target: QUOTES_PER_TICK,
    setup: (): Prepared => {
      const solution = solveMultiAssetStationary(randomBook(n, venuesPerAsset, 7));
      const out = createMultiAssetQuotes(solution);
      const qs = inventories(n, 11);
      let k = 0;
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            quotesFor(solution, qs[k++ & MASK]!, out);
            sum += out.bidDeltaPrice[0]! - out.askDeltaPrice[out.askDeltaPrice.length - 1]!;
          }
          return sum;
        },
        verify: () => {
          if (out.bidDeltaPrice.length !== n * venuesPerAsset) return 'wrong number of venue slots';
          return allFinite(out.bidDeltaPrice) && allFinite(out.askDeltaPrice)
            ? undefined
            : 'quotes not finite';
        },
      };
    },
  };
}

/** `hedgeRatesFor` (per-asset mode) with small crossing costs, so most inventories hedge. */
function hedgeCase(): BenchCase {
  const n = 10;
  return {
    group: GROUP,
    name: `hedgeRatesFor, perAsset, ${n} assets, preallocated output`,
    batch: 1000,
    setup: (): Prepared => {
      const solution = solveMultiAssetStationary(randomBook(n, 1, 7));
      const costs = takerHedgeCosts(
        Array.from({ length: n }, () => ({ psiPrice: 0.05, etaPriceSecPerUnit: 1 })),
        n,
      );
      const out = new Float64Array(n);
      const qs = inventories(n, 13);
      let k = 0;
      let trading = 0;
      let total = 0;
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            hedgeRatesFor(solution, costs, qs[k++ & MASK]!, 'perAsset', out);
            sum += out[0]!;
            if (out[0] !== 0) trading++;
          }
          total += calls;
          return sum;
        },
        verify: () => {
          if (!allFinite(out)) return 'hedge rates not finite';
          // Mostly outside the dead zone, or the case would time the cheap branch only.
          return trading > total / 2 ? undefined : `asset 1 hedged on ${trading}/${total} calls`;
        },
      };
    },
  };
}

export const multiAssetCases: BenchCase[] = [
  solveCase(10, 'stationary'),
  solveCase(50, 'stationary'),
  solveCase(10, 'finite'),
  quotesCase(1),
  quotesCase(2),
  hedgeCase(),
];
