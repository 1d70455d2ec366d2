import { stationaryDistribution } from '../model/generatorStructure.js';
import type { RegimeCoupledProblem } from './RegimeCoupledProblem.js';

/**
 * The stacked index to pin in the stationary Newton system: in the regime of the closed class
 * with the largest stationary weight under `G`, the mode of its inventory chain under the current
 * quotes (`pi_{i+1}/pi_i = bidRate_i / askRate_{i+1}`, a birth-death chain). Pinning where the
 * chain lives keeps the system well conditioned (see hjb-core's `solveStationary`). `ref` is a
 * regime of the closed class; `jac` the Jacobian's rates in band storage of half-bandwidth R.
 */
export function choosePin(sub: RegimeCoupledProblem, jac: Float64Array, ref: number): number {
  const G = sub.generatorPerSec;
  const R = G.length;
  const w = 2 * R + 1;
  const levels = 2 * sub.problems[0]!.qMax + 1;
  const recurrent = G.map((_, r) => r).filter((r) => reaches(G, ref, r) && reaches(G, r, ref));
  const pi = stationaryDistribution(recurrent.map((r) => recurrent.map((s) => G[r]![s]!)));
  let regime = ref;
  if (pi) {
    let best = -1;
    recurrent.forEach((r, k) => {
      if (pi[k]! > best) {
        best = pi[k]!;
        regime = r;
      }
    });
  }
  let logPi = 0;
  let best = 0;
  let level = 0;
  for (let i = 1; i < levels; i++) {
    const up = jac[((i - 1) * R + regime) * w + 2 * R]!; // bid rate at level i - 1
    const down = jac[(i * R + regime) * w]!; // ask rate at level i
    logPi += Math.log(up) - Math.log(down);
    if (logPi > best) {
      best = logPi;
      level = i;
    }
  }
  return level * R + regime;
}

function reaches(G: readonly (readonly number[])[], from: number, to: number): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length > 0) {
    const r = stack.pop()!;
    if (r === to) return true;
    G[r]!.forEach((v, s) => {
      if (s !== r && v > 0 && !seen.has(s)) {
        seen.add(s);
        stack.push(s);
      }
    });
  }
  return false;
}
