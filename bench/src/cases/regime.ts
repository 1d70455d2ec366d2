import {
  coupledProblemFromModel,
  createRegimeModel,
  EwmaCovariance,
  EwmaVolatility,
  MarkovSwitchingFilter,
  type RegimeCoupledProblem,
  type RegimeParams,
  solveCoupledFiniteHorizon,
  solveCoupledStationary,
} from '@mm/regime';
import { createRng, type Rng } from '@mm/simulator';
import type { BenchCase, Prepared, Target } from '../harness.js';
import { randomCorrelation } from './multiAsset.js';

const GROUP_FILTER = 'regime filter';
const GROUP_ESTIMATORS = 'regime estimators';
const GROUP_COUPLED = 'regime-coupled solve';
/** Observations cycled through per call (a power of two). */
const OBSERVATIONS = 4096;
const MASK = OBSERVATIONS - 1;
/**
 * The fixed sampling interval, seconds: a binary fraction, so `t_(k+1) - t_k` is the same double
 * on every step and the filter's cached `expm(G dt)` is always reused. (With 0.1 s steps the
 * differences of accumulated times take several values differing in the last bits, and every
 * change of value recomputes it.)
 */
const FIXED_DT_SEC = 0.25;
/** Mean of the irregular gaps, seconds: `MIN_GAP_SEC` plus an exponential. */
const MEAN_GAP_SEC = 0.25;
/** Smallest irregular gap, seconds (keeps every timestamp strictly after the previous one). */
const MIN_GAP_SEC = 1e-3;

const PER_OBSERVATION: Target = { label: '< 1 us median', maxMedianNs: 1_000 };

/** Volatilities of the regimes, price units per sqrt(second). */
const SIGMAS = { 2: [1, 4], 3: [1, 3, 9] } as const;

/** Symmetric switching, `rate` switches per second out of each regime, spread evenly. */
function generator(regimes: number, ratePerSec: number): number[][] {
  return Array.from({ length: regimes }, (_, r) =>
    Array.from({ length: regimes }, (_, s) => (r === s ? -ratePerSec : ratePerSec / (regimes - 1))),
  );
}

function irregularGap(rng: Rng): number {
  return MIN_GAP_SEC + rng.exponential() * (MEAN_GAP_SEC - MIN_GAP_SEC);
}

/**
 * `OBSERVATIONS` gaps and returns: regimes in blocks of 256 observations (cycling through the
 * regimes), returns `N(0, sigma_r^2 dt)`; `dt` fixed or exponential.
 */
function observations(sigmas: readonly number[], irregular: boolean, rng: Rng) {
  const dtSec = new Float64Array(OBSERVATIONS);
  const dx = new Float64Array(OBSERVATIONS);
  for (let i = 0; i < OBSERVATIONS; i++) {
    const dt = irregular ? irregularGap(rng) : FIXED_DT_SEC;
    const sigma = sigmas[(i >> 8) % sigmas.length]!;
    dtSec[i] = dt;
    dx[i] = sigma * Math.sqrt(dt) * rng.normal();
  }
  return { dtSec, dx };
}

/**
 * `update(tSec, x)` per observation, the clock and the level carried on across calls; the
 * check: every update accepted, probabilities finite.
 */
function filterCase(regimes: 2 | 3, irregular: boolean): BenchCase {
  const gaps = irregular
    ? `irregular dt (exponential, mean ${MEAN_GAP_SEC} s)`
    : `fixed dt ${FIXED_DT_SEC} s`;
  return {
    group: GROUP_FILTER,
    name: `MarkovSwitchingFilter.update, ${regimes} regimes, ${gaps}`,
    batch: 1000,
    target: PER_OBSERVATION,
    setup: (): Prepared => {
      const sigmas = SIGMAS[regimes];
      const filter = new MarkovSwitchingFilter({
        sigmaPerSqrtSec: sigmas,
        generatorPerSec: generator(regimes, 1 / 60),
      });
      const { dtSec, dx } = observations(sigmas, irregular, createRng(21 + regimes));
      let t = 0;
      let x = 0;
      let k = 0;
      let rejected = 0;
      filter.update(t, x);
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            const j = k++ & MASK;
            t += dtSec[j]!;
            x += dx[j]!;
            if (!filter.update(t, x)) rejected++;
            sum += filter.value[0]!;
          }
          return sum;
        },
        verify: () => {
          if (rejected > 0) return `${rejected} updates rejected (${filter.lastRejection})`;
          // Every time a multiple of dt below 2^50: every difference was exactly dt.
          if (!irregular && !(Number.isInteger(t / FIXED_DT_SEC) && t < 2 ** 50))
            return 'the steps were not all exactly dt (expm recomputed)';
          for (let r = 0; r < regimes; r++)
            if (!Number.isFinite(filter.value[r]!)) return 'probabilities not finite';
          return undefined;
        },
      };
    },
  };
}

function volatilityCase(): BenchCase {
  return {
    group: GROUP_ESTIMATORS,
    name: 'EwmaVolatility.update, irregular dt',
    batch: 1000,
    target: PER_OBSERVATION,
    setup: (): Prepared => {
      const ewma = new EwmaVolatility({ halfLifeSec: 60 });
      const { dtSec, dx } = observations([1], true, createRng(31));
      let t = 0;
      let x = 0;
      let k = 0;
      let rejected = 0;
      ewma.update(t, x);
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            const j = k++ & MASK;
            t += dtSec[j]!;
            x += dx[j]!;
            if (!ewma.update(t, x)) rejected++;
            sum += ewma.variancePerSec;
          }
          return sum;
        },
        verify: () => {
          if (rejected > 0) return `${rejected} updates rejected (${ewma.lastRejection})`;
          return Number.isFinite(ewma.value) ? undefined : 'volatility not finite';
        },
      };
    },
  };
}

