import { type HjbProblem, solveFiniteHorizon } from '@mm/hjb-core';
import { exactGridSearch, parseJobData } from '@mm/optimizer';
import type { BenchCase, Prepared } from '../harness.js';
import { glftWithDrift } from './models.js';

const GROUP_LINEAR = 'linear w-space path (issue 14)';
const GROUP_EXACT = 'exact policy evaluation (issue 14)';
const Q_MAX = 100;
const HORIZON_SEC = 600;
const TABLE_BUCKETS = 100;

/** Solve `problem` once per call; the checksum keeps a value of every solve observable. */
function solving(problem: HjbProblem, outputSteps: number, method?: 'integrator'): Prepared {
  let modes = 0;
  let methodSeen = '';
  return {
    run: (calls) => {
      let sum = 0;
      for (let c = 0; c < calls; c++) {
        const s = solveFiniteHorizon(problem, {
          horizonSec: HORIZON_SEC,
          outputSteps,
          ...(method ? { method } : {}),
        });
        modes = s.modes;
        methodSeen = s.method;
        sum += s.tables[0]!.h[Q_MAX]!;
      }
      return sum;
    },
    verify: () =>
      methodSeen !== (method ?? 'linear')
        ? `expected the ${method ?? 'linear'} path, the solve took ${methodSeen} (${modes} modes)`
        : undefined,
  };
}

const linearCases: BenchCase[] = [
  {
    id: 'finite.glft.linear.q100.t600',
    group: GROUP_LINEAR,
    name: 'GLFT finite horizon 600 s, one time point, linear path (qMax 100, 201 levels)',
    target: { label: '<= 100 us median', maxMedianNs: 100_000 },
    reference: 'numpy/scipy eigh_tridiagonal + V exp(Lambda T) V^T w: see the anchors below',
    setup: () => solving(glftWithDrift(Q_MAX, 0), 1),
  },
  {
    id: 'finite.glft.linear.drift.q100.t600',
    group: GROUP_LINEAR,
    name: 'GLFT with drift 1 tick/s, one time point, linear path (qMax 100)',
    setup: () => solving(glftWithDrift(Q_MAX, 1), 1),
  },
  {
    id: 'finite.glft.linear.table100.q100.t600',
    group: GROUP_LINEAR,
    name: `GLFT finite horizon 600 s, ${TABLE_BUCKETS}-bucket table, linear path (qMax 100)`,
    target: { label: '<= 300 us median (goal)', maxMedianNs: 300_000 },
    samples: 100,
    setup: () => solving(glftWithDrift(Q_MAX, 0), TABLE_BUCKETS),
  },
  {
    id: 'finite.glft.integrator.q100.t600',
    group: GROUP_LINEAR,
    name: 'GLFT finite horizon 600 s, one time point, general integrator (qMax 100), for comparison',
    samples: 30,
    setup: () => solving(glftWithDrift(Q_MAX, 0), 1, 'integrator'),
  },
];

/** 1,000 heuristic candidates (100 half spreads x 10 drift scales) scored exactly in one job. */
function gridExactJob(candidates: number) {
  const spreads = Array.from(
    { length: candidates / 10 },
    (_, i) => 2 + (i * 18) / (candidates / 10),
  );
  return {
    market: { sigma: 0.3, A: 1.2, k: 1.5, midPrice: 1_000, drift: 0.002 },
    objective: { gamma: 0.5, alpha: 0.05 },
    qMaxLots: 10,
    horizonSec: 300,
    dtSec: 0.1,
    scoring: 'exact',
    candidates: {
      kind: 'grid',
      policies: ['heuristic'],
      baseHalfSpreadBps: spreads,
      driftScalePerSec: Array.from({ length: 10 }, (_, i) => 0.05 + 0.05 * i),
    },
  };
}

const exactCases: BenchCase[] = [
  {
    id: 'grid.exact.1000',
    group: GROUP_EXACT,
    name: '1,000-candidate grid search scored exactly (qMax 10, 300 s; backward Kolmogorov), one job',
    target: { label: '<= 1 s median', maxMedianNs: 1e9 },
    reference: 'by Monte Carlo (100 paths x 3,000 steps per candidate) see the optimizer group',
    samples: 5,
    setup: () => {
      const parsed = parseJobData('grid-search', gridExactJob(1000));
      if (!parsed.ok) throw new Error(`${parsed.field}: ${parsed.message}`);
      const data = parsed.data;
      let scored = 0;
      return {
        run: (calls) => {
          let sum = 0;
          for (let c = 0; c < calls; c++) {
            const r = exactGridSearch(data);
            scored = r.candidates.length;
            sum += r.best.objective.mean;
          }
          return sum;
        },
        verify: () => (scored !== 1000 ? `scored ${scored} candidates, not 1000` : undefined),
      };
    },
  },
];

export const exactSpeedCases: BenchCase[] = [...linearCases, ...exactCases];
