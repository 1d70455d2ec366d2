/** A side of our quotes. */
export type FillSide = 'bid' | 'ask';

/** Fill intensity `A exp(-k delta)` of one side. */
export interface SideIntensity {
  /** Fill rate at zero distance from the mid, fills per second. */
  aPerSec: number;
  /** Decay of the rate per price unit of distance from the mid. */
  kPerPrice: number;
}

export interface FillRateTrackerOptions {
  /** Time constant of the realized-rate EWMA, seconds (> 0). */
  tauSec: number;
  /** When tracking starts, seconds on the caller's clock. */
  startSec: number;
  /** The model intensity per side (the same for both when one is given). */
  intensity: SideIntensity | Readonly<Record<FillSide, SideIntensity>>;
}

interface SideState {
  /** `sum_i exp(-(lastSec - t_i) / tau)` over the fills so far. */
  weight: number;
  lastSec: number;
  deltaPrice: number;
  intensity: SideIntensity;
}

/**
 * Realized and predicted fill rates of one asset on one venue, per side, for the dashboard.
 *
 * Realized: an exponentially weighted rate, `sum_i exp(-(t - t_i) / tau) / tau` over fill times
 * `t_i <= t`, divided by `1 - exp(-(t - start) / tau)` so it is unbiased from the first second
 * (for a Poisson stream of rate `lambda` its mean is `lambda` at every `t`; its variance tends to
 * `lambda / (2 tau)` once `t - start >> tau`). Predicted: the model's `A exp(-k delta)` at the
 * current quote distance `delta` from the mid, 0 when the side has no quote.
 *
 * Pure: time comes in as an argument (seconds, any monotonic clock). A time earlier than the
 * last one seen is treated as the last one (no decay), never as an error.
 */
export class FillRateTracker {
  private readonly tauSec: number;
  private readonly startSec: number;
  private readonly sides: Record<FillSide, SideState>;

  constructor(options: FillRateTrackerOptions) {
    const { tauSec, startSec } = options;
    if (!(tauSec > 0) || !Number.isFinite(tauSec))
      throw new RangeError(`tauSec must be finite and > 0, got ${tauSec}`);
    if (!Number.isFinite(startSec))
      throw new RangeError(`startSec must be finite, got ${startSec}`);
    const per =
      'aPerSec' in options.intensity
        ? { bid: options.intensity, ask: options.intensity }
        : options.intensity;
    for (const side of ['bid', 'ask'] as const) checkIntensity(`intensity.${side}`, per[side]);
    this.tauSec = tauSec;
    this.startSec = startSec;
    const side = (intensity: SideIntensity): SideState => ({
      weight: 0,
      lastSec: startSec,
      deltaPrice: Number.NaN,
      intensity: { ...intensity },
    });
    this.sides = { bid: side(per.bid), ask: side(per.ask) };
  }

  /** Record `count` fills (default 1) of `side` at `tSec`. */
  recordFill(side: FillSide, tSec: number, count = 1): void {
    const s = this.sides[side];
    this.decayTo(s, tSec);
    s.weight += count;
  }

  /** Realized fill rate of `side` at `tSec`, fills per second (0 at the start). */
  realizedRatePerSec(side: FillSide, tSec: number): number {
    const s = this.sides[side];
    const t = Math.max(tSec, s.lastSec);
    const elapsedSec = t - this.startSec;
    if (!(elapsedSec > 0)) return 0;
    const weight = s.weight * Math.exp(-(t - s.lastSec) / this.tauSec);
    // -expm1(-x) = 1 - exp(-x), accurate for small x (then the rate is about count / elapsed).
    return weight / (this.tauSec * -Math.expm1(-elapsedSec / this.tauSec));
  }

  /** Set the current quote distance of `side` from the mid, price units (`NaN` = no quote). */
  setQuoteDistance(side: FillSide, deltaPrice: number): void {
    this.sides[side].deltaPrice = deltaPrice;
  }

  /** The model rate `A exp(-k delta)` at the current distance, fills per second (0 = no quote). */
  predictedRatePerSec(side: FillSide): number {
    const { deltaPrice, intensity } = this.sides[side];
    if (!Number.isFinite(deltaPrice)) return 0;
    return intensity.aPerSec * Math.exp(-intensity.kPerPrice * deltaPrice);
  }

  /** Replace the model intensity of `side` (e.g. after a parameter update). */
  setIntensity(side: FillSide, intensity: SideIntensity): void {
    checkIntensity('intensity', intensity);
    this.sides[side].intensity = { ...intensity };
  }

  private decayTo(s: SideState, tSec: number): void {
    if (!(tSec > s.lastSec)) return;
    s.weight *= Math.exp(-(tSec - s.lastSec) / this.tauSec);
    s.lastSec = tSec;
  }
}

/** Throws a RangeError naming `field` unless `A` and `k` are finite and >= 0. */
function checkIntensity(field: string, { aPerSec, kPerPrice }: SideIntensity): void {
  if (!(aPerSec >= 0) || !Number.isFinite(aPerSec))
    throw new RangeError(`${field}.aPerSec must be finite and >= 0, got ${aPerSec}`);
  if (!(kPerPrice >= 0) || !Number.isFinite(kPerPrice))
    throw new RangeError(`${field}.kPerPrice must be finite and >= 0, got ${kPerPrice}`);
}
