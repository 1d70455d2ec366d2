import { generatorIssues } from '@mm/regime';
import { z } from 'zod';
import { deploymentPrefix, nonEmptyString, nonNegative, positive, positiveInt } from '../fields.js';
import { formatConfigPath } from '../formatPath.js';
import { correlationIssues } from './correlationMatrix.js';
import {
  fillMultiDefaults,
  matrixSchema,
  portfolioConfigSchema,
  portfolioIssues,
} from './portfolioConfigSchema.js';

/** Longest timer Node holds (2^31 - 1 ms, about 24.8 days): longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** A span in milliseconds a timer can hold: in (0, MAX_TIMER_MS], or [0, ...] with `allowZero`. */
const timerMs = (allowZero = false) => {
  const message = `expected a number of milliseconds in ${allowZero ? '[0' : '(0'}, ${MAX_TIMER_MS}] (a Node timer fires at once beyond)`;
  return z
    .number({ error: message })
    .refine((v) => (allowZero ? v >= 0 : v > 0) && v <= MAX_TIMER_MS, { error: message });
};

/** Intensity `A exp(-k delta)` and risk parameters of one asset's model. */
export const modelParamsSchema = z.strictObject({
  /** Fill intensity of one resting quote at zero distance from the mid, fills per second. */
  A: positive(),
  /** Intensity decay, per price unit of distance. */
  k: positive(),
  /** Mid volatility, price units per sqrt(second). */
  sigma: positive(),
  /** Risk aversion, per (price unit x lot). */
  gamma: positive(),
});

/**
 * Volatility regimes of one asset (docs/math.md §8): a Markov-switching filter on the mid picks the
 * regime (with hysteresis) and the engine quotes with that regime's model.
 */
export const assetRegimeSchema = z
  .strictObject({
    /** Two to four regimes; each regime's `model.sigma` is also its volatility in the filter. */
    regimes: z
      .array(z.strictObject({ name: z.string().min(1), model: modelParamsSchema }))
      .min(2, { error: 'expected 2 to 4 regimes' })
      .max(4, { error: 'expected 2 to 4 regimes' }),
    /** `G[r][r']`, switches per second from regime r to r'; rows sum to 0. */
    generatorPerSec: z.array(z.array(z.number())),
    /** The acted-on regime changes once another's probability holds >= threshold for minDwellSec. */
    switching: z
      .strictObject({
        threshold: z.number().gt(0.5).lte(1),
        minDwellSec: z.number().gte(0),
      })
      .default({ threshold: 0.8, minDwellSec: 5 }),
  })
  .superRefine((regime, ctx) => {
    for (const issue of generatorIssues(
      regime.generatorPerSec,
      'generatorPerSec',
      regime.regimes.length,
    )) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
    const names = new Set<string>();
    regime.regimes.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({ code: 'custom', path: ['regimes', i, 'name'], message: 'duplicate name' });
      names.add(r.name);
    });
  });

export const assetConfigSchema = z.strictObject({
  symbol: nonEmptyString(),
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
  /** Regime-switching parameters; without it the asset always quotes with `model`. */
  regime: assetRegimeSchema.optional(),
});

/** Per-venue order and fee facts shared by every venue kind. */
const venueBase = {
  name: nonEmptyString(),
  mode: z.enum(['paper', 'live'], { error: "expected 'paper' | 'live'" }).default('paper'),
  /** Assets quoted on this venue (default: every configured asset it lists). */
  assets: z.array(nonEmptyString()).optional(),
};

/**
 * The built-in simulated venue: the asset's own model (`sigma`, `A`, `k`) is the true market,
 * seeded, in real time. `paper` only.
 */
