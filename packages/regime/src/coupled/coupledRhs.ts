import type { RegimeCoupledProblem } from './RegimeCoupledProblem.js';

/**
 * The stacked right-hand side of the coupled HJB in time-to-go. Unknowns are interleaved,
 * `y[i * R + r] = h_r(q_i)` with `q_i = i - qMax`, so the Jacobian is banded with half-bandwidth
 * `R`: the inventory neighbours of `(i, r)` sit `R` away, its other regimes less than `R` away.
 */
export interface CoupledRhs {
  /** Regimes `R`. */
  readonly regimes: number;
  /** Inventory levels `2 qMax + 1`. */
  readonly levels: number;
  /** `out = F(y)`; allocates nothing. */
  evaluate(y: Float64Array, out: Float64Array): void;
  /**
   * The Jacobian's off-diagonal entries (all >= 0; each row of the Jacobian sums to 0) into band
   * storage of half-bandwidth `R` (see `BandedMMatrixLu`), scaled by `scale`.
   */
  rates(y: Float64Array, band: Float64Array, scale: number): void;
}

export function makeCoupledRhs(coupled: RegimeCoupledProblem): CoupledRhs {
  const { problems, generatorPerSec: G } = coupled;
  const R = problems.length;
  const qMax = problems[0]!.qMax;
  const levels = 2 * qMax + 1;
  const running = new Float64Array(levels * R);
  for (let i = 0; i < levels; i++) {
    const q = i - qMax;
    for (let r = 0; r < R; r++) {
      const p = problems[r]!;
      running[i * R + r] = p.muPerLotSec * q - p.phiPerLot2Sec * q * q;
    }
  }
  const g = new Float64Array(R * R);
  for (let r = 0; r < R; r++) for (let s = 0; s < R; s++) if (r !== s) g[r * R + s] = G[r]![s]!;
  const width = 2 * R + 1;
  return {
    regimes: R,
    levels,
    evaluate(y, out) {
      for (let i = 0; i < levels; i++) {
        for (let r = 0; r < R; r++) {
          const p = problems[r]!;
          const k = i * R + r;
          const hk = y[k]!;
          let v = running[k]!;
          if (i < levels - 1) v += p.bid.hamiltonian(y[k + R]! - hk);
          if (i > 0) v += p.ask.hamiltonian(y[k - R]! - hk);
          for (let s = 0; s < R; s++) if (s !== r) v += g[r * R + s]! * (y[i * R + s]! - hk);
          out[k] = v;
        }
      }
    },
    rates(y, band, scale) {
      band.fill(0);
      for (let i = 0; i < levels; i++) {
        for (let r = 0; r < R; r++) {
          const p = problems[r]!;
          const k = i * R + r;
          const row = k * width + R; // the diagonal slot of row k
          const hk = y[k]!;
          if (i < levels - 1) band[row + R] = scale * p.bid.hamiltonianSlope(y[k + R]! - hk);
          if (i > 0) band[row - R] = scale * p.ask.hamiltonianSlope(y[k - R]! - hk);
          for (let s = 0; s < R; s++) if (s !== r) band[row + s - r] = scale * g[r * R + s]!;
        }
      }
    },
  };
}
