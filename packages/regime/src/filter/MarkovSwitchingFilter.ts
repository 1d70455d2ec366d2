import { type Estimator, incrementInRange, type Rejection } from '../estimators/Estimator.js';
import { MatrixExponential } from '../linalg/MatrixExponential.js';
import { flatten } from '../linalg/smallMatrix.js';
import { type GeneratorPerSec, validateGenerator } from '../model/generator.js';
import type { RegimeModel } from '../model/RegimeModel.js';
import { initialProbabilities } from './initialProbabilities.js';
import { RegimeHysteresis, type RegimeHysteresisOptions } from './RegimeHysteresis.js';

export interface MarkovSwitchingFilterOptions {
  /** Volatility of the level in each regime, x-units per sqrt(second). */
  sigmaPerSqrtSec: ArrayLike<number>;
  /** `G[r][r']`, switches per second. */
  generatorPerSec: GeneratorPerSec;
  /** Prior regime probabilities (default: the stationary distribution of G, else uniform). */
  initialProb?: ArrayLike<number>;
  /** Hysteresis of the acted-on regime (threshold 0.8, no dwell by default). */
  hysteresis?: RegimeHysteresisOptions;
  /** Returns needed before `isReady` (default 10). */
  warmUpReturns?: number;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Hamilton's (1989) filter for Markov-switching volatility in continuous time, observed at
 * irregular times: the return `dx` over `dt` seconds is `N(0, sigma_r^2 dt)` in regime r, and
 * regimes switch with generator G, so the prior over `dt` is `P(dt) = expm(G dt)`. Per update:
 * predict `pi <- pi P(dt)` (the exponential is recomputed only when `dt` changes by more than 1e-9 relative), weight by the
 * Gaussian densities in log space (no underflow on outliers), normalise.
 *
 * `update(tSec, x)` takes the level (e.g. log mid) and follows the `Estimator` contract;
 * `updateReturn(dtSec, dx)` takes the return directly. Neither allocates arrays or objects.
 * `value`: regime probabilities (a live view). `regime`: the acted-on regime (with hysteresis).
 */
export class MarkovSwitchingFilter implements Estimator<number, ArrayLike<number>> {
  readonly regimes: number;
  readonly warmUpReturns: number;
  readonly hysteresis: RegimeHysteresis;
  lastRejection: Rejection | null = null;
  count = 0;
  /** Accepted returns. */
  returns = 0;
  /** Log-likelihood of all returns so far (densities per x-unit). */
  logLikelihood = 0;
  private readonly generator: Float64Array;
  private readonly halfInvVar: Float64Array;
  private readonly logSigma: Float64Array;
  private readonly prob: Float64Array;
  private readonly prior: Float64Array;
  private readonly logDensity: Float64Array;
  private readonly transition: Float64Array;
  private readonly expm: MatrixExponential;
  private transitionDt = Number.NaN;
  private lastTSec = Number.NaN;
  private lastX = Number.NaN;

  constructor(options: MarkovSwitchingFilterOptions) {
    const { sigmaPerSqrtSec, generatorPerSec } = options;
    const n = sigmaPerSqrtSec.length;
    validateGenerator(generatorPerSec, 'generatorPerSec', n);
    this.regimes = n;
    this.warmUpReturns = options.warmUpReturns ?? 10;
    if (!Number.isInteger(this.warmUpReturns) || this.warmUpReturns < 0)
      throw new RangeError(`warmUpReturns must be an integer >= 0, got ${this.warmUpReturns}`);
    this.generator = flatten(generatorPerSec);
    this.halfInvVar = new Float64Array(n);
    this.logSigma = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const s = sigmaPerSqrtSec[r]!;
      if (!(s > 0) || !Number.isFinite(s))
        throw new RangeError(`sigmaPerSqrtSec[${r}] must be finite and > 0, got ${s}`);
      this.halfInvVar[r] = 0.5 / (s * s);
      this.logSigma[r] = Math.log(s);
    }
    this.prob = initialProbabilities(options.initialProb, generatorPerSec, n);
    this.prior = new Float64Array(n);
    this.logDensity = new Float64Array(n);
    this.transition = new Float64Array(n * n);
    this.expm = new MatrixExponential(n);
    let start = 0;
    for (let r = 1; r < n; r++) if (this.prob[r]! > this.prob[start]!) start = r;
    this.hysteresis = new RegimeHysteresis({ initialRegime: start, ...options.hysteresis });
    if (this.hysteresis.regime >= n)
      throw new RangeError(
        `hysteresis.initialRegime must be < ${n}, got ${this.hysteresis.regime}`,
      );
  }

