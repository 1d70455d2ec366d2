/**
 * Test-only reference: the matrix Riccati equation `dA/dtau = Phi - 4 A Dm A`, `A(0) = 0`,
 * integrated by classical fixed-step RK4 on plain number[][], with `Dm` written out from the
 * formula `A_v Delta k_v C_v` (`C = (1 + xi Delta/k)^(-k/(xi Delta) - 1)`, `1/e` at xi = 0). It
 * shares no code with the closed-form (eigendecomposition) solution under test.
 */
type Matrix = number[][];

export interface RiccatiVenue {
  aPerSec: number;
  kPerPrice: number;
}

/** `Dm_ii = sum_v A_v Delta_i k_v C_v` (no rebates). */
export function referenceLiquidity(
  assets: { lotSize: number; venues: RiccatiVenue[] }[],
  xi: number,
): number[] {
  return assets.map(({ lotSize, venues }) =>
    venues.reduce((acc, v) => {
      const x = xi * lotSize;
      const c = x === 0 ? Math.exp(-1) : (1 + x / v.kPerPrice) ** (-v.kPerPrice / x - 1);
      return acc + v.aPerSec * lotSize * v.kPerPrice * c;
    }, 0),
  );
}

function rhs(phi: Matrix, dm: number[], a: Matrix): Matrix {
  const n = a.length;
  return phi.map((row, i) =>
    row.map((p, j) => {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i]![k]! * dm[k]! * a[k]![j]!;
      return p - 4 * s;
    }),
  );
}

const axpy = (x: Matrix, s: number, y: Matrix): Matrix =>
  x.map((row, i) => row.map((v, j) => v + s * y[i]![j]!));

/** `A(tau)` after `steps` RK4 steps from `A(0) = 0`. */
export function rk4Riccati(phi: Matrix, dm: number[], tau: number, steps: number): Matrix {
  let a: Matrix = phi.map((row) => row.map(() => 0));
  const h = tau / steps;
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(phi, dm, a);
    const k2 = rhs(phi, dm, axpy(a, h / 2, k1));
    const k3 = rhs(phi, dm, axpy(a, h / 2, k2));
    const k4 = rhs(phi, dm, axpy(a, h, k3));
    a = a.map((row, i) =>
      row.map((v, j) => v + (h / 6) * (k1[i]![j]! + 2 * k2[i]![j]! + 2 * k3[i]![j]! + k4[i]![j]!)),
    );
  }
  return a;
}
