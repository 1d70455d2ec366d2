import { portfolioRisk } from '@mm/hjb-core';
import { simulateMultiAsset } from '@mm/simulator';
import type { PathResult } from '../../compare/PathResult.js';
import {
  type PolicyComparison,
  type PolicySummary,
  summarizePolicies,
} from '../../compare/summarizePolicies.js';
import { type ConfidenceInterval, meanCi } from '../../stats/ConfidenceInterval.js';
import { mean, standardDeviation } from '../../stats/descriptive.js';
import type { MeanStd } from '../comparePolicies.js';
import type { PortfolioBacktestConfig } from './portfolioBacktestConfig.js';
import {
  portfolioMarkets,
  portfolioPolicyFactory,
  portfolioPolicyName,
  portfolioSpecOf,
} from './portfolioMarket.js';
import { simPortfolioPolicy } from './simPortfolioPolicy.js';

/** One asset's figures for one policy, over paths. */
export interface PortfolioAssetSummary {
  symbol: string;
  /** Final P&L of the asset, quote currency. */
  pnl: MeanStd;
  /** Final inventory, lots. */
  finalInventory: MeanStd;
}

/** A policy's summary with the portfolio figures (issue 10 item 7). */
export interface PortfolioPolicySummary extends PolicySummary {
  /**
   * Paired difference of the objective against the first policy (`this - first`, per path),
   * quote currency; null for the first policy itself.
   */
  objectiveVsFirst: { mean: number; std: number; ci: ConfidenceInterval } | null;
  /** Time average of `q' Sigma q` (q in asset units), quote currency^2 per second. */
  portfolioRisk: { mean: number };
  assets: PortfolioAssetSummary[];
  /** Clamped quotes and taker orders (boundary, hedge) per path. */
  clampedQuotes: number;
  hedges: number;
}

export interface PortfolioComparison extends Omit<PolicyComparison, 'policies'> {
  policies: PortfolioPolicySummary[];
}

/** One policy's representative path: every asset's inventory and the portfolio's risk and P&L. */
export interface PortfolioRepresentativePath {
  name: string;
  seed: number;
  tSec: Float64Array;
  /** `[asset][sample]`, lots. */
  inventoryLots: Float64Array[];
  /** `q' Sigma q` at each sample, quote currency^2 per second. */
  risk: Float64Array;
  /** Portfolio P&L, quote currency. */
  pnl: Float64Array;
}

export interface PortfolioComparisonRun {
  comparison: PortfolioComparison;
  symbols: string[];
  representative: PortfolioRepresentativePath[];
  paths: number;
  steps: number;
}

export interface ComparePortfolioOptions {
  config: PortfolioBacktestConfig;
  /** Overrides of `run.paths` and `run.seed`. */
  paths?: number;
  seed?: number;
  onProgress?(donePaths: number, totalPaths: number): void;
}

/**
 * Seeded paired paths of every policy on the same correlated markets (path `i`: seed `seed + i`
 * for every policy), each decision through the same portfolio policy objects and boundary module
 * as the engine. Per path the objective is the portfolio objective
 * `P&L - (gamma/2) int q' Sigma q dt` (q in asset units, left Riemann sum on the step grid).
 */