export const simVenueConfigSchema = z.strictObject({
  ...venueBase,
  kind: z.literal('sim'),
  /** RNG seed of this venue's own randomness: fills, faults (default 1). */
  seed: z.number({ error: 'expected an integer' }).int({ error: 'expected an integer' }).default(1),
  /**
   * RNG seed of the market (mid paths and books); venues with the same `marketSeed` quote the same
   * market, as one asset listed on several exchanges (default: `seed`).
   */
  marketSeed: z
    .number({ error: 'expected an integer' })
    .int({ error: 'expected an integer' })
    .optional(),
  /** Book update interval per asset, milliseconds (default 100). */
  bookIntervalMs: timerMs().default(100),
  /** Order acknowledgement latency, milliseconds (default 0). */
  latencyMs: timerMs(true).default(0),
  /** Maker and taker fees, basis points of notional (negative maker = rebate; default 0). */
  makerFeeBps: z.number({ error: 'expected a number' }).default(0),
  takerFeeBps: z.number({ error: 'expected a number' }).default(0),
  /** Starting mid per asset, price units (default 100). */
  initialMidPrice: z.record(z.string(), positive()).default({}),
  /** Fault injection for tests: share of order calls failing transiently / rejected. */
  transientErrorRate: z.number().gte(0).lte(1).default(0),
  rejectRate: z.number().gte(0).lte(1).default(0),
  /** Correlation of the simulated mids' changes, top-level `assets` order (Cholesky); default none. */
  correlation: matrixSchema.optional(),
  /** Starting position per asset, lots (the venue starts there plus the ledger's fills on it). */
  initialPositionLots: z
    .record(z.string(), z.number({ error: 'expected a finite number' }).finite())
    .default({}),
});

/** Credentials come only from the environment or a file named here; never inline. */
export const credentialsSchema = z.strictObject({
  /** Environment variable per ccxt credential field (`apiKey`, `secret`, `walletAddress`, `privateKey`, ...). */
  env: z.record(z.string(), nonEmptyString()).optional(),
  /** JSON file holding `{ "<ccxt field>": "<value>" }`. */
  file: nonEmptyString().optional(),
});

/** A ccxt exchange: REST for orders and positions, ccxt.pro websockets for data. */
export const ccxtVenueConfigSchema = z.strictObject({
  ...venueBase,
  kind: z.literal('ccxt'),
  /** ccxt exchange id with ccxt.pro support, e.g. `hyperliquid`. */
  exchange: nonEmptyString(),
  /** Engine asset -> the venue's symbol, e.g. `{ "BTC": "BTC/USDC:USDC" }`. */
  symbols: z.record(z.string(), nonEmptyString()),
  /** Endpoint overrides (a local test server, a proxy): REST base and websocket URL. */
  urls: z.strictObject({ rest: z.url(), ws: z.url() }).partial().optional(),
  /** Use the exchange's testnet (ccxt `setSandboxMode`). */
  sandbox: z.boolean().default(false),
  credentials: credentialsSchema.optional(),
  /** Passed to the ccxt constructor's `options` (exchange-specific). */
  options: z.record(z.string(), z.unknown()).optional(),
});

export const venueConfigSchema = z.discriminatedUnion('kind', [
  simVenueConfigSchema,
  ccxtVenueConfigSchema,
]);

export const riskLimitsSchema = z.strictObject({
  /** Largest absolute inventory per asset, lots. */
  positionLimitLots: positiveInt(),
  /** Largest gross portfolio notional, quote currency. */
  portfolioNotionalLimit: positive(),
  /** Order actions per second the order manager may send. */
  maxOrdersPerSec: positive(),
  /** Quotes are pulled when no book update arrived for this long, milliseconds. */
  staleDataTimeoutMs: timerMs(),
  /** Largest mid jump between updates, and largest quote distance from the mid, basis points. */
  priceBandBps: positive(),
});

export const ordersSchema = z.strictObject({
  /** Maker-only orders (rejected by the venue instead of crossing); default true. */
  postOnly: z.boolean().default(true),
  /** Attempts per order call on transient errors, including the first (default 4). */
  maxAttempts: positiveInt().default(4),
  /** First retry delay, doubled per attempt, milliseconds (default 200). */
  retryBaseMs: timerMs().default(200),
});

