/**
 * Test-only reference: classical fixed-step RK4 on the reduced HJB written out directly from
 * docs/math.md §2 (sup over quotes taken through the model's closed-form maximiser), with the taker
 * projection applied after each step when costs are given. Independent of the solver's
 * right-hand side, Jacobian and integrator.
 */
import type { IntensityModel } from '../../src/intensity/IntensityModel.js';

export interface ReferenceProblem {
  qMax: number;
  bid: IntensityModel;
  ask: IntensityModel;
  phi: number;
  mu: number;
  alpha: number;
  liquidationCost: number;
  taker?: { buy: number; sell: number };
}

function sup(model: IntensityModel, p: number): number {
  const d = model.optimalDelta(p);
  return Number.isFinite(d) ? Math.max(0, model.ratePerSec(d) * (d + p)) : 0;
}

function rhs(pr: ReferenceProblem, h: number[]): number[] {
  const n = h.length;
  return h.map((hi, i) => {
    const q = i - pr.qMax;
    let v = pr.mu * q - pr.phi * q * q;
    if (i < n - 1) v += sup(pr.bid, h[i + 1]! - hi);
    if (i > 0) v += sup(pr.ask, h[i - 1]! - hi);
    return v;
  });
}

function project(pr: ReferenceProblem, h: number[]): void {
  if (!pr.taker) return;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < h.length; i++) {
      const best = Math.max(
        h[i]!,
        i < h.length - 1 ? h[i + 1]! - pr.taker.buy : Number.NEGATIVE_INFINITY,
        i > 0 ? h[i - 1]! - pr.taker.sell : Number.NEGATIVE_INFINITY,
      );
      if (best > h[i]!) {
        h[i] = best;
        changed = true;
      }
    }
  }
}

/** h(t = T - tau) after integrating tau with `steps` RK4 steps. */
export function rk4Values(pr: ReferenceProblem, tau: number, steps: number): number[] {
  let h = Array.from({ length: 2 * pr.qMax + 1 }, (_, i) => {
    const q = i - pr.qMax;
    return -(pr.alpha * q * q + pr.liquidationCost * Math.abs(q));
  });
  project(pr, h);
  const dt = tau / steps;
  const axpy = (a: number[], s: number, b: number[]) => a.map((v, i) => v + s * b[i]!);
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(pr, h);
    const k2 = rhs(pr, axpy(h, dt / 2, k1));
    const k3 = rhs(pr, axpy(h, dt / 2, k2));
    const k4 = rhs(pr, axpy(h, dt, k3));
    h = h.map((v, i) => v + (dt / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!));
    project(pr, h);
  }
  return h;
}
