import { z } from 'zod';
import { checkRunSteps, MAX_PATHS } from '../backtestConfig.js';

// The multi-asset branch of the backtest config (issue 10 item 7): `market.assets` with a
// correlation, policies `portfolio` (the `multi` control) and `independent`. Kept in its own file
// so the single-asset and recorded-data branches change independently.

/** Most assets of a portfolio backtest. */
export const MAX_PORTFOLIO_ASSETS = 50;

function num(what = '', ok: (v: number) => boolean = () => true) {
  const message = `expected a finite number${what}`;
  return z
    .number({ error: message })
    .refine((v) => Number.isFinite(v) && ok(v), { error: message });
}
const positive = () => num(' > 0', (v) => v > 0);
function int(min: number, max: number) {
  const message = `expected an integer in [${min}, ${max}]`;
  return z
    .number({ error: message })
    .refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: message });
}

/** One simulated asset: price units per asset unit, lots of `lotSize` units, one lot per fill. */
const assetSchema = z.strictObject({
  symbol: z
    .string({ error: 'expected a non-empty string' })
    .min(1, { error: 'expected a non-empty string' }),
  /** Initial mid, price units. */
  s0: positive(),
  /** Volatility of the mid, price units per sqrt(second) (per asset unit). */
  sigma: positive(),
  /** Fill rate at the mid, fills (lots) per second, each side. */
  A: positive(),
  /** Intensity decay per price unit. */
  k: positive(),
  /** Price units per tick. */
  tickSize: positive(),
  /** Asset units per lot (default 1). */
  lotSize: positive().optional(),
  /** Position limit, lots (default 10). */
  qMax: int(1, 10_000).optional(),
  makerFeeBps: num().optional(),
  takerFeeBps: num(' >= 0', (v) => v >= 0).optional(),
  /** The touch is `mid +- spreadTicks * tickSize / 2` (default 1). */
  spreadTicks: int(1, 1_000).optional(),
});

const marketSchema = z.strictObject({
  assets: z
    .array(assetSchema, { error: 'expected an array of assets' })
    .min(1, { error: 'expected at least one asset' })
    .max(MAX_PORTFOLIO_ASSETS, { error: `expected at most ${MAX_PORTFOLIO_ASSETS} assets` }),
  /** Correlation of the mids' shocks, `assets` order (unit diagonal within 1e-9, PSD). */
  correlation: z.array(z.array(num(), { error: 'expected a row (an array of numbers)' }), {
    error: 'expected a matrix (an array of rows)',
  }),
});

const runSchema = z.strictObject({
  dt: positive(),
  T: positive(),
  /** At least two: a standard deviation needs two paths. */
  paths: int(2, MAX_PATHS),
  seed: int(0, 2 ** 31 - 1).optional(),
});

const objectiveSchema = z.strictObject({
  /** One risk aversion for the book, per unit of quote currency: `Phi = (gamma/2) Sigma`. */
  gamma: positive(),
});

const name = z
  .string({ error: 'expected a non-empty string' })
  .min(1, { error: 'expected a non-empty string' })
  .optional();

const policySchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('portfolio'),
      name,
      /** `stationary` (default) or `finite` (Riccati over `run.T`). */
      horizon: z
        .enum(['finite', 'stationary'], { error: 'expected "finite" or "stationary"' })
        .optional(),
      /** Dead-zone taker hedging (default on). */
      hedging: z.boolean({ error: 'expected true or false' }).optional(),
      /** Hedge rate limit, lots per second (default 1). */
      maxHedgeLotsPerSec: positive().optional(),
    }),
    z.strictObject({ type: z.literal('independent'), name }),
  ],
  { error: 'expected one of "portfolio", "independent"' },
);

/** A multi-asset backtest: `market.assets` + `market.correlation`. */
export const portfolioBacktestConfigSchema = z
  .strictObject({
    title: z.string({ error: 'expected a string' }).optional(),
    market: marketSchema,
    run: runSchema,
    objective: objectiveSchema,
    policies: z
      .array(policySchema, { error: 'expected an array of policies' })
      .min(1, { error: 'expected at least one policy' }),
  })
  .superRefine((c, ctx) => {
    const n = c.market.assets.length;
    const rho = c.market.correlation;
    if (rho.length !== n || rho.some((row) => row.length !== n))
      ctx.addIssue({
        code: 'custom',
        path: ['market', 'correlation'],
        message: `expected a ${n}x${n} matrix (one row and column per asset)`,
      });
    const symbols = new Set<string>();
    c.market.assets.forEach((a, i) => {
      if (symbols.has(a.symbol))
        ctx.addIssue({
          code: 'custom',
          path: ['market', 'assets', i, 'symbol'],
          message: `expected a unique symbol, "${a.symbol}" is repeated`,
        });
      symbols.add(a.symbol);
    });
    checkRunSteps(c.run, ctx);
    const seen = new Set<string>();
    c.policies.forEach((p, i) => {
      const label = p.name ?? p.type;
      if (seen.has(label))
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'name'],
          message: `expected a unique name, "${label}" is repeated`,
        });
      seen.add(label);
    });
  });

export type PortfolioBacktestConfig = z.infer<typeof portfolioBacktestConfigSchema>;
export type PortfolioPolicyConfig = PortfolioBacktestConfig['policies'][number];

/** A config is the multi-asset kind when its `market` lists `assets`. */
export function isPortfolioBacktestConfig(input: unknown): boolean {
  if (input === null || typeof input !== 'object') return false;
  const market = (input as { market?: unknown }).market;
  return market !== null && typeof market === 'object' && 'assets' in market;
}