export const redisSchema = z.strictObject({
  url: nonEmptyString().default('redis://127.0.0.1:6379'),
  /** Deployment prefix: streams are `mm:{prefix}:...` (default `default`). */
  prefix: deploymentPrefix().default('default'),
  /** Wait this long for Redis at start before using the in-process transport, ms. */
  connectTimeoutMs: timerMs().default(500),
  /** A file holding the bus key that signs params and control (else `MM_BUS_KEY`). */
  busKeyFile: nonEmptyString().optional(),
  /**
   * Start fails (exit 1) when Redis does not answer, instead of falling back to the in-process
   * bus. Default: true when the config has a `redis` section, false without one; `false` allows
   * the fallback explicitly.
   */
  required: z.boolean({ error: 'expected true or false' }).optional(),
});

export const metricsSchema = z.strictObject({
  /** Serve Prometheus metrics (default true). */
  enabled: z.boolean().default(true),
  host: nonEmptyString().default('127.0.0.1'),
  /** TCP port; 0 picks a free one (default 9464). */
  port: z.number().int().gte(0).lte(65_535).default(9464),
});

export const ledgerSchema = z.strictObject({
  /** Directory of the append-only fill file used in embedded mode (default `./var`). */
  dir: nonEmptyString().default('./var'),
  /** Accept a Redis without persistence as the fill ledger (a demo or test; default false). */
  allowVolatileRedis: z.boolean().default(false),
});

export const engineConfigSchema = z.preprocess(
  fillMultiDefaults,
  z
    .strictObject({
      assets: z.array(assetConfigSchema).min(1, { error: 'expected at least one asset' }),
      venues: z.array(venueConfigSchema).min(1, { error: 'expected at least one venue' }),
      risk: riskLimitsSchema,
      /** Price tolerance before a live quote is replaced, ticks (default 0). */
      replaceToleranceTicks: nonNegative().default(0),
      orders: ordersSchema.default(ordersSchema.parse({})),
      redis: redisSchema.default(redisSchema.parse({})),
      metrics: metricsSchema.default(metricsSchema.parse({})),
      ledger: ledgerSchema.default(ledgerSchema.parse({})),
      /** Venue positions are compared with the ledger's this often, milliseconds (default 30 s). */
      reconcileIntervalMs: timerMs().default(30_000),
      /**
       * Parameter updates may move each of A, k, sigma, gamma by at most this factor from the
       * asset's configured value (default 10); larger moves are rejected as implausible.
       */
      maxParamChangeFactor: z.number().gt(1, { error: 'expected a number > 1' }).default(10),
      /** Engine snapshots are published this often, milliseconds (default 1 s). */
      snapshotIntervalMs: timerMs().default(1000),
      /** One decision for the whole book (issue 10); without it each asset quotes on its own. */
      portfolio: portfolioConfigSchema.optional(),
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
        checkVenue(v, i, seen, ctx);
      });
      checkSimMarkets(config, ctx);
      if (config.portfolio !== undefined) {
        for (const issue of portfolioIssues(config.portfolio, config.assets.length)) {
          ctx.addIssue({
            code: 'custom',
            path: ['portfolio', ...issue.path],
            message: issue.message,
          });
        }
      }
    }),
);

/**
 * Simulated correlation belongs to the market: its matrix must fit the asset list, and venues
 * sharing a `marketSeed` (default `seed`) must give the same one.
 */
function checkSimMarkets(
  config: { assets: readonly unknown[]; venues: readonly z.infer<typeof venueConfigSchema>[] },
  ctx: z.RefinementCtx,
): void {
  const byMarket = new Map<number, { index: number; correlation: string }>();
  config.venues.forEach((v, i) => {
    if (v.kind !== 'sim') return;
    if (v.correlation !== undefined) {
      for (const issue of correlationIssues(v.correlation, config.assets.length)) {
        ctx.addIssue({
          code: 'custom',
          path: ['venues', i, 'correlation', ...issue.path],
          message: issue.message,
        });
      }
    }
    const market = v.marketSeed ?? v.seed;
    const correlation = JSON.stringify(v.correlation ?? null);
    const first = byMarket.get(market);
    if (first === undefined) byMarket.set(market, { index: i, correlation });
    else if (first.correlation !== correlation) {
      ctx.addIssue({
        code: 'custom',
        path: ['venues', i, 'correlation'],
        message: `venues sharing marketSeed ${market} must give the same correlation (venues[${first.index}] differs)`,
      });
    }
  });
}

