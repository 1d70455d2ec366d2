import { ExtrapolatedIntegrator } from './extrapolatedIntegrator.js';
import { type HjbProblem, terminalValues, validateHjbProblem } from './HjbProblem.js';
import { projectTaker, TakerConstraint } from './projectTaker.js';
import { type QuoteTable, quoteTableFromValues } from './QuoteTable.js';
import { TridiagonalHjbSystem } from './tridiagonalHjbSystem.js';

/** How to solve the finite-horizon problem on `[0, T]`. */
export interface FiniteHorizonOptions {
  /** Horizon `T`, seconds. */
  horizonSec: number;
  /** Store quote tables at `t = j T / outputSteps`, `j = 0..outputSteps` (default 1: t = 0 and T). */
  outputSteps?: number;
  /** Integrator tolerances on `h` (defaults 1e-9 relative, 1e-9 price units absolute). */
  relTol?: number;
  absTol?: number;
  /** Macro-step budget before giving up with an error (default 1 million). */
  maxSteps?: number;
}

/** Quote tables on a time grid. */
export interface FiniteHorizonSolution {
  horizonSec: number;
  /** Output times `t_j`, ascending, seconds. */
  timesSec: Float64Array;
  /** `tables[j]` holds the values and optimal controls at `timesSec[j]`. */
  tables: QuoteTable[];
  /** The table at the latest output time `<= tSec` (t clamped to [0, T]). */
  at(tSec: number): QuoteTable;
  /** Integrator work, for diagnostics. */
  acceptedSteps: number;
  rejectedSteps: number;
}

/**
 * Solve the reduced HJB (docs/math.md §2) backward from `h(T) = -terminal` as a system of ODEs in
 * time-to-go with an adaptive, stiffly stable extrapolation scheme (order 5, see
 * `ExtrapolatedIntegrator`); with taker costs the impulse
 * constraints are enforced after every accepted step (the quasi-variational inequality).
 * There is no spatial discretisation: the inventory grid is the state space itself, so with
 * tight tolerances this is the exact solution (it agrees with the matrix exponential of the
 * linearised exponential model to ~1e-10).
 */
export function solveFiniteHorizon(
  problem: HjbProblem,
  options: FiniteHorizonOptions,
): FiniteHorizonSolution {
  validateHjbProblem(problem);
  const { horizonSec } = options;
  const outputSteps = options.outputSteps ?? 1;
  validateHorizon(horizonSec, outputSteps);
  const n = 2 * problem.qMax + 1;
  const h = terminalValues(problem);
  const taker = problem.taker;
  if (taker) projectTaker(h, taker);
  const solver = new ExtrapolatedIntegrator(
    new TridiagonalHjbSystem(problem, taker ? new TakerConstraint(taker, n) : undefined),
    {
      relTol: options.relTol ?? 1e-9,
      absTol: options.absTol ?? 1e-9,
      maxSteps: options.maxSteps ?? 1_000_000,
      steadyGrowthShortcut: true,
    },
  );
  const timesSec = new Float64Array(outputSteps + 1);
  const tables: QuoteTable[] = new Array(outputSteps + 1);
  const dt = horizonSec / outputSteps;
  tables[outputSteps] = quoteTableFromValues(problem, h.slice());
  timesSec[outputSteps] = horizonSec;
  for (let j = outputSteps - 1; j >= 0; j--) {
    solver.advance(h, dt);
    timesSec[j] = j * dt;
    tables[j] = quoteTableFromValues(problem, h.slice());
  }
  return {
    horizonSec,
    timesSec,
    tables,
    at(tSec: number): QuoteTable {
      const j = Math.min(outputSteps, Math.max(0, Math.floor((tSec / horizonSec) * outputSteps)));
      return tables[j]!;
    },
    acceptedSteps: solver.accepted,
    rejectedSteps: solver.rejected,
  };
}

/** Check a horizon and its output grid; throws a RangeError naming the field. */
export function validateHorizon(horizonSec: number, outputSteps: number): void {
  if (!(horizonSec > 0) || !Number.isFinite(horizonSec))
    throw new RangeError(`horizonSec must be finite and > 0, got ${horizonSec}`);
  if (!Number.isInteger(outputSteps) || outputSteps < 1)
    throw new RangeError(`outputSteps must be an integer >= 1, got ${outputSteps}`);
}

/** Values and optimal controls at one time `tSec` in `[0, horizonSec]`. */
export function solveAt(problem: HjbProblem, horizonSec: number, tSec: number): QuoteTable {
  if (!(tSec >= 0 && tSec <= horizonSec))
    throw new RangeError(`t must be in [0, T] = [0, ${horizonSec}], got ${tSec}`);
  if (tSec === horizonSec) {
    validateHjbProblem(problem);
    const h = terminalValues(problem);
    if (problem.taker) projectTaker(h, problem.taker);
    return quoteTableFromValues(problem, h);
  }
  return solveFiniteHorizon(problem, { horizonSec: horizonSec - tSec }).tables[0]!;
}
