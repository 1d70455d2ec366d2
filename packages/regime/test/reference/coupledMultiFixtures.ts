/**
 * Test problems for the regime-coupled multi-asset Riccati, with their `Phi` and `Dm` also
 * written out by hand (docs/math.md §6, xi = 0, no rebates: `C = 1/e`,
 * `Dm_ii = sum_v A_v Delta_i k_v / e`, `Phi = (gamma/2) Sigma`) for the independent reference,
 * which never calls `prepareMultiAsset`.
 */
import type { MultiAssetProblem } from '@mm/hjb-core';

export interface PortfolioSpec {
  /** Per asset: volatility (price units per sqrt(s)), lot size, venues `[aPerSec, kPerPrice]`. */
  sigma: readonly number[];
  lotSize: readonly number[];
  venues: readonly (readonly (readonly [number, number])[])[];
  /** Correlation, `n x n`. */
  rho: readonly (readonly number[])[];
  /** Risk aversion per (price unit x asset unit). */
  gamma: number;
}

/** Every pair correlated by `rho`. */
export function uniformCorrelation(n: number, rho: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : rho)),
  );
}

/** `Sigma_ij = rho_ij sigma_i sigma_j`, written out. */
function covariance(spec: PortfolioSpec): number[][] {
  return spec.rho.map((row, i) => row.map((r, j) => r * spec.sigma[i]! * spec.sigma[j]!));
}

export function problemOf(spec: PortfolioSpec): MultiAssetProblem {
  return {
    assets: spec.lotSize.map((lotSize, i) => ({
      lotSize,
      venues: spec.venues[i]!.map(([aPerSec, kPerPrice]) => ({ aPerSec, kPerPrice })),
    })),
    penalty: { kind: 'covariance', gamma: spec.gamma, covariancePerSec: covariance(spec) },
  };
}

/** `Phi = (gamma/2) Sigma`, nested. */
export function phiOf(spec: PortfolioSpec): number[][] {
  return covariance(spec).map((row) => row.map((v) => (spec.gamma / 2) * v));
}

/** `Dm_ii = sum_v A_v Delta_i k_v / e` (xi = 0). */
export function dmOf(spec: PortfolioSpec): number[] {
  return spec.venues.map((vs, i) =>
    vs.reduce((s, [a, k]) => s + (a * spec.lotSize[i]! * k) / Math.E, 0),
  );
}

/** `n` assets with lot sizes, fill rates and volatilities varying per asset (deterministic). */
export function portfolioSpec(
  n: number,
  opts: { sigmaScale: number; aScale: number; rho: number; gamma: number },
): PortfolioSpec {
  return {
    sigma: Array.from({ length: n }, (_, i) => opts.sigmaScale * (0.2 + 0.05 * i)),
    lotSize: Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 0.5 : 1)),
    venues: Array.from({ length: n }, (_, i) =>
      i % 2 === 0
        ? [[opts.aScale * (1 + 0.1 * i), 1.2] as const]
        : [[opts.aScale * 0.6, 1] as const, [opts.aScale * 0.5, 2] as const],
    ),
    rho: uniformCorrelation(n, opts.rho),
    gamma: opts.gamma,
  };
}
