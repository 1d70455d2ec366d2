import { type GeneratorPerSec, stationaryDistribution, validateGenerator } from '@mm/regime';
import type { Rng } from '../rng/Rng.js';
import { type MidModel, type MidPath, requireFinite, requireNonNegative } from './MidModel.js';

/** An arithmetic Brownian mid whose volatility (and drift) follow a continuous-time Markov chain. */
export interface MarkovSwitchingMidParams {
  /** Volatility per regime, price units per sqrt(second). */
  sigmasPerSqrtSec: readonly number[];
  /** Drift per regime, price units per second (default 0 in every regime). */
  driftsPerSec?: readonly number[];
  /** Generator `G`, switches per second (rows sum to 0); see `@mm/regime`'s `GeneratorPerSec`. */
  generatorPerSec: GeneratorPerSec;
  /** Starting regime; default: drawn from the stationary distribution (regime 0 if none). */
  initialRegime?: number;
}

/**
 * Markov-switching volatility, sampled exactly: the switch times inside a step are drawn
 * (exponential holding times with rate `-G[r][r]`, the next regime with probability
 * `G[r][r'] / -G[r][r]`), and the step's increment is `sum mu_r t_r + sqrt(sum sigma_r^2 t_r) z`
 * over the time `t_r` spent in each regime: exact for piecewise-constant volatility.
 */
export function markovSwitchingMid(params: MarkovSwitchingMidParams): MidModel {
  const sigmas = Float64Array.from(params.sigmasPerSqrtSec);
  const n = sigmas.length;
  if (n < 1) throw new RangeError('sigmasPerSqrtSec must have at least one regime');
  sigmas.forEach((s, r) => {
    requireNonNegative(`sigmasPerSqrtSec[${r}]`, s);
  });
  const drifts = Float64Array.from(params.driftsPerSec ?? new Array<number>(n).fill(0));
  if (drifts.length !== n)
    throw new RangeError(`driftsPerSec must have ${n} entries, got ${drifts.length}`);
  drifts.forEach((m, r) => {
    requireFinite(`driftsPerSec[${r}]`, m);
  });
  const g = params.generatorPerSec;
  validateGenerator(g, 'generatorPerSec', n);
  const outRate = new Float64Array(n);
  for (let r = 0; r < n; r++) outRate[r] = -g[r]![r]!;
  const initial = params.initialRegime;
  if (initial !== undefined && !(Number.isInteger(initial) && initial >= 0 && initial < n))
    throw new RangeError(`initialRegime must be an integer in [0, ${n - 1}], got ${initial}`);
  const pi = stationaryDistribution(g);

  const drawNext = (from: number, rng: Rng): number => {
    let u = rng.uniform() * outRate[from]!;
    const row = g[from]!;
    let last = from;
    for (let r = 0; r < n; r++) {
      if (r === from || !(row[r]! > 0)) continue;
      last = r;
      u -= row[r]!;
      if (u <= 0) return r;
    }
    return last;
  };
  const holding = (r: number, rng: Rng): number =>
    outRate[r]! > 0 ? rng.exponential() / outRate[r]! : Number.POSITIVE_INFINITY;

  return {
    name: 'markov-switching',
    start(midPrice: number, rng: Rng): MidPath {
      requireFinite('midPrice', midPrice);
      let regime = initial ?? 0;
      if (initial === undefined && pi) {
        let u = rng.uniform();
        regime = n - 1;
        for (let r = 0; r < n; r++) {
          u -= pi[r]!;
          if (u <= 0) {
            regime = r;
            break;
          }
        }
      }
      let untilSwitchSec = holding(regime, rng);
      return {
        midPrice,
        get driftPerSec() {
          return drifts[regime]!;
        },
        get regime() {
          return regime;
        },
        step(dtSec: number, z: number, stepRng: Rng): number {
          let left = dtSec;
          let variance = 0;
          let drift = 0;
          while (untilSwitchSec < left) {
            const s = sigmas[regime]!;
            variance += s * s * untilSwitchSec;
            drift += drifts[regime]! * untilSwitchSec;
            left -= untilSwitchSec;
            regime = drawNext(regime, stepRng);
            untilSwitchSec = holding(regime, stepRng);
          }
          const s = sigmas[regime]!;
          variance += s * s * left;
          drift += drifts[regime]! * left;
          untilSwitchSec -= left;
          this.midPrice += drift + Math.sqrt(variance) * z;
          return this.midPrice;
        },
      };
    },
  };
}