/** Correlated increments of `n` assets (a fixed random correlation, unit volatilities). */
function covarianceCase(n: number): BenchCase {
  return {
    group: GROUP_ESTIMATORS,
    name: `EwmaCovariance.update, ${n} assets, irregular dt`,
    batch: 1000,
    target: PER_OBSERVATION,
    setup: (): Prepared => {
      const rng = createRng(41);
      const corr = randomCorrelation(n, rng);
      const chol = cholesky(corr);
      const dtSec = new Float64Array(OBSERVATIONS);
      const dx = new Float64Array(OBSERVATIONS * n);
      const z = new Float64Array(n);
      for (let i = 0; i < OBSERVATIONS; i++) {
        const dt = irregularGap(rng);
        dtSec[i] = dt;
        for (let a = 0; a < n; a++) z[a] = rng.normal();
        for (let a = 0; a < n; a++) {
          let s = 0;
          for (let b = 0; b <= a; b++) s += chol[a]![b]! * z[b]!;
          dx[i * n + a] = Math.sqrt(dt) * s;
        }
      }
      const ewma = new EwmaCovariance({ assets: n, halfLifeSec: 60 });
      const x = new Float64Array(n);
      let t = 0;
      let k = 0;
      let rejected = 0;
      ewma.update(t, x);
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            const j = k++ & MASK;
            t += dtSec[j]!;
            for (let a = 0; a < n; a++) x[a] = x[a]! + dx[j * n + a]!;
            if (!ewma.update(t, x)) rejected++;
            sum += t;
          }
          return sum;
        },
        verify: () => {
          if (rejected > 0) return `${rejected} updates rejected (${ewma.lastRejection})`;
          const cov = ewma.value;
          for (let i = 0; i < cov.length; i++)
            if (!Number.isFinite(cov[i]!)) return 'covariance not finite';
          return undefined;
        },
      };
    },
  };
}

/** Lower-triangular `L` with `L L' = a` (a small SPD matrix). */
function cholesky(a: number[][]): number[][] {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let m = 0; m < j; m++) s -= l[i]![m]! * l[j]![m]!;
      l[i]![j] = i === j ? Math.sqrt(s) : s / l[j]![j]!;
    }
  return l;
}

const COUPLED_Q_MAX = 50;
const COUPLED_HORIZON_SEC = 60;

/**
 * Calm and storm in ticks (the bench's GLFT-like model, `models.ts`): calm `sigma` 10.69
 * ticks/sqrt(s), `A` 2.986 fills/s, `k` 0.0424 per tick; storm 3x the volatility (9x `phi`) and
 * half the fill rate; `phi = gamma sigma^2 / 2` with gamma 0.05, model A (`xi = gamma`); one
 * switch per 5 minutes out of calm, one per minute out of storm.
 */
function calmStorm(qMax: number): RegimeCoupledProblem {
  const gamma = 0.05;
  const regime = (sigma: number, aPerSec: number): RegimeParams => ({
    sigmaPerSqrtSec: sigma,
    aPerSec,
    kPerPrice: 0.04235741115084049,
    xi: gamma,
    phiPerLot2Sec: (gamma * sigma * sigma) / 2,
    muPerLotSec: 0,
    qMax,
  });
  const model = createRegimeModel({
    names: ['calm', 'storm'],
    generatorPerSec: [
      [-1 / 300, 1 / 300],
      [1 / 60, -1 / 60],
    ],
    params: [regime(10.69, 2.986162360812285), regime(3 * 10.69, 2.986162360812285 / 2)],
  });
  return coupledProblemFromModel(model);
}

function coupledCases(): BenchCase[] {
  const size = `2 regimes, exponential, qMax ${COUPLED_Q_MAX}`;
  return [
    {
      group: GROUP_COUPLED,
      name: `solveCoupledStationary, cold start (${size})`,
      samples: 200,
      setup: (): Prepared => {
        const coupled = calmStorm(COUPLED_Q_MAX);
        let last = solveCoupledStationary(coupled);
        return {
          run: (calls) => {
            let sum = 0;
            for (let c = 0; c < calls; c++) {
              last = solveCoupledStationary(coupled);
              sum += last.valuePerSec[0]!;
            }
            return sum;
          },
          verify: () => (Number.isFinite(last.valuePerSec[0]!) ? undefined : 'g not finite'),
        };
      },
    },
    {
      group: GROUP_COUPLED,
      name: `solveCoupledFiniteHorizon, horizon ${COUPLED_HORIZON_SEC} s, outputSteps 1 (${size})`,
      samples: 30,
      setup: (): Prepared => {
        const coupled = calmStorm(COUPLED_Q_MAX);
        let steps = 0;
        let h0 = 0;
        return {
          run: (calls) => {
            let sum = 0;
            for (let c = 0; c < calls; c++) {
              const solution = solveCoupledFiniteHorizon(coupled, {
                horizonSec: COUPLED_HORIZON_SEC,
              });
              steps = solution.acceptedSteps;
              h0 = solution.tables[0]![1]!.h[COUPLED_Q_MAX]!;
              sum += steps;
            }
            return sum;
          },
          verify: () => {
            if (!(steps > 0)) return 'no integrator step taken';
            return Number.isFinite(h0) ? undefined : 'h not finite';
          },
        };
      },
    },
  ];
}

export const regimeCases: BenchCase[] = [
  filterCase(2, false),
  filterCase(2, true),
  filterCase(3, false),
  filterCase(3, true),
  volatilityCase(),
  covarianceCase(3),
  ...coupledCases(),
];
