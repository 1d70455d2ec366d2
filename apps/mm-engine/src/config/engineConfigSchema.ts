import { z } from 'zod';

const POSITIVE = 'expected a number > 0';
const NON_NEGATIVE = 'expected a number >= 0';
const POSITIVE_INT = 'expected an integer > 0';

const positive = () => z.number({ error: POSITIVE }).gt(0, { error: POSITIVE });
const nonNegative = () => z.number({ error: NON_NEGATIVE }).gte(0, { error: NON_NEGATIVE });
const positiveInt = () =>
  z.number({ error: POSITIVE_INT }).int({ error: POSITIVE_INT }).gt(0, { error: POSITIVE_INT });

/** Intensity `A exp(-k delta)` and risk parameters of one asset's model. */
export const modelParamsSchema = z.strictObject({
  /** Fill intensity at zero distance, fills per second. */
  A: positive(),
  /** Intensity decay, per price unit. */
  k: positive(),
  /** Mid volatility, price units per sqrt(second). */
  sigma: positive(),
  /** Risk aversion, per price unit. */
  gamma: positive(),
});

export const assetConfigSchema = z.strictObject({
  symbol: z.string({ error: 'expected a non-empty string' }).min(1, {
    error: 'expected a non-empty string',
  }),
  /** Base-currency amount of one lot. */
  lotSizeBase: positive(),
  /** Price increment, price units. */
  tickSize: positive(),
  /** Inventory grid bound of the model, lots. */
  qMaxLots: positiveInt(),
  /** Size of each resting quote, lots (default 1). */
  quoteSizeLots: positiveInt().default(1),
  policy: z.enum(['exact', 'grid', 'heuristic'], {
    error: "expected 'exact' | 'grid' | 'heuristic'",
  }),
  model: modelParamsSchema,
  /** Overrides `risk.positionLimitLots` for this asset. */
  positionLimitLots: positiveInt().optional(),
});

export const venueConfigSchema = z.strictObject({
  name: z.string({ error: 'expected a non-empty string' }).min(1, {
    error: 'expected a non-empty string',
  }),
  kind: z.enum(['sim', 'ccxt'], { error: "expected 'sim' | 'ccxt'" }),
  mode: z.enum(['paper', 'live'], { error: "expected 'paper' | 'live'" }).default('paper'),
});

export const riskLimitsSchema = z.strictObject({
  /** Largest absolute inventory per asset, lots. */
  positionLimitLots: positiveInt(),
  /** Largest gross portfolio notional, quote currency. */
  portfolioNotionalLimit: positive(),
  /** Order actions per second the order manager may send. */
  maxOrdersPerSec: positive(),
  /** Quotes are pulled when no book update arrived for this long, milliseconds. */
  staleDataTimeoutMs: positive(),
  /** Largest mid jump between updates, and largest quote distance from the mid, basis points. */
  priceBandBps: positive(),
});

export const engineConfigSchema = z
  .strictObject({
    assets: z.array(assetConfigSchema).min(1, { error: 'expected at least one asset' }),
    venues: z.array(venueConfigSchema).min(1, { error: 'expected at least one venue' }),
    risk: riskLimitsSchema,
    /** Price tolerance before a live quote is replaced, ticks (default 0). */
    replaceToleranceTicks: nonNegative().default(0),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.assets.forEach((a, i) => {
      if (seen.has(a.symbol)) {
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'symbol'],
          message: 'duplicate symbol',
        });
      }
      seen.add(a.symbol);
    });
    const names = new Set<string>();
    config.venues.forEach((v, i) => {
      if (names.has(v.name)) {
        ctx.addIssue({ code: 'custom', path: ['venues', i, 'name'], message: 'duplicate name' });
      }
      names.add(v.name);
    });
  });

export type ModelParams = z.infer<typeof modelParamsSchema>;
export type AssetConfig = z.infer<typeof assetConfigSchema>;
export type VenueConfig = z.infer<typeof venueConfigSchema>;
export type RiskLimitsConfig = z.infer<typeof riskLimitsSchema>;
export type EngineConfig = z.infer<typeof engineConfigSchema>;

/** Render an issue path as `config.assets[0].lotSizeBase`. */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  let out = 'config';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}

/** The error thrown for an invalid config; `message` names every failing field. */
export class EngineConfigError extends Error {
  override readonly name = 'EngineConfigError';
  readonly code = 'ENGINE_CONFIG_INVALID';
  constructor(readonly issues: ReadonlyArray<{ path: string; message: string }>) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/** Validate an engine config; throws an `EngineConfigError` naming the field paths. */
export function parseEngineConfig(input: unknown): EngineConfig {
  const result = engineConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new EngineConfigError(
    result.error.issues.map((issue) => ({
      path: formatConfigPath(issue.path),
      message: issue.message,
    })),
  );
}
