import type { AssetRegimeConfig } from '@mm/config';
import { MarkovSwitchingFilter } from '@mm/regime';

/**
 * The volatility regime of one asset: Hamilton's filter on the mid (each regime's `model.sigma`
 * is its volatility, price units per sqrt(second)) with hysteresis, so the acted-on regime
 * changes only once another regime's probability holds above the threshold for the dwell time.
 * Bad mids (non-finite, time not increasing) are rejected by the filter, never thrown.
 */
export class RegimeTracker {
  readonly names: readonly string[];
  private readonly filter: MarkovSwitchingFilter;

  constructor(config: AssetRegimeConfig) {
    this.names = config.regimes.map((r) => r.name);
    this.filter = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: config.regimes.map((r) => r.model.sigma),
      generatorPerSec: config.generatorPerSec,
      hysteresis: {
        threshold: config.switching.threshold,
        minDwellSec: config.switching.minDwellSec,
      },
    });
  }

  /** Feed the mid (price units) at `tMs` (milliseconds); returns the acted-on regime index. */
  observe(tMs: number, midPrice: number): number {
    this.filter.update(tMs / 1000, midPrice);
    return this.filter.regime;
  }

  /** The acted-on regime index. */
  get regime(): number {
    return this.filter.regime;
  }

  /** Filtered probability of each regime (a live view). */
  get probabilities(): ArrayLike<number> {
    return this.filter.value;
  }

  get isReady(): boolean {
    return this.filter.isReady;
  }
}