export function comparePortfolioPolicies(options: ComparePortfolioOptions): PortfolioComparisonRun {
  const c = options.config;
  const paths = options.paths ?? c.run.paths;
  const seed = options.seed ?? c.run.seed ?? 1;
  const markets = portfolioMarkets(c);
  const spec = portfolioSpecOf(c);
  const sigma = Float64Array.from(spec.covariance.flat());
  const n = markets.length;
  const lot = spec.assets.map((a) => a.lotSizeBase);
  const halfSpreads = markets.map((m) => m.halfSpreadPrice);
  const gamma = c.objective.gamma;
  const total = paths * c.policies.length;
  const runs: { name: string; paths: PathResult[] }[] = [];
  const extra: {
    risk: Float64Array;
    assetPnl: Float64Array[];
    assetQ: Float64Array[];
    clamped: number;
    hedges: number;
  }[] = [];
  const representative: PortfolioRepresentativePath[] = [];
  let done = 0;
  let steps = 0;
  const units = new Float64Array(n);
  for (const p of c.policies) {
    const name = portfolioPolicyName(p);
    const create = portfolioPolicyFactory(c, p);
    const results: PathResult[] = [];
    const risk = new Float64Array(paths);
    const assetPnl = markets.map(() => new Float64Array(paths));
    const assetQ = markets.map(() => new Float64Array(paths));
    let clamped = 0;
    let hedges = 0;
    for (let i = 0; i < paths; i++) {
      const policy = simPortfolioPolicy(create(), spec, halfSpreads, (d) => {
        for (const row of d.quotes)
          for (const v of row) {
            if (v.bid?.clamped) clamped++;
            if (v.ask?.clamped) clamped++;
          }
        for (const t of d.takers) if (t.reason === 'hedge') hedges++;
      });
      const r = simulateMultiAsset({
        assets: markets.map((m) => m.market),
        correlation: c.market.correlation,
        policies: policy,
        dtSec: c.run.dt,
        horizonSec: c.run.T,
        seed: seed + i,
        recordEverySteps: 1,
        recordFills: false,
      });
      const first = r.assets[0]!;
      steps += first.steps;
      const tSec = first.path!.tSec;
      const m = tSec.length;
      const riskPath = new Float64Array(m);
      let integral = 0;
      let absLots = 0;
      let maxAbs = 0;
      for (let k = 0; k < m; k++) {
        let abs = 0;
        for (let j = 0; j < n; j++) {
          const q = r.assets[j]!.path!.inventoryLots[k]!;
          units[j] = q * lot[j]!;
          abs += Math.abs(q);
        }
        riskPath[k] = portfolioRisk(sigma, units);
        maxAbs = Math.max(maxAbs, abs);
        if (k + 1 < m) {
          const dt = tSec[k + 1]! - tSec[k]!;
          integral += riskPath[k]! * dt;
          absLots += abs * dt;
        }
      }
      const duration = tSec[m - 1]! - tSec[0]!;
      let fills = 0;
      let takerVolume = 0;
      for (const a of r.assets) {
        fills += a.counts.makerBuys + a.counts.makerSells;
        takerVolume += a.counts.takerBuys + a.counts.takerSells;
      }
      results.push({
        pnl: r.pnlQuote,
        objective: r.pnlQuote - (gamma / 2) * integral,
        meanAbsInventory: absLots / duration,
        maxAbsInventory: maxAbs,
        fills,
        takerVolume,
      });
      risk[i] = integral / duration;
      r.assets.forEach((a, j) => {
        assetPnl[j]![i] = a.pnlQuote;
        assetQ[j]![i] = a.inventoryLots;
      });
      if (i === 0)
        representative.push({
          name,
          seed,
          tSec,
          inventoryLots: r.assets.map((a) => a.path!.inventoryLots),
          risk: riskPath,
          pnl: r.pnlPathQuote!,
        });
      options.onProgress?.(++done, total);
    }
    runs.push({ name, paths: results });
    extra.push({ risk, assetPnl, assetQ, clamped: clamped / paths, hedges: hedges / paths });
  }
  const base = summarizePolicies(runs, { paired: true, reference: runs[0]!.name, seed });
  const firstObjective = Float64Array.from(runs[0]!.paths, (x) => x.objective);
  const policies = base.policies.map((s, r): PortfolioPolicySummary => {
    const diff = Float64Array.from(runs[r]!.paths, (x, i) => x.objective - firstObjective[i]!);
    const e = extra[r]!;
    return {
      ...s,
      objectiveVsFirst:
        r === 0 ? null : { mean: mean(diff), std: sd(diff), ci: meanCi(diff, base.level) },
      portfolioRisk: { mean: mean(e.risk) },
      assets: markets.map((m, j) => ({
        symbol: m.symbol,
        pnl: meanStd(e.assetPnl[j]!),
        finalInventory: meanStd(e.assetQ[j]!),
      })),
      clampedQuotes: e.clamped,
      hedges: e.hedges,
    };
  });
  return {
    comparison: { ...base, policies },
    symbols: markets.map((m) => m.symbol),
    representative,
    paths,
    steps,
  };
}

function sd(xs: Float64Array): number {
  return xs.length > 1 ? standardDeviation(xs) : 0;
}

function meanStd(xs: Float64Array): MeanStd {
  return { mean: mean(xs), std: sd(xs) };
}
