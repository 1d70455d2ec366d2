import type { GeneratorPerSec } from './generator.js';

/**
 * The stationary distribution `pi G = 0`, `sum pi = 1`, of an irreducible generator by the
 * Grassmann-Taksar-Heyman state reduction (no subtractions, full relative accuracy even for
 * very uneven rates). Returns `null` when the distribution is not unique or the reduction meets
 * a regime with no way out (e.g. `G = 0`).
 */
export function stationaryDistribution(g: GeneratorPerSec): Float64Array | null {
  const n = g.length;
  const q = g.map((row) => row.slice());
  const outRate = new Float64Array(n);
  for (let k = n - 1; k >= 1; k--) {
    let s = 0;
    for (let j = 0; j < k; j++) s += q[k]![j]!;
    if (!(s > 0)) return null;
    outRate[k] = s;
    for (let i = 0; i < k; i++) {
      const f = q[i]![k]! / s;
      if (f === 0) continue;
      for (let j = 0; j < k; j++) if (j !== i) q[i]![j] = q[i]![j]! + f * q[k]![j]!;
    }
  }
  const pi = new Float64Array(n);
  pi[0] = 1;
  let total = 1;
  for (let k = 1; k < n; k++) {
    let v = 0;
    for (let i = 0; i < k; i++) v += pi[i]! * q[i]![k]!;
    pi[k] = v / outRate[k]!;
    total += pi[k]!;
  }
  for (let k = 0; k < n; k++) pi[k] = pi[k]! / total;
  return irreducible(g) ? pi : null;
}

/** Closed communicating classes (sets no switch leaves) and the remaining transient regimes. */
export interface RegimeClasses {
  closed: number[][];
  transient: number[];
}

/** The class structure of `G` (reachability through positive off-diagonal rates). */
export function regimeClasses(g: GeneratorPerSec): RegimeClasses {
  const n = g.length;
  const reach = reachability(g);
  const seen = new Set<number>();
  const closed: number[][] = [];
  const transient: number[] = [];
  for (let i = 0; i < n; i++) {
    if (seen.has(i)) continue;
    const cls: number[] = [];
    for (let j = 0; j < n; j++) if (reach[i]![j] && reach[j]![i]) cls.push(j);
    for (const j of cls) seen.add(j);
    const isClosed = cls.every((j) => g[j]!.every((v, k) => k === j || v <= 0 || cls.includes(k)));
    if (isClosed) closed.push(cls);
    else transient.push(...cls);
  }
  transient.sort((a, b) => a - b);
  return { closed, transient };
}

function irreducible(g: GeneratorPerSec): boolean {
  return reachability(g).every((row) => row.every(Boolean));
}

/** `reach[i][j]`: regime j can be reached from i (reflexive). Floyd-Warshall on booleans. */
function reachability(g: GeneratorPerSec): boolean[][] {
  const n = g.length;
  const reach = g.map((row, i) => row.map((v, j) => i === j || v > 0));
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true;
  return reach;
}
