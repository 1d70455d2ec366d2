/**
 * Test-only reference for the regime-coupled multi-asset Riccati (docs/math.md §8), written directly
 * from the formula in nested arrays with classical fixed-step RK4:
 *   dA_r/dtau = Phi_r - 4 A_r Dm_r A_r + sum_{r'} G[r][r'] (A_{r'} - A_r),   A_r(0) = 0.
 * Independent of the package's stacking, right-hand side and Dormand-Prince integrator.
 */
type Matrix = number[][];

function rhs(
  phi: Matrix[],
  dm: number[][],
  G: readonly (readonly number[])[],
  A: Matrix[],
): Matrix[] {
  return A.map((Ar, r) =>
    Ar.map((row, i) =>
      row.map((_, j) => {
        let v = phi[r]![i]![j]!;
        for (let k = 0; k < row.length; k++) v -= 4 * Ar[i]![k]! * dm[r]![k]! * Ar[k]![j]!;
        G[r]!.forEach((g, s) => {
          v += g * (A[s]![i]![j]! - Ar[i]![j]!);
        });
        return v;
      }),
    ),
  );
}

const axpy = (A: Matrix[], h: number, K: Matrix[]): Matrix[] =>
  A.map((Ar, r) => Ar.map((row, i) => row.map((v, j) => v + h * K[r]![i]![j]!)));

/** `A_r(tauSec)` for every regime by `steps` RK4 steps from 0. */
export function coupledMultiRk4(
  phi: Matrix[],
  dm: number[][],
  G: readonly (readonly number[])[],
  tauSec: number,
  steps: number,
): Matrix[] {
  const n = phi[0]!.length;
  let A: Matrix[] = phi.map(() => Array.from({ length: n }, () => new Array<number>(n).fill(0)));
  const h = tauSec / steps;
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(phi, dm, G, A);
    const k2 = rhs(phi, dm, G, axpy(A, h / 2, k1));
    const k3 = rhs(phi, dm, G, axpy(A, h / 2, k2));
    const k4 = rhs(phi, dm, G, axpy(A, h, k3));
    A = A.map((Ar, r) =>
      Ar.map((row, i) =>
        row.map(
          (v, j) =>
            v +
            (h / 6) * (k1[r]![i]![j]! + 2 * k2[r]![i]![j]! + 2 * k3[r]![i]![j]! + k4[r]![i]![j]!),
        ),
      ),
    );
  }
  return A;
}
