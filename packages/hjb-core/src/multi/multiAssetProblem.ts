import { glftC, glftStaticDelta } from '../intensity/exponentialIntensity.js';
import { type PenaltySpec, penaltyMatrix } from './penalty.js';

/**
 * One venue's resting-order liquidity for one asset: `lambda(d) = A exp(-k d)` per side for an
 * order of one lot at distance `d` (price units) from the mid.
 */
export interface VenueLiquidity {
  /** Fill rate at the mid, fills (lots) per second, each side. */
  aPerSec: number;
  /** Intensity decay per price unit of distance. */
  kPerPrice: number;
  /**
   * Maker rebate received per asset unit filled, price units (quote currency per asset unit,
   * e.g. `rebateBps * mid / 1e4`); negative for a maker fee. A fill at distance `d` then gains
   * `d + rebate`, so the optimal distance shifts by `-rebate`. Default 0.
   */
  makerRebatePrice?: number;
}

/** One asset: its lot and the venues quoting it (all sharing one inventory coordinate). */
export interface AssetSpec {
  /** `Delta_i`: asset units per lot (one fill = one lot). */
  lotSize: number;
  /** At least one venue. */
  venues: readonly VenueLiquidity[];
}

/** A portfolio market-making problem with exponential intensities (docs/math.md §6). */
export interface MultiAssetProblem {
  assets: readonly AssetSpec[];
  /** Running penalty `q' Phi q` with `q` in asset units. */
  penalty: PenaltySpec;
  /**
   * Risk aversion of the gain (GLFT model A: `xi = gamma`; model B: 0, the default), per
   * (price unit x asset unit); the gain of a fill of one lot uses `xi * lotSize`.
   */
  xi?: number;
}

/** The problem's data checked and laid out flat for the solvers (venue slots asset-major). */
export interface PreparedMultiAsset {
  readonly assetCount: number;
  /** `Delta_i`, asset units per lot. */
  readonly lotSizes: Float64Array;
  /** `Phi`, row-major, quote currency per (unit_i x unit_j) per second; symmetric PSD. */
  readonly phi: Float64Array;
  /**
   * `Dm_ii = sum_v A_v Delta_i k_v C_v exp(k_v rebate_v)`: the curvature at `p = 0` of the
   * asset's Hamiltonian per side, asset units per (price unit x second).
   */
  readonly liquidity: Float64Array;
  /** Venue slots of asset i: `venueStart[i] .. venueStart[i + 1] - 1`; length `assetCount + 1`. */
  readonly venueStart: Int32Array;
  /** Per slot `c1_v - rebate_v`, with `c1_v = ln(1 + xi Delta/k_v)/(xi Delta)` (1/k_v at xi = 0). */
  readonly venueStaticDeltaPrice: Float64Array;
  /** Per slot `k_v`, per price unit. */
  readonly venueKPerPrice: Float64Array;
  /**
   * Per slot `(A_v Delta C_v / k_v) exp(k_v rebate_v)`: the venue's Hamiltonian per side is this
   * times `exp(-k_v p)`, quote currency per second (`p`: the marginal cost of the fill's lot,
   * price units).
   */
  readonly venueHamiltonianScale: Float64Array;
}

/** Check the problem (RangeError naming the field) and lay it out for the solvers. */
export function prepareMultiAsset(problem: MultiAssetProblem): PreparedMultiAsset {
  const { assets } = problem;
  const n = assets.length;
  if (n < 1) throw new RangeError('assets must list at least one asset');
  const xi = problem.xi ?? 0;
  if (!(xi >= 0) || !Number.isFinite(xi))
    throw new RangeError(`xi must be finite and >= 0, got ${xi}`);
  const lotSizes = new Float64Array(n);
  const venueStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const asset = assets[i]!;
    const d = asset.lotSize;
    if (!(d > 0) || !Number.isFinite(d))
      throw new RangeError(`assets[${i}].lotSize must be finite and > 0, got ${d}`);
    if (asset.venues.length < 1) throw new RangeError(`assets[${i}].venues must not be empty`);
    lotSizes[i] = d;
    venueStart[i + 1] = venueStart[i]! + asset.venues.length;
  }
  const slots = venueStart[n]!;
  const venueStaticDeltaPrice = new Float64Array(slots);
  const venueKPerPrice = new Float64Array(slots);
  const venueHamiltonianScale = new Float64Array(slots);
  const liquidity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = lotSizes[i]!;
    assets[i]!.venues.forEach((v, j) => {
      const field = `assets[${i}].venues[${j}]`;
      const { aPerSec: a, kPerPrice: k } = v;
      const rebate = v.makerRebatePrice ?? 0;
      if (!(a > 0) || !Number.isFinite(a))
        throw new RangeError(`${field}.aPerSec must be finite and > 0, got ${a}`);
      if (!(k > 0) || !Number.isFinite(k))
        throw new RangeError(`${field}.kPerPrice must be finite and > 0, got ${k}`);
      if (!Number.isFinite(rebate))
        throw new RangeError(`${field}.makerRebatePrice must be finite, got ${rebate}`);
      const s = venueStart[i]! + j;
      const c = glftC(xi * d, k);
      const boost = Math.exp(k * rebate);
      venueStaticDeltaPrice[s] = glftStaticDelta(xi * d, k) - rebate;
      venueKPerPrice[s] = k;
      venueHamiltonianScale[s] = ((a * d * c) / k) * boost;
      liquidity[i] = liquidity[i]! + a * d * k * c * boost;
    });
  }
  const phi = penaltyMatrix(problem.penalty, n);
  return {
    assetCount: n,
    lotSizes,
    phi,
    liquidity,
    venueStart,
    venueStaticDeltaPrice,
    venueKPerPrice,
    venueHamiltonianScale,
  };
}
