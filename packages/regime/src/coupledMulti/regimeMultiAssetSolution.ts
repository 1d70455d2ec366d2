import type { MultiAssetSolution, PreparedMultiAsset } from '@mm/hjb-core';

/**
 * hjb-core's quoting solution for a value matrix `A` (quote currency per unit_i x unit_j) of one
 * regime, so that hjb-core's `quotesFor` / `quotesForUnits` / `hedgeRatesFor` apply unchanged.
 * hjb-core builds it internally (`solutionFromValueMatrix`, not exported); this adapter fills the
 * exported `MultiAssetSolution` fields with the same formulas:
 *   skewPerLot[i][j] = 2 A_ij Delta_j          (price units per lot)
 *   curvaturePrice[i] = A_ii Delta_i           (price units)
 * so the quotes are `c1_v - rebate_v + p`, `p_b^i = 2 (A q)_i + A_ii Delta_i`,
 * `p_a^i = -2 (A q)_i + A_ii Delta_i` (DESIGN 3.5). `valueMatrix` is taken over, not copied.
 */
export function regimeMultiAssetSolution(
  prepared: PreparedMultiAsset,
  valueMatrix: Float64Array,
  horizonSec: number,
): MultiAssetSolution {
  const n = prepared.assetCount;
  if (valueMatrix.length !== n * n)
    throw new RangeError(
      `valueMatrix must have ${n * n} entries (${n}x${n}), got ${valueMatrix.length}`,
    );
  const skewPerLot = new Float64Array(n * n);
  const curvaturePrice = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    curvaturePrice[i] = valueMatrix[i * n + i]! * prepared.lotSizes[i]!;
    for (let j = 0; j < n; j++)
      skewPerLot[i * n + j] = 2 * valueMatrix[i * n + j]! * prepared.lotSizes[j]!;
  }
  return {
    assetCount: n,
    lotSizes: prepared.lotSizes,
    valueMatrix,
    skewPerLot,
    curvaturePrice,
    venueStart: prepared.venueStart,
    venueStaticDeltaPrice: prepared.venueStaticDeltaPrice,
    horizonSec,
  };
}
