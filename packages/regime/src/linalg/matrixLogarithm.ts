import { matMul, normInf, solveInPlace } from './smallMatrix.js';

/**
 * The principal logarithm of a small dense matrix (row-major `n x n`) by inverse scaling and
 * squaring: take square roots (Denman-Beavers iteration) until `||A^(1/2^k) - I||_inf <= 0.2`,
 * sum the series `log(I + X) = X - X^2/2 + X^3/3 - ...` to full precision, multiply by `2^k`.
 * For calibration (offline): allocates freely. Throws a RangeError when `A` has no real
 * principal logarithm reachable this way (e.g. an eigenvalue on the negative real axis).
 */
export function matrixLogarithm(a: ArrayLike<number>, n: number): Float64Array {
  let y: Float64Array = Float64Array.from(a);
  let k = 0;
  while (distanceFromIdentity(y, n) > 0.2) {
    if (k >= 60) throw new RangeError('matrix logarithm: square roots do not approach I');
    y = squareRoot(y, n);
    k++;
  }
  const x = Float64Array.from(y);
  for (let i = 0; i < n; i++) x[i * n + i] = x[i * n + i]! - 1;
  const sum = Float64Array.from(x);
  const power = Float64Array.from(x);
  const next = new Float64Array(n * n);
  for (let j = 2; j <= 200; j++) {
    matMul(power, x, n, next);
    power.set(next);
    const sign = j % 2 === 0 ? -1 : 1;
    for (let t = 0; t < n * n; t++) sum[t] = sum[t]! + (sign * power[t]!) / j;
    if (normInf(power, n) / j < 1e-18 * Math.max(1e-300, normInf(sum, n))) break;
  }
  const scale = 2 ** k;
  for (let t = 0; t < n * n; t++) sum[t] = sum[t]! * scale;
  return sum;
}

function distanceFromIdentity(y: Float64Array, n: number): number {
  const d = Float64Array.from(y);
  for (let i = 0; i < n; i++) d[i * n + i] = d[i * n + i]! - 1;
  return normInf(d, n);
}

function inverse(m: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  solveInPlace(Float64Array.from(m), inv, n);
  return inv;
}

/** Denman-Beavers: `Y <- (Y + Z^-1)/2`, `Z <- (Z + Y^-1)/2` from `Y = A`, `Z = I`; `Y -> A^(1/2)`. */
function squareRoot(a: Float64Array, n: number): Float64Array {
  let y = Float64Array.from(a);
  let z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) z[i * n + i] = 1;
  for (let it = 0; it < 100; it++) {
    const yInv = inverse(y, n);
    const zInv = inverse(z, n);
    const yNext = new Float64Array(n * n);
    const zNext = new Float64Array(n * n);
    let change = 0;
    for (let t = 0; t < n * n; t++) {
      yNext[t] = 0.5 * (y[t]! + zInv[t]!);
      zNext[t] = 0.5 * (z[t]! + yInv[t]!);
      change = Math.max(change, Math.abs(yNext[t]! - y[t]!));
    }
    y = yNext;
    z = zNext;
    if (!Number.isFinite(change)) break;
    if (change <= 1e-15 * Math.max(1, normInf(y, n))) return y;
  }
  throw new RangeError('matrix logarithm: square root iteration did not converge');
}
