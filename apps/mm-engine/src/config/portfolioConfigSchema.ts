import { z } from 'zod';
import { correlationIssues } from './correlationMatrix.js';

const POSITIVE = 'expected a number > 0';
const NON_NEGATIVE = 'expected a number >= 0';
const positive = () => z.number({ error: POSITIVE }).gt(0, { error: POSITIVE });
const nonNegative = () => z.number({ error: NON_NEGATIVE }).gte(0, { error: NON_NEGATIVE });

/** A square matrix of numbers as written in config (checked against the asset count later). */
export const matrixSchema = z.array(z.array(z.number({ error: 'expected a number' })), {
  error: 'expected a matrix (a list of rows)',
});

/** Cross-asset hedging with taker orders (DESIGN 3.5: dead zone, cost `psi |xi| + eta xi^2`). */
export const hedgingSchema = z.strictObject({
  /** Default: on under `multi`, off under `independent`. */
  enabled: z.boolean().optional(),
  /** Largest hedge volume per asset, lots per second (one clip per decision at most). */
  maxLotsPerSec: positive().default(1),
  /** Quadratic execution cost of a hedge, quote currency per (asset unit)^2; default none. */
  eta: nonNegative().optional(),
});

/** The covariance estimated live from mids: EWMA of mid changes per unit time. */
export const covarianceEstimateSchema = z.strictObject({
  estimate: z.strictObject({
    /** Half-life of the EWMA weights, seconds. */
    halfLifeSec: positive(),
  }),
});

/**
 * The `portfolio` section (issue 10): one decision for the whole book. Without it the engine
 * quotes each asset from its own model, as before.
 */
export const portfolioConfigSchema = z
  .strictObject({
    /** `multi` (the multi-asset control) or `independent`; default `multi` with 2+ assets. */
    model: z
      .enum(['multi', 'independent'], { error: "expected 'multi' | 'independent'" })
      .optional(),
    /** Risk aversion of the book, per unit of quote currency (`Phi = (gamma/2) Sigma`). */
    gamma: positive().optional(),
    /** Correlation of mid changes, in top-level `assets` order, with each asset's `model.sigma`. */
    correlation: matrixSchema.optional(),
    /** Or the covariance estimated live (`{ estimate: { halfLifeSec } }`). */
    covariance: covarianceEstimateSchema.optional(),
    /** Optional finite horizon of the Riccati solution, seconds (default stationary). */
    horizonSec: positive().optional(),
    hedging: hedgingSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.correlation !== undefined && p.covariance !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['covariance'],
        message: 'give correlation or covariance, not both',
      });
    }
  });

export type PortfolioConfig = z.infer<typeof portfolioConfigSchema>;
export type PortfolioModel = 'multi' | 'independent';

/** The policy deciding for the book: `null` without a `portfolio` section (today's behaviour). */
export function portfolioModelOf(
  portfolio: PortfolioConfig | undefined,
  assetCount: number,
): PortfolioModel | null {
  if (portfolio === undefined) return null;
  return portfolio.model ?? (assetCount >= 2 ? 'multi' : 'independent');
}

/** Whether hedging is on: `hedging.enabled`, else on exactly under `multi`. */
export function hedgingEnabled(portfolio: PortfolioConfig, model: PortfolioModel): boolean {
  return portfolio.hedging?.enabled ?? model === 'multi';
}

/** Issues of a `portfolio` section against the asset count (paths relative to `portfolio`). */
export function portfolioIssues(
  p: PortfolioConfig,
  assetCount: number,
): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const model = portfolioModelOf(p, assetCount);
  if (p.correlation !== undefined) {
    for (const issue of correlationIssues(p.correlation, assetCount)) {
      issues.push({ path: ['correlation', ...issue.path], message: issue.message });
    }
  }
  if (model === 'multi') {
    if (p.gamma === undefined) {
      issues.push({
        path: ['gamma'],
        message: 'required under multi (per unit of quote currency)',
      });
    }
    if (p.correlation === undefined && p.covariance === undefined && assetCount >= 2) {
      issues.push({
        path: ['correlation'],
        message: 'multi needs correlation (a matrix in assets order) or covariance: { estimate }',
      });
    }
  }
  return issues;
}

/**
 * Under `multi` each asset's `policy` and `model.gamma` are optional and ignored; fill them in
 * the raw config before validation so the rest of the config keeps one shape: `policy: exact`
 * and `gamma = portfolio.gamma x lotSizeBase` (the per-(price x lot) risk aversion that agrees
 * with the book's, ISSUE-NOTES "Which gamma"), in `model` and each regime's `model`. Anything
 * malformed is left for the schema to report.
 */
export function fillMultiDefaults(input: unknown): unknown {
  if (!isRecord(input) || !isRecord(input.portfolio) || !Array.isArray(input.assets)) return input;
  const portfolio = input.portfolio;
  const model = portfolio.model ?? (input.assets.length >= 2 ? 'multi' : 'independent');
  const gamma = portfolio.gamma;
  if (model !== 'multi') return input;
  const assets = input.assets.map((a: unknown) => {
    if (!isRecord(a)) return a;
    const lot = a.lotSizeBase;
    const filled =
      typeof gamma === 'number' && gamma > 0 && typeof lot === 'number' && lot > 0
        ? gamma * lot
        : undefined;
    const withGamma = (m: unknown) =>
      isRecord(m) && m.gamma === undefined && filled !== undefined ? { ...m, gamma: filled } : m;
    const out: Record<string, unknown> = {
      ...a,
      policy: a.policy ?? 'exact',
      model: withGamma(a.model),
    };
    if (isRecord(a.regime) && Array.isArray(a.regime.regimes)) {
      out.regime = {
        ...a.regime,
        regimes: a.regime.regimes.map((r: unknown) =>
          isRecord(r) ? { ...r, model: withGamma(r.model) } : r,
        ),
      };
    }
    return out;
  });
  return { ...input, assets };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
