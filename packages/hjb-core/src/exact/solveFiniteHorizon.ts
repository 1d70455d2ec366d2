import { ExtrapolatedIntegrator } from './extrapolatedIntegrator.js';
import { type HjbProblem, terminalValues, validateHjbProblem } from './HjbProblem.js';
import { isLinearExponential, LinearExponentialSolver } from './linear/linearExponentialSolver.js';
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
  /**
   * `auto` (default): the linear w-space path for exponential fills without taker costs (DESIGN
   * 3.4), the integrator otherwise and wherever the modal sum cannot be trusted; `integrator`:
   * always the general integrator (e.g. to cross-check the linear path).
   */
  method?: 'auto' | 'integrator';
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
  /** Integrator work, for diagnostics (0 on the linear path). */
  acceptedSteps: number;
  rejectedSteps: number;
  /**
   * `linear`: every table from one eigendecomposition of the w-space matrix; `integrator`: time
   * stepping; `mixed`: the integrator for the times where the modal sum could not be trusted
   * (short times to go with a steep terminal penalty, typically), the modes elsewhere.
   */
  method: 'linear' | 'integrator' | 'mixed';
  /** Most eigenmodes one output time used (0 for the integrator). */
  modes: number;
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
  const dt = horizonSec / outputSteps;
  // Time to go of each output time t_j = j dt (j < outputSteps); t = T holds the terminal value.
  const taus: number[] = [];
  for (let j = 0; j < outputSteps; j++) taus.push(horizonSec - j * dt);
  let modal: (Float64Array | null)[] | null = null;
  let modes = 0;
  if ((options.method ?? 'auto') === 'auto' && isLinearExponential(problem)) {
    const linear = new LinearExponentialSolver(problem);
    modal = linear.values(taus);
    modes = linear.modeCount;
  }
  const n = 2 * problem.qMax + 1;
  const h = terminalValues(problem);
  const taker = problem.taker;
  if (taker) projectTaker(h, taker);
  let integrator: ExtrapolatedIntegrator | undefined;
  let integratedTau = 0;
  let integratedTables = 0;
  const timesSec = new Float64Array(outputSteps + 1);
  const tables: QuoteTable[] = new Array(outputSteps + 1);
  tables[outputSteps] = quoteTableFromValues(problem, h.slice());
  timesSec[outputSteps] = horizonSec;
  for (let j = outputSteps - 1; j >= 0; j--) {
    timesSec[j] = j * dt;
    const values = modal?.[j];
    if (values) {
      tables[j] = quoteTableFromValues(problem, values);
      continue;
    }
    // The general integrator, from where it stopped (the terminal values at first).
    integrator ??= new ExtrapolatedIntegrator(
      new TridiagonalHjbSystem(problem, taker ? new TakerConstraint(taker, n) : undefined),
      {
        relTol: options.relTol ?? 1e-9,
        absTol: options.absTol ?? 1e-9,
        maxSteps: options.maxSteps ?? 1_000_000,
        steadyGrowthShortcut: true,
      },
    );
    integrator.advance(h, taus[j]! - integratedTau);
    integratedTau = taus[j]!;
    tables[j] = quoteTableFromValues(problem, h.slice());
    integratedTables++;
  }
  return {
    horizonSec,
    timesSec,
    tables,
    at(tSec: number): QuoteTable {
      const j = Math.min(outputSteps, Math.max(0, Math.floor((tSec / horizonSec) * outputSteps)));
      return tables[j]!;
    },
    acceptedSteps: integrator?.accepted ?? 0,
    rejectedSteps: integrator?.rejected ?? 0,
    method:
      integratedTables === 0 ? 'linear' : integratedTables === outputSteps ? 'integrator' : 'mixed',
    modes: integratedTables === outputSteps ? 0 : modes,
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
