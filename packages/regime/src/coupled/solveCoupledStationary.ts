import { type QuoteTable, quoteTableFromValues, solveStationary } from '@mm/hjb-core';
import { regimeClasses } from '../model/generatorStructure.js';
import { coupledNewton } from './coupledNewton.js';
import { type RegimeCoupledProblem, validateRegimeCoupledProblem } from './RegimeCoupledProblem.js';
import { regimeValues, stackValues } from './stacking.js';

export interface CoupledStationaryOptions {
  /** Warm start, one value vector per regime (default: each regime's own stationary solution). */
  initialH?: readonly ArrayLike<number>[];
  /** Newton iteration budget (default 200). */
  maxIterations?: number;
}

/** The long-horizon solution `h_r(t, q) ~ g (T - t) + h_r(q)` of the coupled HJB. */
export interface CoupledStationarySolution {
  /** Per regime; `h` normalised so that the reference regime of its class has `h(0) = 0`. */
  tables: QuoteTable[];
  /** `g` per regime, price units per lot per second: one value per closed class of `G`. */
  valuePerSec: Float64Array;
  iterations: number;
}

/**
 * The stationary coupled HJB `g = F_r(h_r) + sum_r' G[r][r'] (h_r' - h_r)` by Newton's method
 * (policy iteration) on the stacked `(h, g)`. For an irreducible `G` (or one closed class plus
 * transient regimes) the ergodic constant `g` is common to all regimes and one level of one
 * regime is pinned; with several closed classes (e.g. `G = 0`) each class is solved on its own
 * and has its own `g`. Transient regimes leading to several classes are rejected.
 * Each step is one banded solve with two right-hand sides (`BandedMMatrixLu`, O(qMax R^3)).
 */
export function solveCoupledStationary(
  coupled: RegimeCoupledProblem,
  options: CoupledStationaryOptions = {},
): CoupledStationarySolution {
  validateRegimeCoupledProblem(coupled);
  const { problems, generatorPerSec: G } = coupled;
  const R = problems.length;
  const levels = 2 * problems[0]!.qMax + 1;
  options.initialH?.forEach((h, r) => {
    if (h.length !== levels)
      throw new RangeError(`initialH[${r}] must have ${levels} levels, got ${h.length}`);
  });
  if (options.initialH && options.initialH.length !== R)
    throw new RangeError(`initialH must have ${R} entries, got ${options.initialH.length}`);
  const { closed, transient } = regimeClasses(G);
  if (closed.length > 1 && transient.length > 0)
    throw new RangeError(
      'generatorPerSec: transient regimes that can end in several closed classes are not supported',
    );
  const groups =
    closed.length === 1 ? [[...closed[0]!, ...transient].sort((a, b) => a - b)] : closed;
  const h: Float64Array[] = new Array(R);
  const valuePerSec = new Float64Array(R);
  let iterations = 0;
  for (const group of groups) {
    const sub: RegimeCoupledProblem = {
      problems: group.map((r) => problems[r]!),
      generatorPerSec: group.map((r) => group.map((s) => G[r]![s]!)),
    };
    const start = group.map((r) => options.initialH?.[r] ?? ownStationary(coupled, r, levels));
    const ref = group.indexOf(Math.min(...closed.find((c) => group.includes(c[0]!))!));
    const result = coupledNewton(
      sub,
      stackValues(start, levels),
      ref,
      options.maxIterations ?? 200,
    );
    iterations = Math.max(iterations, result.iterations);
    group.forEach((r, local) => {
      h[r] = regimeValues(result.y, group.length, local);
      valuePerSec[r] = result.g;
    });
  }
  const tables = problems.map((p, r) => quoteTableFromValues(p, h[r]!));
  return { tables, valuePerSec, iterations };
}

function ownStationary(
  coupled: RegimeCoupledProblem,
  r: number,
  levels: number,
): ArrayLike<number> {
  try {
    return solveStationary(coupled.problems[r]!).table.h;
  } catch {
    return new Float64Array(levels);
  }
}