function checkVenue(
  venue: z.infer<typeof venueConfigSchema>,
  index: number,
  assets: ReadonlySet<string>,
  ctx: z.RefinementCtx,
): void {
  const issue = (path: PropertyKey[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['venues', index, ...path], message });
  venue.assets?.forEach((a, j) => {
    if (!assets.has(a)) issue(['assets', j], `unknown asset '${a}'`);
  });
  if (venue.kind === 'sim') {
    if (venue.mode === 'live') issue(['mode'], 'a sim venue is paper only');
    for (const a of Object.keys(venue.initialMidPrice)) {
      if (!assets.has(a)) issue(['initialMidPrice', a], `unknown asset '${a}'`);
    }
    for (const a of Object.keys(venue.initialPositionLots)) {
      if (!assets.has(a)) issue(['initialPositionLots', a], `unknown asset '${a}'`);
    }
    return;
  }
  for (const a of Object.keys(venue.symbols)) {
    if (!assets.has(a)) issue(['symbols', a], `unknown asset '${a}'`);
  }
  venue.assets?.forEach((a, j) => {
    if (venue.symbols[a] === undefined) issue(['assets', j], `no symbol for '${a}' in symbols`);
  });
  if (venue.mode === 'live') {
    if (!venue.credentials?.env && !venue.credentials?.file) {
      issue(['credentials'], 'live mode needs credentials (env variable names or a file)');
    }
    if (venue.urls !== undefined) issue(['urls'], 'live mode talks to the exchange: remove urls');
    if (venue.sandbox) issue(['sandbox'], 'live mode cannot use the sandbox');
  } else if (venue.urls?.rest === undefined && !venue.sandbox) {
    issue(
      ['mode'],
      "a ccxt venue in paper mode needs urls.rest (a test server) or sandbox: true; real orders need mode: 'live'",
    );
  }
}

export type ModelParams = z.infer<typeof modelParamsSchema>;
export type AssetConfig = z.infer<typeof assetConfigSchema>;
export type AssetRegimeConfig = z.infer<typeof assetRegimeSchema>;
export type VenueConfig = z.infer<typeof venueConfigSchema>;
export type SimVenueConfig = z.infer<typeof simVenueConfigSchema>;
export type CcxtVenueConfig = z.infer<typeof ccxtVenueConfigSchema>;
export type CredentialsConfig = z.infer<typeof credentialsSchema>;
export type OrdersConfig = z.infer<typeof ordersSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;
export type MetricsConfig = z.infer<typeof metricsSchema>;
export type RiskLimitsConfig = z.infer<typeof riskLimitsSchema>;
export type EngineConfig = z.infer<typeof engineConfigSchema>;

/** The largest position `asset` may hold, lots: its own limit, else the engine's `risk` one. */
export function positionLimitLotsOf(
  config: { risk: { positionLimitLots: number } },
  asset: { positionLimitLots?: number | undefined },
): number {
  return asset.positionLimitLots ?? config.risk.positionLimitLots;
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
  if (result.success) {
    // Redis asked for explicitly (a `redis` section) is required, unless it says otherwise.
    const explicit =
      typeof input === 'object' && input !== null && 'redis' in input && input.redis !== undefined;
    result.data.redis.required ??= explicit;
    return result.data;
  }
  throw new EngineConfigError(
    result.error.issues.map((issue) => ({
      path: formatConfigPath(issue.path),
      message: issue.message,
    })),
  );
}
