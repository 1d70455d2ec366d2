import {
  type HjbProblem,
  solveFiniteHorizon,
  solveStationary,
  solveStationaryExponential,
} from '@mm/hjb-core';
import type { BenchCase, Prepared, Target } from '../harness.js';
import { glftWithDrift, seedBook } from './models.js';

const GROUP_STATIONARY = 'stationary solve';
const GROUP_FINITE = 'finite-horizon solve';
const Q_MAXES = [50, 100, 200] as const;
/** The targets apply to 201 inventory levels. */
const TARGET_Q_MAX = 100;
const HORIZONS_SEC = [60, 600] as const;

const STATIONARY_RESOLVE: Target = { label: '<= 50 us median', maxMedianNs: 50_000 };
const FINITE_SOLVE: Target = { label: '<= 5 ms median', maxMedianNs: 5_000_000 };

/** Drifts alternated by the re-solve cases, ticks per lot per second. */
const DRIFTS_PER_SEC = [0, 1] as const;
/** Imbalances alternated by the book re-solve case. */
const IMBALANCES = [0.5, 0.55] as const;

/** Alternate between two problems; `solve(i)` solves problem `i` (0 or 1). */
function alternate(solve: (i: 0 | 1) => number): Prepared {
  let k = 0;
  return {
    run: (calls) => {
      let sum = 0;
      for (let c = 0; c < calls; c++) sum += solve((k++ & 1) as 0 | 1);
      return sum;
    },
  };
}

/** Newton warm-started from the other problem's solution, alternating between the two. */
function warmNewton(problems: [HjbProblem, HjbProblem]): Prepared {
  const starts = problems.map((p) => solveStationary(p).table.h);
  return alternate((i) => solveStationary(problems[i], { initialH: starts[1 - i]! }).valuePerSec);
}

function stationaryCases(qMax: number): BenchCase[] {
  const target = qMax === TARGET_Q_MAX ? STATIONARY_RESOLVE : undefined;
  const glft = (): [HjbProblem, HjbProblem] => [
    glftWithDrift(qMax, DRIFTS_PER_SEC[0]),
    glftWithDrift(qMax, DRIFTS_PER_SEC[1]),
  ];
  const book = (): [HjbProblem, HjbProblem] => [
    seedBook(qMax, IMBALANCES[0]),
    seedBook(qMax, IMBALANCES[1]),
  ];
  return [
    {
      id: `stationary.glft.perron.q${qMax}`,
      group: GROUP_STATIONARY,
      name: `GLFT Perron re-solve after drift change (qMax ${qMax})`,
      ...(target && { target }),
      setup: () => {
        const problems = glft();
        return alternate((i) => solveStationaryExponential(problems[i]).valuePerSec);
      },
    },
    {
      id: `stationary.glft.newton.q${qMax}`,
      group: GROUP_STATIONARY,
      name: `GLFT Newton re-solve after drift change, warm start (qMax ${qMax})`,
      ...(target && { target }),
      setup: () => warmNewton(glft()),
    },
    {
      id: `stationary.book.newton.q${qMax}`,
      group: GROUP_STATIONARY,
      name: `seed book Newton re-solve after imbalance change, warm start (qMax ${qMax})`,
      ...(target && { target }),
      setup: () => warmNewton(book()),
    },
    {
      id: `stationary.book.cold.q${qMax}`,
      group: GROUP_STATIONARY,
      name: `seed book Newton cold solve (qMax ${qMax})`,
      setup: () => {
        const problems = book();
        return alternate((i) => solveStationary(problems[i]).valuePerSec);
      },
    },
  ];
}

function finiteCases(qMax: number): BenchCase[] {
  const target = qMax === TARGET_Q_MAX ? FINITE_SOLVE : undefined;
  const models: [string, string, () => HjbProblem][] = [
    ['GLFT', 'glft', () => glftWithDrift(qMax, 0)],
    ['seed book', 'book', () => seedBook(qMax, IMBALANCES[0])],
  ];
  return models.flatMap(([model, key, build]) =>
    HORIZONS_SEC.map(
      (horizonSec): BenchCase => ({
        id: `finite.${key}.q${qMax}.t${horizonSec}`,
        group: GROUP_FINITE,
        name: `${model}, horizon ${horizonSec} s, outputSteps 1 (qMax ${qMax})`,
        samples: 30,
        ...(target && { target }),
        setup: () => {
          const problem = build();
          return {
            run: (calls) => {
              let sum = 0;
              for (let c = 0; c < calls; c++)
                sum += solveFiniteHorizon(problem, { horizonSec, outputSteps: 1 }).tables[0]!.h[0]!;
              return sum;
            },
          };
        },
      }),
    ),
  );
}

export const solveTimeCases: BenchCase[] = [
  ...Q_MAXES.flatMap(stationaryCases),
  ...Q_MAXES.flatMap(finiteCases),
];
