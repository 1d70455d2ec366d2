import {
  evaluateControl,
  type SeedEvaluationContext,
  seedEvaluationContext,
} from './evaluateControl.js';
import { optimizeControl } from './gridSearch.js';
import { applyStateAdjustments } from './heuristic.js';
import type { SeedControl, SeedState } from './SeedState.js';

/**
 * Relative gap `|J_ref - J| / |J_ref|`, dimensionless. Guard for `J_ref = 0`: 0 when `J` is 0 too,
 * `Infinity` otherwise.
 */
export function relativeGap(referenceValue: number, candidateValue: number): number {
  const diff = Math.abs(referenceValue - candidateValue);
  if (diff === 0) return 0;
  const scale = Math.abs(referenceValue);
  return scale === 0 ? Number.POSITIVE_INFINITY : diff / scale;
}

/** The heuristic's control, its value, and its gap to a reference value. */
export interface HeuristicGap {
  heuristicControl: SeedControl;
  /** One-step value of the heuristic, price units per lot per second. */
  heuristicValuePerSec: number;
  /** The reference it is measured against, same units. */
  referenceValuePerSec: number;
  /** `relativeGap(reference, heuristic)`. */
  gap: number;
}

/** The seed's background validation: grid-search and heuristic controls, both scored alike. */
export interface SeedValidation {
  gridControl: SeedControl;
  /** One-step value of the grid-search control, price units per lot per second. */
  gridValuePerSec: number;
  heuristicControl: SeedControl;
  heuristicValuePerSec: number;
  /** `|J(grid) - J(heuristic)| / |J(grid)|`, dimensionless. */
  gap: number;
}

/**
 * The seed's background validation: the grid-search control and the heuristic control, both
 * scored by `evaluateControl` in `ctx` (default: the no-trade value and book-aware intensities of
 * `state`), and `gap = |J(grid) - J(heuristic)| / |J(grid)|`.
 */
export function seedValidationGap(
  state: SeedState,
  ctx: SeedEvaluationContext = seedEvaluationContext(state),
): SeedValidation {
  const grid = optimizeControl(state, ctx);
  const { heuristicControl, heuristicValuePerSec, gap } = heuristicGapAgainst(
    state,
    grid.valuePerSec,
    ctx,
  );
  return {
    gridControl: grid.control,
    gridValuePerSec: grid.valuePerSec,
    heuristicControl,
    heuristicValuePerSec,
    gap,
  };
}

/**
 * The heuristic's gap to an arbitrary reference value in the same units (price units per lot per
 * second), e.g. the exact HJB policy's control scored in the same context.
 */
export function heuristicGapAgainst(
  state: SeedState,
  referenceValuePerSec: number,
  ctx: SeedEvaluationContext = seedEvaluationContext(state),
): HeuristicGap {
  const heuristicControl = applyStateAdjustments(state);
  const heuristicValuePerSec = evaluateControl(ctx, heuristicControl);
  return {
    heuristicControl,
    heuristicValuePerSec,
    referenceValuePerSec,
    gap: relativeGap(referenceValuePerSec, heuristicValuePerSec),
  };
}
