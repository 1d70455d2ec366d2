import {
  binExposures,
  estimateVolatility,
  fitFillIntensity,
  maxDrawdown,
  type PathResult,
  pathResultFromSeries,
  type QuoteExposure,
  type ReportData,
  summarizePolicies,
} from '../../src/index.js';
import { type Rng, seededRng } from './random.js';

/**
 * A toy closed-loop market for report tests (not the project's simulator): Brownian mid,
 * linear-skew quotes `d_b = half + skew q`, `d_a = half - skew q`, Poisson fills at
 * `A e^{-k d}`, a taker trade when |q| reaches the limit. Units: price, seconds, lots.
 */
export interface ToyPolicy {
  name: string;
  halfSpreadPrice: number;
  skewPricePerLot: number;
}

export const TOY = {
  mid0: 100,
  sigmaPerSqrtSec: 0.02,
  aPerSec: 1.5,
  kPerPrice: 25,
  phiPerLot2Sec: 2e-4,
  maxLots: 8,
  takerCostPrice: 0.01,
  dtSec: 0.1,
  horizonSec: 600,
} as const;

export interface ToyPath {
  tSec: Float64Array;
  mid: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  pnl: Float64Array;
  inventory: Float64Array;
  result: PathResult;
  exposures: QuoteExposure[];
}

export function simulateToyPath(rng: Rng, policy: ToyPolicy): ToyPath {
  const steps = Math.round(TOY.horizonSec / TOY.dtSec);
  const n = steps + 1;
  const tSec = new Float64Array(n);
  const mid = new Float64Array(n);
  const bid = new Float64Array(n);
  const ask = new Float64Array(n);
  const pnl = new Float64Array(n);
  const inventory = new Float64Array(n);
  const exposures: QuoteExposure[] = [];
  let cash = 0;
  let q = 0;
  let m = TOY.mid0;
  let fills = 0;
  let taker = 0;
  for (let i = 0; i < n; i++) {
    const db = Math.max(0.002, policy.halfSpreadPrice + policy.skewPricePerLot * q);
    const da = Math.max(0.002, policy.halfSpreadPrice - policy.skewPricePerLot * q);
    tSec[i] = i * TOY.dtSec;
    mid[i] = m;
    bid[i] = q < TOY.maxLots ? m - db : Number.NaN;
    ask[i] = q > -TOY.maxLots ? m + da : Number.NaN;
    pnl[i] = cash + q * m;
    inventory[i] = q;
    if (i === steps) break;
    const dt = TOY.dtSec;
    let bidFills = 0;
    let askFills = 0;
    if (
      q < TOY.maxLots &&
      rng.uniform() < 1 - Math.exp(-TOY.aPerSec * Math.exp(-TOY.kPerPrice * db) * dt)
    ) {
      bidFills = 1;
      cash -= m - db;
      q += 1;
    }
    if (
      q > -TOY.maxLots &&
      rng.uniform() < 1 - Math.exp(-TOY.aPerSec * Math.exp(-TOY.kPerPrice * da) * dt)
    ) {
      askFills = 1;
      cash += m + da;
      q -= 1;
    }
    if (!Number.isNaN(bid[i]!))
      exposures.push({ depthPrice: db, exposureSec: dt, fills: bidFills });
    if (!Number.isNaN(ask[i]!))
      exposures.push({ depthPrice: da, exposureSec: dt, fills: askFills });
    fills += bidFills + askFills;
    if (Math.abs(q) >= TOY.maxLots) {
      // taker trade of one lot towards zero
      const s = Math.sign(q);
      cash += s * m - TOY.takerCostPrice;
      q -= s;
      taker += 1;
    }
    m += TOY.sigmaPerSqrtSec * Math.sqrt(dt) * rng.normal();
  }
  const result = pathResultFromSeries(
    { tSec, inventoryLots: inventory, pnl, fills, takerVolume: taker },
    TOY.phiPerLot2Sec,
  );
  return { tSec, mid, bid, ask, pnl, inventory, result, exposures };
}

export const TOY_POLICIES: readonly ToyPolicy[] = [
  { name: 'exact', halfSpreadPrice: 0.045, skewPricePerLot: 0.006 },
  { name: 'grid', halfSpreadPrice: 0.05, skewPricePerLot: 0.003 },
  { name: 'heuristic', halfSpreadPrice: 0.035, skewPricePerLot: 0.0015 },
];

/** A full report data object from the toy market: `pathsPerPolicy` paths per policy. */
export function toyReportData(seed = 2026, pathsPerPolicy = 40): ReportData {
  const runs = TOY_POLICIES.map((policy) => {
    // common random numbers: path j of every policy uses the same seed
    const paths = Array.from({ length: pathsPerPolicy }, (_, j) =>
      simulateToyPath(seededRng(seed * 1000 + j), policy),
    );
    return { policy, paths };
  });
  const comparison = summarizePolicies(
    runs.map((r) => ({ name: r.policy.name, paths: r.paths.map((p) => p.result) })),
    { paired: true, seed: 7, resamples: 1000 },
  );
  const exposures = runs.flatMap((r) => r.paths.flatMap((p) => p.exposures));
  const bins = binExposures(exposures, { binCount: 12 });
  const fit = fitFillIntensity(bins, { method: 'poissonMle' });
  const first = runs[0]!.paths[0]!;
  const volatility = estimateVolatility(first.tSec, first.mid);
  const window = Math.round(120 / TOY.dtSec); // first two minutes of quotes
  return {
    title: 'Backtest report — toy market <check escaping & "quotes">',
    subtitle: `3 policies × ${pathsPerPolicy} paths of ${TOY.horizonSec} s, paired seeds from ${seed}`,
    generatedAt: '2026-11-24 12:00 UTC',
    currency: 'USD',
    paths: runs.map((r) => ({
      name: r.policy.name,
      tSec: r.paths[0]!.tSec,
      pnl: r.paths[0]!.pnl,
      inventoryLots: r.paths[0]!.inventory,
    })),
    pathLabel: `path 1 of ${pathsPerPolicy}, seed ${seed * 1000}`,
    distributions: runs.map((r) => ({
      name: r.policy.name,
      pnl: r.paths.map((p) => p.pnl[p.pnl.length - 1]!),
      maxDrawdown: r.paths.map((p) => maxDrawdown(p.pnl)),
    })),
    quotes: {
      name: 'exact, first 2 min',
      tSec: first.tSec.subarray(0, window),
      midPrice: first.mid.subarray(0, window),
      bidPrice: first.bid.subarray(0, window),
      askPrice: first.ask.subarray(0, window),
    },
    comparison,
    calibration: { bins, fit, volatility },
    notes: [
      `True intensity A = ${TOY.aPerSec}/s, k = ${TOY.kPerPrice} per price unit; sigma = ${TOY.sigmaPerSqrtSec} per sqrt(s).`,
      `The toy market allows at most one fill per side per ${TOY.dtSec} s step, so observed rates sit below A e^(-k d) where lambda dt is not small (about 7% at depth 0).`,
    ],
  };
}
