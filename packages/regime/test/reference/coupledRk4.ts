/**
 * Test-only reference for the regime-coupled HJB, written directly from docs/math.md §2 and §8 in nested
 * arrays: the sup over quotes through each model's maximiser `d*` and rate (not its Hamiltonian),
 * coupling `sum_r' G[r][r'] (h_r' - h_r)`, classical fixed-step RK4 in time-to-go. Independent of
 * the package's stacking, Jacobian, banded LU and integrator.
 */
import type { HjbProblem, IntensityModel } from '@mm/hjb-core';

/** `sup_d rate(d) gain(d + p)` at the model's maximiser; GLFT model A's gain when `xi > 0`. */
function sup(model: IntensityModel, p: number): number {
  const d = model.optimalDelta(p);
  const xi = (model as { xi?: number }).xi ?? 0;
  const gain = (x: number) => (xi > 0 ? -Math.expm1(-xi * x) / xi : x);
  return Number.isFinite(d) ? Math.max(0, model.ratePerSec(d) * gain(d + p)) : 0;
}

/** `dh_r(q)/dtau` for every regime r and level index i. */
export function coupledResidual(
  problems: readonly HjbProblem[],
  G: readonly (readonly number[])[],
  h: number[][],
): number[][] {
  return h.map((hr, r) => {
    const p = problems[r]!;
    return hr.map((hi, i) => {
      const q = i - p.qMax;
      let v = p.muPerLotSec * q - p.phiPerLot2Sec * q * q;
      if (i < hr.length - 1) v += sup(p.bid, hr[i + 1]! - hi);
      if (i > 0) v += sup(p.ask, hr[i - 1]! - hi);
      G[r]!.forEach((rate, s) => {
        if (s !== r) v += rate * (h[s]![i]! - hi);
      });
      return v;
    });
  });
}

/** `h_r(T - tau, q)` by `steps` RK4 steps from the terminal values. */
export function coupledRk4(
  problems: readonly HjbProblem[],
  G: readonly (readonly number[])[],
  tau: number,
  steps: number,
): number[][] {
  let h = problems.map((p) =>
    Array.from({ length: 2 * p.qMax + 1 }, (_, i) => {
      const q = i - p.qMax;
      const t = p.terminal;
      return -((t?.alphaPerLot2 ?? 0) * q * q + (t?.liquidationCostPerLot ?? 0) * Math.abs(q));
    }),
  );
  const dt = tau / steps;
  const axpy = (a: number[][], s: number, b: number[][]) =>
    a.map((row, r) => row.map((v, i) => v + s * b[r]![i]!));
  for (let k = 0; k < steps; k++) {
    const k1 = coupledResidual(problems, G, h);
    const k2 = coupledResidual(problems, G, axpy(h, dt / 2, k1));
    const k3 = coupledResidual(problems, G, axpy(h, dt / 2, k2));
    const k4 = coupledResidual(problems, G, axpy(h, dt, k3));
    h = h.map((row, r) =>
      row.map((v, i) => v + (dt / 6) * (k1[r]![i]! + 2 * k2[r]![i]! + 2 * k3[r]![i]! + k4[r]![i]!)),
    );
  }
  return h;
}
