import {
  checkScalarUpdate,
  type Estimator,
  incrementInRange,
  type Rejection,
  requirePositive,
} from './Estimator.js';

export interface RealizedVolatilityOptions {
  /** Length of the rolling window, seconds. */
  windowSec: number;
  /** Most increments kept (default 4096): memory is fixed; beyond it the oldest are dropped. */
  capacity?: number;
}

/**
 * Realized volatility of a level `x` over a rolling time window, per unit time:
 * `variance = sum dx^2 / sum dt` over the increments that end inside `(t - windowSec, t]`
 * (an increment straddling the window edge is kept whole, so numerator and denominator cover
 * the same time). Ready once the data span a full window.
 *
 * Fixed-size ring buffer: no allocation per update. The running sums are recomputed from the
 * buffer every `capacity` updates so rounding from the subtractions cannot accumulate.
 *
 * `value`: volatility in x-units per sqrt(second).
 */
export class RealizedVolatility implements Estimator<number, number> {
  readonly windowSec: number;
  readonly capacity: number;
  lastRejection: Rejection | null = null;
  count = 0;
  private readonly endT: Float64Array;
  private readonly dt: Float64Array;
  private readonly dx2: Float64Array;
  private head = 0; // index of the oldest increment
  private size = 0;
  private sumDt = 0;
  private sumDx2 = 0;
  private sinceRefresh = 0;
  private firstTSec = Number.NaN;
  private lastTSec = Number.NaN;
  private lastX = Number.NaN;

  constructor(options: RealizedVolatilityOptions) {
    requirePositive('windowSec', options.windowSec);
    this.windowSec = options.windowSec;
    this.capacity = options.capacity ?? 4096;
    if (!Number.isInteger(this.capacity) || this.capacity < 2)
      throw new RangeError(`capacity must be an integer >= 2, got ${this.capacity}`);
    this.endT = new Float64Array(this.capacity);
    this.dt = new Float64Array(this.capacity);
    this.dx2 = new Float64Array(this.capacity);
  }

  update(tSec: number, x: number): boolean {
    let rejection = checkScalarUpdate(this.lastTSec, tSec, x);
    if (!rejection && this.count > 0 && !incrementInRange(x - this.lastX, tSec - this.lastTSec))
      rejection = 'x: increment out of range';
    this.lastRejection = rejection;
    if (rejection) return false;
    if (this.count === 0) this.firstTSec = tSec;
    else this.push(tSec, tSec - this.lastTSec, (x - this.lastX) ** 2);
    this.lastTSec = tSec;
    this.lastX = x;
    this.count++;
    return true;
  }

  private push(tSec: number, dt: number, dx2: number): void {
    const { capacity } = this;
    if (this.size === capacity) this.dropOldest();
    const i = (this.head + this.size) % capacity;
    this.endT[i] = tSec;
    this.dt[i] = dt;
    this.dx2[i] = dx2;
    this.size++;
    this.sumDt += dt;
    this.sumDx2 += dx2;
    const edge = tSec - this.windowSec;
    while (this.size > 1 && this.endT[this.head]! <= edge) this.dropOldest();
    if (++this.sinceRefresh >= capacity) this.refresh();
  }

  private dropOldest(): void {
    this.sumDt -= this.dt[this.head]!;
    this.sumDx2 -= this.dx2[this.head]!;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }

  private refresh(): void {
    let sDt = 0;
    let sDx2 = 0;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) % this.capacity;
      sDt += this.dt[i]!;
      sDx2 += this.dx2[i]!;
    }
    this.sumDt = sDt;
    this.sumDx2 = sDx2;
    this.sinceRefresh = 0;
  }

  get isReady(): boolean {
    return this.size >= 1 && this.lastTSec - this.firstTSec >= this.windowSec;
  }

  /** Variance of `dx` per second, x-units^2 per second; NaN before the first increment. */
  get variancePerSec(): number {
    return this.size > 0 ? Math.max(0, this.sumDx2) / this.sumDt : Number.NaN;
  }

  /** Volatility, x-units per sqrt(second). */
  get value(): number {
    return Math.sqrt(this.variancePerSec);
  }
}
