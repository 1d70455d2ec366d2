import {
  ExactPolicy,
  glftProblem,
  IndependentPolicy,
  MultiPolicy,
  type PortfolioPolicy,
  type PortfolioSpec,
  type PortfolioState,
  portfolioCovariance,
  resolvePortfolio,
  solvePortfolio,
} from '@mm/hjb-core';
import { createRng } from '@mm/simulator';
import type { BenchCase, Prepared, Target } from '../harness.js';
import { randomCorrelation } from './multiAsset.js';

const GROUP = 'portfolio';
/** States cycled through per call (a power of two). */
const STATES = 1024;
const MASK = STATES - 1;
const ASSETS = 10;
const VENUES = 2;

/** Issue 10's budget: one portfolio decision, 10 assets x 2 venues. */
const DECISION: Target = { label: '<= 2 us median (10 assets x 2 venues)', maxMedianNs: 2_000 };

/**
 * A 10-asset book on 2 venues: mids 10-1000, tick 1 bp of the mid, lot 1 unit, `sigma` 0.5-2 bp
 * of the mid per sqrt(s), per venue `A` 0.5-3 fills/s and `k` with `1/k` about 1-3 ticks, maker
 * 0 bp / taker 2-5 bp; a seeded random correlation (three factors); gamma 0.05 per quote
 * currency; hedging on at 1 lot/s.
 */
function book(seed: number): { spec: PortfolioSpec; mids: number[]; sigmas: number[] } {
  const rng = createRng(seed);
  const mids = Array.from({ length: ASSETS }, () => 10 * 100 ** rng.uniform());
  const sigmas = mids.map((m) => m * 1e-4 * (0.5 + 1.5 * rng.uniform()));
  const spec: PortfolioSpec = {
    assets: mids.map((mid, i) => ({
      symbol: `A${i}`,
      lotSizeBase: 1,
      quoteSizeLots: 1,
      qMaxLots: 20,
      tickSize: mid * 1e-4,
      referenceMidPrice: mid,
      venues: Array.from({ length: VENUES }, (_, v) => ({
        venue: `v${v}`,
        A: 0.5 + 2.5 * rng.uniform(),
        k: 1 / (mid * 1e-4 * (1 + 2 * rng.uniform())),
        makerFeeBps: 0,
        takerFeeBps: 2 + 3 * rng.uniform(),
      })),
    })),
    venues: Array.from({ length: VENUES }, (_, v) => `v${v}`),
    gammaPerQuote: 0.05,
    covariance: portfolioCovariance(sigmas, randomCorrelation(ASSETS, rng)),
    hedging: { enabled: true, maxLotsPerSec: 1 },
  };
  return { spec, mids, sigmas };
}

/**
 * `STATES` decision states: inventories in [-15, 15] lots per asset, mids moved by up to 20 bp,
 * a one-tick touch on each venue, time advancing 1 ms per state.
 */
function states(
  spec: PortfolioSpec,
  mids: number[],
  sigmas: number[],
  seed: number,
): PortfolioState[] {
  const rng = createRng(seed);
  return Array.from({ length: STATES }, (_, s) => ({
    tSec: s * 1e-3,
    assets: spec.assets.map((a, i) => {
      const mid = mids[i]! * (1 + 2e-3 * (rng.uniform() - 0.5));
      const q = Math.round((2 * rng.uniform() - 1) * 15);
      return {
        inventoryLots: q,
        midPrice: mid,
        driftPerSec: 0,
        sigmaPerSqrtSec: sigmas[i]!,
        venues: a.venues.map(() => ({
          inventoryLots: q / VENUES,
          bestBid: mid - a.tickSize / 2,
          bestAsk: mid + a.tickSize / 2,
          tickSize: a.tickSize,
          lotSizeBase: 1,
        })),
      };
    }),
  }));
}

function decisionCase(
  name: string,
  target: Target | undefined,
  build: (spec: PortfolioSpec, sigmas: number[]) => PortfolioPolicy,
): BenchCase {
  return {
    group: GROUP,
    name,
    batch: 1000,
    ...(target ? { target } : {}),
    setup: (): Prepared => {
      const { spec, mids, sigmas } = book(7);
      const policy = build(spec, sigmas);
      const all = states(spec, mids, sigmas, 11);
      let k = 0;
      let quoted = 0;
      let total = 0;
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            const base = all[k++ & MASK]!;
            const d = policy.decide(base);
            const bid = d.quotes[0]![0]!.bid;
            if (bid) {
              sum += bid.price;
              quoted++;
            }
            sum += d.takers.length;
          }
          total += calls;
          return sum;
        },
        verify: () =>
          quoted > total / 2 ? undefined : `asset 0 bid quoted on ${quoted}/${total} calls`,
      };
    },
  };
}

/** Re-solve for a new covariance (a live EWMA estimate), off the tick path. */
function resolveCase(finite: boolean): BenchCase {
  return {
    group: GROUP,
    name: `resolvePortfolio, new covariance, ${ASSETS} assets x ${VENUES} venues${finite ? ', finite horizon (201 time buckets)' : ', stationary'}`,
    samples: finite ? 100 : 1000,
    setup: (): Prepared => {
      const { spec, sigmas } = book(7);
      const rng = createRng(5);
      const covariances = [0, 1, 2, 3].map(() =>
        portfolioCovariance(sigmas, randomCorrelation(ASSETS, rng)),
      );
      let solution = solvePortfolio(finite ? { ...spec, horizonSec: 3600 } : spec);
      let k = 0;
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            solution = resolvePortfolio(solution, covariances[k++ & 3]!);
            sum += solution.valueMatrices[0]![0]!;
          }
          return sum;
        },
        verify: () =>
          solution.valueMatrices.every((m) => m.every(Number.isFinite))
            ? undefined
            : 'value matrix not finite',
      };
    },
  };
}

export const portfolioCases: BenchCase[] = [
  decisionCase(
    `MultiPolicy.decide (multi, hedging on), ${ASSETS} assets x ${VENUES} venues`,
    DECISION,
    (spec) => new MultiPolicy(solvePortfolio(spec)),
  ),
  decisionCase(
    `IndependentPolicy.decide (per-asset exact GLFT), ${ASSETS} assets x ${VENUES} venues`,
    undefined,
    (spec, sigmas) =>
      new IndependentPolicy(
        spec,
        spec.assets.map((a, i) => {
          const problem = glftProblem({
            sigmaPerSqrtSec: sigmas[i]!,
            aPerSec: a.venues[0]!.A + a.venues[1]!.A,
            kPerPrice: a.venues[0]!.k,
            gamma: spec.gammaPerQuote,
            qMax: a.qMaxLots,
          });
          return new ExactPolicy({ problemFor: () => problem, quantum: { midRelative: 0 } });
        }),
      ),
  ),
  resolveCase(false),
  resolveCase(true),
];
