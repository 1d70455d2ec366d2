import { ExtrapolatedIntegrator, type QuoteTable, validateHorizon } from '@mm/hjb-core';
import { BandedCoupledSystem } from './bandedCoupledSystem.js';
import { makeCoupledRhs } from './coupledRhs.js';
import { type RegimeCoupledProblem, validateRegimeCoupledProblem } from './RegimeCoupledProblem.js';
import { regimeTables, stackedTerminalValues } from './stacking.js';

/** How to solve the coupled finite-horizon problem on `[0, T]`. */
export interface CoupledFiniteHorizonOptions {
  /** Horizon `T`, seconds. */
  horizonSec: number;
  /** Store tables at `t = j T / outputSteps`, `j = 0..outputSteps` (default 1: t = 0 and T). */
  outputSteps?: number;
  /** Integrator tolerances on `h` (defaults 1e-9 relative, 1e-9 price units absolute). */
  relTol?: number;
  absTol?: number;
  /** Macro-step budget (default 1 million). */
  maxSteps?: number;
}

/** Per-regime quote tables on a time grid. */
export interface CoupledFiniteHorizonSolution {
  horizonSec: number;
  /** Output times `t_j`, ascending, seconds. */
  timesSec: Float64Array;
  /** `tables[j][r]`: regime r's values and quotes at `timesSec[j]`. */
  tables: QuoteTable[][];
  /** The regimes' tables at the latest output time `<= tSec` (t clamped to [0, T]). */
  at(tSec: number): QuoteTable[];
  acceptedSteps: number;
  rejectedSteps: number;
}

/**
 * Solve the regime-coupled HJB (`RegimeCoupledProblem`) backward from the terminal values, all
 * regimes at once: the stacked system with the banded stiff integrator (hjb-core's `ExtrapolatedIntegrator` over `BandedCoupledSystem`).
 * With `G = 0` each regime's solution is hjb-core's `solveFiniteHorizon` of its own problem.
 */
export function solveCoupledFiniteHorizon(
  coupled: RegimeCoupledProblem,
  options: CoupledFiniteHorizonOptions,
): CoupledFiniteHorizonSolution {
  validateRegimeCoupledProblem(coupled);
  const { horizonSec } = options;
  const outputSteps = options.outputSteps ?? 1;
  validateHorizon(horizonSec, outputSteps);
  const y = stackedTerminalValues(coupled);
  const solver = new ExtrapolatedIntegrator(new BandedCoupledSystem(makeCoupledRhs(coupled)), {
    relTol: options.relTol ?? 1e-9,
    absTol: options.absTol ?? 1e-9,
    maxSteps: options.maxSteps ?? 1_000_000,
    steadyGrowthShortcut: true,
  });
  const timesSec = new Float64Array(outputSteps + 1);
  const tables: QuoteTable[][] = new Array(outputSteps + 1);
  const dt = horizonSec / outputSteps;
  tables[outputSteps] = regimeTables(coupled, y);
  timesSec[outputSteps] = horizonSec;
  for (let j = outputSteps - 1; j >= 0; j--) {
    solver.advance(y, dt);
    timesSec[j] = j * dt;
    tables[j] = regimeTables(coupled, y);
  }
  return {
    horizonSec,
    timesSec,
    tables,
    at(tSec: number): QuoteTable[] {
      const j = Math.min(outputSteps, Math.max(0, Math.floor((tSec / horizonSec) * outputSteps)));
      return tables[j]!;
    },
    acceptedSteps: solver.accepted,
    rejectedSteps: solver.rejected,
  };
}
