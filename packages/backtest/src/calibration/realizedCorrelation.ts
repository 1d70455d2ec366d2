/**
 * Realized correlation of two series of simultaneous increments (zero-mean, as for returns over
 * short intervals): `sum dx_a dx_b / sqrt(sum dx_a^2 sum dx_b^2)`, with the covariance per unit
 * time `sum dx_a dx_b / sum dt` when the interval lengths `dtSec` are given. `NaN` when either
 * series never moves.
 */
export function realizedCorrelation(
  dxA: ArrayLike<number>,
  dxB: ArrayLike<number>,
  dtSec?: ArrayLike<number>,
): { n: number; corr: number; covPerSec: number } {
  const n = dxA.length;
  if (dxB.length !== n)
    throw new RangeError(`dxB must have the length of dxA (${n}), got ${dxB.length}`);
  if (dtSec && dtSec.length !== n)
    throw new RangeError(`dtSec must have the length of dxA (${n}), got ${dtSec.length}`);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  let st = 0;
  for (let i = 0; i < n; i++) {
    const a = dxA[i]!;
    const b = dxB[i]!;
    sab += a * b;
    saa += a * a;
    sbb += b * b;
    if (dtSec) st += dtSec[i]!;
  }
  return { n, corr: sab / Math.sqrt(saa * sbb), covPerSec: dtSec ? sab / st : Number.NaN };
}