  /** A filter on the `sigmaPerSqrtSec` and generator of a regime model. */
  static fromModel(
    model: RegimeModel<{ sigmaPerSqrtSec: number }>,
    options: Omit<MarkovSwitchingFilterOptions, 'sigmaPerSqrtSec' | 'generatorPerSec'> = {},
  ): MarkovSwitchingFilter {
    return new MarkovSwitchingFilter({
      ...options,
      sigmaPerSqrtSec: model.params.map((p) => p.sigmaPerSqrtSec),
      generatorPerSec: model.generatorPerSec,
    });
  }

  /** Observe the level `x` at `tSec`; the first observation only sets the reference level. */
  update(tSec: number, x: number): boolean {
    if (!Number.isFinite(tSec)) return this.reject('tSec: not finite');
    if (tSec <= this.lastTSec) return this.reject('tSec: not after the previous update');
    if (!Number.isFinite(x)) return this.reject('x: not finite');
    if (this.count > 0) {
      const dt = tSec - this.lastTSec;
      const dx = x - this.lastX;
      if (!incrementInRange(dx, dt)) return this.reject('x: increment out of range');
      this.step(dt, dx, tSec);
    }
    this.lastTSec = tSec;
    this.lastX = x;
    this.count++;
    this.lastRejection = null;
    return true;
  }

  /**
   * Observe a return `dx` (x-units) over `dtSec` seconds directly. Hysteresis time advances by
   * `dtSec` from the last observation (starting at 0).
   */
  updateReturn(dtSec: number, dx: number): boolean {
    if (!(dtSec > 0) || !Number.isFinite(dtSec)) return this.reject('dtSec: not finite and > 0');
    if (!Number.isFinite(dx)) return this.reject('x: not finite');
    if (!incrementInRange(dx, dtSec)) return this.reject('x: increment out of range');
    const t = (Number.isNaN(this.lastTSec) ? 0 : this.lastTSec) + dtSec;
    this.step(dtSec, dx, t);
    this.lastTSec = t;
    this.count++;
    this.lastRejection = null;
    return true;
  }

  private reject(reason: Rejection): boolean {
    this.lastRejection = reason;
    return false;
  }

  private step(dt: number, dx: number, tSec: number): void {
    const n = this.regimes;
    const { prob, prior, logDensity, transition } = this;
    // Reuse P(dt) when dt matches to 1e-9 relative: a "fixed" feed whose times accumulate in
    // floating point (0.1 s steps) yields dt values differing in the last bits; the reuse error
    // is about |G| dt 1e-9, far below anything the data can tell apart.
    if (!(Math.abs(dt - this.transitionDt) <= 1e-9 * dt)) {
      this.expm.compute(this.generator, dt, transition);
      this.transitionDt = dt;
    }
    const z = (dx * dx) / dt;
    let maxLog = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      let p = 0;
      for (let i = 0; i < n; i++) p += prob[i]! * transition[i * n + j]!;
      prior[j] = p;
      const l = -z * this.halfInvVar[j]! - this.logSigma[j]!;
      logDensity[j] = l;
      if (l > maxLog) maxLog = l;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const w = prior[j]! * Math.exp(logDensity[j]! - maxLog);
      prob[j] = w;
      sum += w;
    }
    if (!(sum > 0)) {
      // Every regime that explains dx had prior 0 (possible only with G = 0): restart from the
      // likelihood alone rather than produce NaN.
      sum = 0;
      for (let j = 0; j < n; j++) sum += prob[j] = Math.exp(logDensity[j]! - maxLog);
    }
    const inv = 1 / sum;
    for (let j = 0; j < n; j++) prob[j] = prob[j]! * inv;
    this.logLikelihood += Math.log(sum) + maxLog - HALF_LOG_2PI - 0.5 * Math.log(dt);
    this.returns++;
    this.hysteresis.observe(tSec, prob);
  }

  get isReady(): boolean {
    return this.returns >= this.warmUpReturns && this.returns > 0;
  }

  /** Filtered regime probabilities `P(regime | returns so far)`. */
  get value(): ArrayLike<number> {
    return this.prob;
  }

  /** The regime the engine acts on (changes only through the hysteresis). */
  get regime(): number {
    return this.hysteresis.regime;
  }

  /** The currently most probable regime (no hysteresis). */
  get mostLikely(): number {
    let best = 0;
    for (let r = 1; r < this.regimes; r++) if (this.prob[r]! > this.prob[best]!) best = r;
    return best;
  }
}
