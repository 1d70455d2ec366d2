import type { PolicyComparison } from '@mm/backtest';
import { backtestConfigSchema } from '@mm/backtest/run';
import { z } from 'zod';
import { isJobType, JOB_TYPES, type JobType } from './jobTypes.js';

// ---------------------------------------------------------------------------------------------
// Bounds: what one job may ask for. A job above them is bad data (fails at once), not slow work.
// ---------------------------------------------------------------------------------------------

/** Most seeded paths per policy (grid search, backtest). */
export const MAX_PATHS = 10_000;
/** Most candidate policies of one grid search. */
export const MAX_CANDIDATES = 10_000;
/** Most simulated steps per path. */
export const MAX_STEPS_PER_PATH = 1_000_000;
/** Most simulated steps of a whole job (policies x paths x steps per path). */
export const MAX_SIMULATED_STEPS = 2_000_000_000;
/** Most assets of one solve or calibration. */
export const MAX_ASSETS = 64;
/** Most stream entries one calibration reads (per stream). */
export const MAX_STREAM_ENTRIES = 2_000_000;

// ---------------------------------------------------------------------------------------------
// Field builders (messages say what was expected; `parseJobData` adds the path and the value)
// ---------------------------------------------------------------------------------------------

function num(what = '', ok: (v: number) => boolean = () => true) {
  const message = `expected a finite number${what}`;
  return z
    .number({ error: message })
    .refine((v) => Number.isFinite(v) && ok(v), { error: message });
}
const finite = () => num();
const positive = (max = Number.MAX_VALUE) =>
  num(max === Number.MAX_VALUE ? ' > 0' : ` in (0, ${max}]`, (v) => v > 0 && v <= max);
const nonNegative = () => num(' >= 0', (v) => v >= 0);
function int(min: number, max: number) {
  const message = `expected an integer in [${min}, ${max}]`;
  return z
    .number({ error: message })
    .refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: message });
}
const name = () =>
  z
    .string({ error: 'expected a non-empty string (at most 128 characters)' })
    .min(1, { error: 'expected a non-empty string (at most 128 characters)' })
    .max(128, { error: 'expected a non-empty string (at most 128 characters)' });
const bool = () => z.boolean({ error: 'expected true or false' });
const seed = () => int(0, 2 ** 31 - 1);
/** Epoch milliseconds. */
const epochMs = () => int(0, 8.64e15);

/** Whole steps of `dt` in `T`, or null when `dt` does not divide `T`. */
export function wholeSteps(horizonSec: number, dtSec: number): number | null {
  const steps = Math.round(horizonSec / dtSec);
  return steps >= 1 && Math.abs(steps * dtSec - horizonSec) <= 1e-9 * horizonSec ? steps : null;
}

type Ctx = z.core.$RefinementCtx;

/** Checks `dt` against `T` (whole steps, at most {@link MAX_STEPS_PER_PATH}); returns the steps. */
function checkSteps(
  ctx: Ctx,
  horizonSec: number,
  dtSec: number,
  dtPath: (string | number)[],
): number | null {
  const steps = wholeSteps(horizonSec, dtSec);
  if (steps === null) {
    ctx.addIssue({
      code: 'custom',
      path: dtPath,
      message: `expected to divide the horizon ${horizonSec} s into whole steps`,
    });
    return null;
  }
  if (steps > MAX_STEPS_PER_PATH) {
    ctx.addIssue({
      code: 'custom',
      path: dtPath,
      message: `expected at most ${MAX_STEPS_PER_PATH} steps per path, got ${steps}`,
    });
    return null;
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------
// grid-search
// ---------------------------------------------------------------------------------------------

const SEED_POLICY_TYPES = ['heuristic', 'grid'] as const;
const seedPolicyType = () => z.enum(SEED_POLICY_TYPES, { error: 'expected "heuristic" or "grid"' });

/** One candidate of an explicit list: a seed policy and its parameters. */
const candidateSchema = z.strictObject({
  type: seedPolicyType(),
  /** The seed's base half spread `b`, bps of the mid (default `1e4 / (k midPrice)`, i.e. 1/k). */
  baseHalfSpreadBps: positive(1e5).optional(),
  /** Drift (price units per second) that maps to the seed's `muHat = 1` (default sigma). */
  driftScalePerSec: positive().optional(),
});

const candidatesSchema = z.discriminatedUnion(
  'kind',
  [
    /** Every policy type x base half spread x drift scale. */
    z.strictObject({
      kind: z.literal('grid'),
      policies: z
        .array(seedPolicyType(), { error: 'expected an array of "heuristic" / "grid"' })
        .min(1, { error: 'expected at least one policy type' })
        .max(2, { error: 'expected at most two policy types' })
        .default(['heuristic']),
      /** Base half spreads, bps (default: 1/k times 0.5, 0.75, 1, 1.25, 1.5 and 2, in bps). */
      baseHalfSpreadBps: z
        .array(positive(1e5), { error: 'expected an array of numbers' })
        .min(1, { error: 'expected at least one value' })
        .max(MAX_CANDIDATES, { error: `expected at most ${MAX_CANDIDATES} values` })
        .optional(),
      /** Drift scales, price units per second (default: [sigma]). */
      driftScalePerSec: z
        .array(positive(), { error: 'expected an array of numbers' })
        .min(1, { error: 'expected at least one value' })
        .max(MAX_CANDIDATES, { error: `expected at most ${MAX_CANDIDATES} values` })
        .optional(),
    }),
    /** Explicit candidates. */
    z.strictObject({
      kind: z.literal('list'),
      list: z
        .array(candidateSchema, { error: 'expected an array of candidates' })
        .min(1, { error: 'expected at least one candidate' })
        .max(MAX_CANDIDATES, { error: `expected at most ${MAX_CANDIDATES} candidates` }),
    }),
  ],
  { error: 'expected an object with kind "grid" or "list"' },
);

/** Default multipliers of `1/k` (in bps) for the grid's base half spreads. */
export const DEFAULT_HALF_SPREAD_MULTIPLIERS = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;

/**
 * A grid search over the seed's policies on one simulated asset, scored on the HJB objective
 * against the exact policy on the same seeded paths.
 */
export const gridSearchJobSchema = z
  .strictObject({
    market: z.strictObject({
      /** Volatility of the mid (arithmetic Brownian), price units per sqrt(second). */
      sigma: positive(1e6),
      /** Fill rate at the mid, fills (lots) per second. */
      A: positive(1e4),
      /** Intensity decay per price unit of quote distance. */
      k: positive(1e6),
      /** Mid at t = 0, price units (also converts the seed's bps). */
      midPrice: positive(),
      /** Price tick, price units: every policy's quotes are moved away from the mid onto it. */
      tickSize: positive().optional(),
      /** Drift of the mid, price units per second (default 0; the policies see it). */
      drift: finite().default(0),
      /** Maker and taker fees, bps of notional (default 0). */
      makerFeeBps: finite().default(0),
      takerFeeBps: finite().default(0),
      /** Judge a step's fills against the moved mid (default false). */
      fillsAfterMidMove: bool().default(false),
    }),
    objective: z.strictObject({
      /** Risk aversion, per (price unit x lot): running penalty `phi = gamma sigma^2 / 2`. */
      gamma: positive(1e3),
      /** Terminal penalty `alpha q_T^2`, price units per lot^2 (default 0). */
      alpha: nonNegative().default(0),
    }),
    /** Position limit and inventory bound of the solved model, lots. */
    qMaxLots: int(1, 1000).default(10),
    /** Horizon of each path, seconds. */
    horizonSec: positive(86_400).default(300),
    /** Time step, seconds (divides the horizon). */
    dtSec: positive().default(0.1),
    /** Paths per candidate (path i: seed + i, the same for every candidate and exact). */
    paths: int(2, MAX_PATHS).default(100),
    seed: seed().default(1),
    /** The exact reference: solved over the horizon (default) or the stationary quotes. */
    exactHorizon: z
      .enum(['finite', 'stationary'], { error: 'expected "finite" or "stationary"' })
      .default('finite'),
    candidates: candidatesSchema.prefault({ kind: 'grid' }),
    /**
     * `exact`: expected objectives from the inventory chain (backward Kolmogorov, DESIGN 3.9),
     * no noise; `montecarlo`: the seeded paths. Default: exact when every candidate is
     * stationary (heuristic) and the market has no tick grid and judges fills at the pre-move mid.
     */
    scoring: z
      .enum(['exact', 'montecarlo'], { error: 'expected "exact" or "montecarlo"' })
      .optional(),
  })
  .superRefine((d, ctx) => {
    const steps = checkSteps(ctx, d.horizonSec, d.dtSec, ['dtSec']);
    const c = d.candidates;
    const count =
      c.kind === 'list'
        ? c.list.length
        : c.policies.length *
          (c.baseHalfSpreadBps?.length ?? DEFAULT_HALF_SPREAD_MULTIPLIERS.length) *
          (c.driftScalePerSec?.length ?? 1);
    if (count > MAX_CANDIDATES) {
      ctx.addIssue({
        code: 'custom',
        path: ['candidates'],
        message: `expected at most ${MAX_CANDIDATES} candidates, the grid has ${count}`,
      });
      return;
    }
    if (steps !== null && (count + 1) * d.paths * steps > MAX_SIMULATED_STEPS)
      ctx.addIssue({
        code: 'custom',
        path: ['paths'],
        message: `expected (candidates + 1) x paths x steps <= ${MAX_SIMULATED_STEPS}, got ${count + 1} x ${d.paths} x ${steps}`,
      });
  });

export type GridSearchJobData = z.output<typeof gridSearchJobSchema>;
export type GridSearchJobInput = z.input<typeof gridSearchJobSchema>;

// ---------------------------------------------------------------------------------------------
// solve
// ---------------------------------------------------------------------------------------------

/** Model parameters in the units of the `params` message (and the engine's `model`). */
const modelFields = {
  /** Volatility, price units per sqrt(second). */
  sigma: positive(1e6),
  /** Fill rate at the mid, fills (clips) per second. */
  A: positive(1e4),
  /** Intensity decay per price unit. */
  k: positive(1e6),
  /** Risk aversion, per (price unit x lot); `phi = gamma sigma^2 quoteSizeLots / 2`. */
  gamma: positive(1e3),
};

const solveAssetSchema = z.strictObject({
  /** Asset symbol as the engine knows it. */
  asset: name(),
  ...modelFields,
  /** Inventory bound, lots (the engine divides it by the quote size into clips). */
  qMax: int(1, 10_000),
  /** Lots per resting quote (one fill = one clip), as in the engine's asset config (default 1). */
  quoteSizeLots: positive(10_000).default(1),
  /** Per-regime parameters (assets quoted with regime switching); `gamma` defaults to the asset's. */
  regimes: z
    .array(
      z.strictObject({
        name: name(),
        sigma: modelFields.sigma,
        A: modelFields.A,
        k: modelFields.k,
        gamma: modelFields.gamma.optional(),
      }),
      { error: 'expected an array of regimes' },
    )
    .min(2, { error: 'expected 2 to 4 regimes' })
    .max(4, { error: 'expected 2 to 4 regimes' })
    .optional(),
});

/**
 * Exact stationary GLFT solutions (model A, xi = gamma, as the engine quotes) for each asset and
 * regime; with `portfolio`, also Gueant's multi-asset closed form with the covariance-aware
 * penalty `(gamma/2) Sigma`, `Sigma = diag(sigma) corr diag(sigma)`.
 */
export const solveJobSchema = z
  .strictObject({
    assets: z
      .array(solveAssetSchema, { error: 'expected an array of assets' })
      .min(1, { error: 'expected at least one asset' })
      .max(MAX_ASSETS, { error: `expected at most ${MAX_ASSETS} assets` }),
    portfolio: z
      .strictObject({
        /** Correlation of the assets' mid increments: symmetric, unit diagonal, PSD. */
        correlation: z.array(z.array(finite(), { error: 'expected an array of numbers' }), {
          error: 'expected an array of rows',
        }),
        /** Risk aversion of the portfolio penalty (default: the assets' gamma, if they agree). */
        gamma: positive(1e3).optional(),
        /** Inventory at which the multi-asset quotes are given, lots per asset (default 0). */
        inventoryLots: z.array(finite(), { error: 'expected an array of numbers' }).optional(),
      })
      .optional(),
    /** How long the published parameters stay valid, seconds (default 300). */
    validForSec: positive(7 * 86_400).default(300),
  })
  .superRefine((d, ctx) => {
    const n = d.assets.length;
    const seen = new Set<string>();
    d.assets.forEach((a, i) => {
      if (seen.has(a.asset))
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'asset'],
          message: `expected a unique asset, "${a.asset}" is repeated`,
        });
      seen.add(a.asset);
      if (Math.floor(a.qMax / a.quoteSizeLots) < 1)
        ctx.addIssue({
          code: 'custom',
          path: ['assets', i, 'qMax'],
          message: `expected at least one clip (quoteSizeLots ${a.quoteSizeLots})`,
        });
      const names = new Set<string>();
      a.regimes?.forEach((r, j) => {
        if (names.has(r.name))
          ctx.addIssue({
            code: 'custom',
            path: ['assets', i, 'regimes', j, 'name'],
            message: `expected a unique regime name, "${r.name}" is repeated`,
          });
        names.add(r.name);
      });
    });
    const p = d.portfolio;
    if (!p) return;
    if (p.correlation.length !== n)
      return void ctx.addIssue({
        code: 'custom',
        path: ['portfolio', 'correlation'],
        message: `expected ${n} rows (one per asset), got ${p.correlation.length}`,
      });
    for (let i = 0; i < n; i++) {
      const row = p.correlation[i]!;
      if (row.length !== n)
        return void ctx.addIssue({
          code: 'custom',
          path: ['portfolio', 'correlation', i],
          message: `expected ${n} entries, got ${row.length}`,
        });
      for (let j = 0; j < n; j++) {
        const r = row[j]!;
        const ok = i === j ? r === 1 : Math.abs(r) <= 1;
        if (!ok)
          return void ctx.addIssue({
            code: 'custom',
            path: ['portfolio', 'correlation', i, j],
            message: i === j ? 'expected 1 on the diagonal' : 'expected a number in [-1, 1]',
          });
        if (j < i && Math.abs(r - p.correlation[j]![i]!) > 1e-12)
          return void ctx.addIssue({
            code: 'custom',
            path: ['portfolio', 'correlation', i, j],
            message: `expected a symmetric matrix (entry [${j}][${i}] is ${p.correlation[j]![i]})`,
          });
      }
    }
    if (p.gamma === undefined && d.assets.some((a) => a.gamma !== d.assets[0]!.gamma))
      ctx.addIssue({
        code: 'custom',
        path: ['portfolio', 'gamma'],
        message: 'missing (the assets have different gamma: give the portfolio one)',
      });
    if (p.inventoryLots !== undefined && p.inventoryLots.length !== n)
      ctx.addIssue({
        code: 'custom',
        path: ['portfolio', 'inventoryLots'],
        message: `expected ${n} entries (one per asset), got ${p.inventoryLots.length}`,
      });
  });

export type SolveJobData = z.output<typeof solveJobSchema>;
export type SolveJobInput = z.input<typeof solveJobSchema>;

// ---------------------------------------------------------------------------------------------
// calibrate
// ---------------------------------------------------------------------------------------------

/**
 * Calibration from the engine's recorded `snapshot` and `fill` streams: volatility, fill
 * intensity, correlation of mid increments and a 2-regime volatility model per asset.
 * The window is `[sinceMs, untilMs]` (epoch ms); `untilMs` defaults to the job's start and
 * `sinceMs` to `untilMs - lookbackSec * 1000`. For an idempotent job id give both bounds
 * explicitly (a relative window names a different stretch of data each time it runs).
 */
export const calibrateJobSchema = z
  .strictObject({
    /** Stream prefix (`mm:{prefix}:snapshots`, `mm:{prefix}:fills`); default the worker's. */
    prefix: z
      .string({ error: 'expected a non-empty string without whitespace' })
      .regex(/^\S+$/, { error: 'expected a non-empty string without whitespace' })
      .max(256, { error: 'expected at most 256 characters' })
      .optional(),
    sinceMs: epochMs().optional(),
    untilMs: epochMs().optional(),
    /** Window length when `sinceMs` is absent, seconds (default 3600). */
    lookbackSec: positive(90 * 86_400).default(3600),
    /** Assets to calibrate (default: every asset in the snapshots). */
    assets: z
      .array(name(), { error: 'expected an array of asset symbols' })
      .min(1, { error: 'expected at least one asset' })
      .max(MAX_ASSETS, { error: `expected at most ${MAX_ASSETS} assets` })
      .optional(),
    /** Equal-width depth bins of the intensity fit (default 40: narrow against 1/k). */
    depthBins: int(2, 1000).default(40),
    /** Snapshot gaps longer than this many snapshot intervals end a quote's exposure (default 5). */
    maxGapIntervals: positive(1000).default(5),
    /** Fewest mid increments for a usable volatility (default 30). */
    minIncrements: int(2, 1_000_000).default(30),
    /** Fewest fills for a usable intensity fit (default 30). */
    minFills: int(2, 1_000_000).default(30),
    regimes: z
      .strictObject({
        /** Fit the 2-regime volatility model (Baum-Welch EM). Default true. */
        enabled: bool().default(true),
        /** Fewest mid increments to attempt it (default 500). */
        minIncrements: int(50, 10_000_000).default(500),
        /** EM iteration budget (default 300). */
        maxIterations: int(1, 10_000).default(300),
      })
      .prefault({}),
    /** Most entries read per stream (default 1 000 000). */
    maxEntries: int(1, MAX_STREAM_ENTRIES).default(1_000_000),
  })
  .superRefine((d, ctx) => {
    if (d.sinceMs !== undefined && d.untilMs !== undefined && d.sinceMs > d.untilMs)
      ctx.addIssue({
        code: 'custom',
        path: ['sinceMs'],
        message: `expected sinceMs <= untilMs (${d.untilMs})`,
      });
    if (d.assets && new Set(d.assets).size !== d.assets.length)
      ctx.addIssue({ code: 'custom', path: ['assets'], message: 'expected unique assets' });
  });

export type CalibrateJobData = z.output<typeof calibrateJobSchema>;
export type CalibrateJobInput = z.input<typeof calibrateJobSchema>;

// ---------------------------------------------------------------------------------------------
// backtest: `mm backtest`'s config (`@mm/backtest/run`), with the job bounds on top
// ---------------------------------------------------------------------------------------------

/** Seeded paired paths of several policies on one simulated market (`mm backtest`'s config). */
export const backtestJobSchema = backtestConfigSchema.superRefine((c, ctx) => {
  if (c.run.paths > MAX_PATHS)
    ctx.addIssue({
      code: 'custom',
      path: ['run', 'paths'],
      message: `expected at most ${MAX_PATHS} paths in a job`,
    });
  if (c.policies.length > 20)
    ctx.addIssue({ code: 'custom', path: ['policies'], message: 'expected at most 20 policies' });
  const steps = Math.round(c.run.T / c.run.dt);
  if (c.policies.length * c.run.paths * steps > MAX_SIMULATED_STEPS)
    ctx.addIssue({
      code: 'custom',
      path: ['run', 'paths'],
      message: `expected policies x paths x steps <= ${MAX_SIMULATED_STEPS}, got ${c.policies.length} x ${c.run.paths} x ${steps}`,
    });
});

export type BacktestJobData = z.output<typeof backtestJobSchema>;
export type BacktestJobInput = z.input<typeof backtestJobSchema>;

// ---------------------------------------------------------------------------------------------
// dispatch
// ---------------------------------------------------------------------------------------------

/** The schema of each job type. */
export const JOB_SCHEMAS = {
  'grid-search': gridSearchJobSchema,
  solve: solveJobSchema,
  calibrate: calibrateJobSchema,
  backtest: backtestJobSchema,
} as const satisfies Record<JobType, z.ZodType>;

/** Parsed (defaults applied) data of each job type. */
export interface JobDataMap {
  'grid-search': GridSearchJobData;
  solve: SolveJobData;
  calibrate: CalibrateJobData;
  backtest: BacktestJobData;
}

/** Accepted input of each job type (defaults not yet applied). */
export interface JobInputMap {
  'grid-search': GridSearchJobInput;
  solve: SolveJobInput;
  calibrate: CalibrateJobInput;
  backtest: BacktestJobInput;
}

export type ParsedJobData<T extends JobType> =
  | { ok: true; data: JobDataMap[T] }
  | {
      ok: false;
      /** Path of the offending field, e.g. `data.market.sigma` (`type` for an unknown type). */
      field: string;
      message: string;
    };

/** `a.b[2].c` */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeValue(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.replace(/\s+/g, ' ').slice(0, 60);
}

/**
 * Validate a job's data against its type's schema, applying defaults. Never throws: bad data
 * yields the first offending field as a path under `data` (e.g. `data.market.sigma`,
 * `data.policies[1].type`) and a message that says what was expected and what was got.
 */
export function parseJobData<T extends JobType>(type: T, data: unknown): ParsedJobData<T>;
export function parseJobData(type: string, data: unknown): ParsedJobData<JobType>;
export function parseJobData(type: string, data: unknown): ParsedJobData<JobType> {
  if (!isJobType(type))
    return {
      ok: false,
      field: 'type',
      message: `expected one of ${JOB_TYPES.map((t) => `"${t}"`).join(', ')}, got ${describeValue(type)}`,
    };
  let result: z.ZodSafeParseResult<unknown>;
  try {
    result = (JOB_SCHEMAS[type] as z.ZodType).safeParse(data);
  } catch (err) {
    // e.g. a getter that throws, or a cyclic structure in a refinement
    return { ok: false, field: 'data', message: `unreadable: ${String(err)}` };
  }
  if (result.success) return { ok: true, data: result.data as JobDataMap[JobType] };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, field: 'data', message: 'invalid job data' };
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return {
      ok: false,
      field: formatFieldPath(['data', ...issue.path, key]),
      message: `unknown field${issue.keys.length > 1 ? ` (also ${issue.keys.slice(1).join(', ')})` : ''}`,
    };
  }
  const field = formatFieldPath(['data', ...issue.path]);
  if (issue.path.length === 0)
    return {
      ok: false,
      field,
      message:
        issue.code === 'custom' ? issue.message : `expected an object, got ${describeValue(data)}`,
    };
  if (issue.code === 'custom') return { ok: false, field, message: issue.message };
  const value = valueAt(data, issue.path);
  return {
    ok: false,
    field,
    message:
      value === undefined
        ? `missing (${issue.message})`
        : `${issue.message}, got ${describeValue(value)}`,
  };
}

/** Bad job data: fails the job at once (the plumbing turns it into BullMQ's UnrecoverableError). */
export class JobDataError extends Error {
  override readonly name = 'JobDataError';
  readonly code = 'JOB_DATA_INVALID';
  constructor(
    /** Path of the offending field, e.g. `data.market.sigma`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`field "${field}": ${reason}`);
  }
}

// ---------------------------------------------------------------------------------------------
// results
// ---------------------------------------------------------------------------------------------

/** A mean over paths with its sample standard deviation and a 95% normal interval. */
export interface MeanWithCi {
  mean: number;
  std: number;
  /** 95% interval of the mean. */
  lower: number;
  upper: number;
}

/** A ratio (or gap) with its 95% interval (delta method, paired paths). */
export interface RatioWithCi {
  estimate: number;
  lower: number;
  upper: number;
}

/** One scored policy of a grid search. Objective and P&L in quote currency per path. */
export interface GridCandidateResult {
  /** Position in `candidates` (0-based); -1 for the exact reference. */
  index: number;
  type: 'exact' | 'heuristic' | 'grid';
  /** Resolved parameters (null for exact). */
  baseHalfSpreadBps: number | null;
  driftScalePerSec: number | null;
  /** HJB objective per path: P&L - phi int q^2 dt - alpha q_T^2. */
  objective: MeanWithCi;
  pnl: MeanWithCi;
  /** Time-weighted mean |inventory| (lots) and maker fills per path, averaged over paths (exact scoring: long-run mean |q| and trades x horizon from the stationary distribution). */
  meanAbsInventory: number;
  fills: number;
  /** Mean objective / exact's mean objective (1 for exact); null when exact's mean is <= 0. */
  share: RatioWithCi | null;
  /** Exact scoring: the long-run objective rate (stationary distribution), per second; else null. */
  exactRatePerSec: number | null;
}

/** The gap `1 - J(best of a type) / J(exact)` with its interval (from the share's). */
export interface PolicyGap {
  /** Index of the best candidate of that type. */
  index: number;
  gap: number;
  lower: number;
  upper: number;
}

export interface GridSearchResult {
  /** How candidates were scored, and why (exact needs stationary policies and a plain market). */
  scoring: 'exact' | 'montecarlo';
  scoringReason: string;
  phiPerLot2Sec: number;
  paths: number;
  seed: number;
  stepsPerPath: number;
  /** Simulated steps over all policies and paths. */
  simulatedSteps: number;
  /** Times the exact policy was solved (1: once for the whole search). */
  exactSolves: number;
  exact: GridCandidateResult;
  candidates: GridCandidateResult[];
  /** The candidate with the highest mean objective. */
  best: GridCandidateResult;
  /** `1 - J(best heuristic) / J(exact)`: the seed claimed ~0.05; null without heuristic or when undefined. */
  heuristicGap: number | null;
  gaps: { heuristic: PolicyGap | null; grid: PolicyGap | null };
}

/** Exact stationary GLFT figures at zero inventory, price units. */
export interface ExactQuoteSummary {
  /** Optimal distances of the bid and ask from the mid at q = 0. */
  bidDelta: number;
  askDelta: number;
  /** `(bidDelta + askDelta) / 2` at q = 0. */
  halfSpread: number;
  /** `(bid(+1) - bid(-1)) / 2`: how much the quotes move per clip of inventory. */
  skewPerLot: number;
  /** `h(0) - h(+1)` and `h(0) - h(-1)`, price units per clip (the quotes' inventory terms at q = 0). */
  hDiffUp: number;
  hDiffDown: number;
  /** Long-run value per second, price units per clip per second. */
  valuePerSec: number;
  iterations: number;
  /** Rows q = -qMaxClips..qMaxClips: distances (null: side not quoted) and the value h. */
  table: { q: number; bid: number | null; ask: number | null; h: number }[];
}

export interface SolvedModel {
  asset: string;
  regime: string | null;
  params: { sigma: number; A: number; k: number; gamma: number; qMax: number };
  quoteSizeLots: number;
  qMaxClips: number;
  /** `gamma sigma^2 quoteSizeLots / 2`, price units per clip^2 per second. */
  phiPerLot2Sec: number;
  exact: ExactQuoteSummary | null;
  /**
   * Gueant (2017) eqs. 4.6/4.7 at the same parameters, price units: half spread at q = 0
   * `c1 + Delta c2 / 2` and skew per clip `Delta c2` (Delta = quoteSizeLots).
   */
  closedForm: { halfSpread: number; skewPerLot: number } | null;
  /** Whether the exact solution exists with finite quotes. */
  valid: boolean;
  issues: string[];
}

export interface SolveResult {
  models: SolvedModel[];
  /** Gueant's multi-asset closed form (eqs. 5.17-5.20) at `inventoryLots`; null without portfolio. */
  multi: {
    gamma: number;
    inventoryLots: number[];
    /** Distances from the mid per asset, price units. */
    quotes: { asset: string; bid: number; ask: number }[];
    /** `Gamma`, quote currency per (unit_i x unit_j). */
    gammaMatrix: number[][];
  } | null;
  /** The `params` payload to publish, and whether it passes the contract schema. */
  params: {
    assets: {
      asset: string;
      sigma: number;
      A: number;
      k: number;
      gamma: number;
      qMax: number;
      regime?: string;
    }[];
    validUntil: number;
  };
  paramsValid: boolean;
  paramsIssue: string | null;
  /** Problems outside the per-model ones (e.g. the multi-asset closed form failed). */
  issues: string[];
}

/** An estimate with its standard error; `value`/`stdError` are null when not computable. */
export interface Estimate {
  value: number | null;
  stdError: number | null;
  usable: boolean;
  /** Why it is not usable (null when usable). */
  reason: string | null;
}

export interface AssetCalibration {
  asset: string;
  snapshots: number;
  /** Mid increments used and the time they span, seconds. */
  increments: number;
  durationSec: number;
  /** sigma, price units per sqrt(second) (realized, irregular dt). */
  sigma: Estimate;
  /** Fill intensity `A e^{-k d}`: A fills per second, k per price unit (Poisson MLE on depth bins). */
  A: Estimate;
  k: Estimate;
  intensity: {
    fills: number;
    /** Resting time observed over both sides, seconds. */
    exposureSec: number;
    bins: number;
    /** Pearson chi-square of the fit and its degrees of freedom (null when unfitted). */
    chiSquare: number | null;
    dof: number | null;
    /**
     * Maker fills not used: after the first fill of a side in a snapshot interval (the quote's
     * depth after a re-quote is unknown), in a data gap, or with no snapshot quote on that side.
     */
    unusedFills: number;
  };
  regimes: RegimeCalibration;
  /**
   * The model for a `solve` job (engine units: sigma price units per sqrt(s), A fills per
   * second, k per price unit), when sigma, A and k are all usable; else null. Add `gamma`, `qMax`.
   */
  model: { sigma: number; A: number; k: number } | null;
}

export interface RegimeCalibration {
  usable: boolean;
  reason: string | null;
  /** Sampling interval the returns were normalised to, seconds. */
  dtSec: number | null;
  /** Volatility per regime (calm first), price units per sqrt(second). */
  sigma: number[];
  /** Switch rates, per second: `G[r][r']`. */
  generatorPerSec: number[][];
  /** Stationary share of time in each regime. */
  occupancy: number[];
  logLikelihood: number | null;
  /** Log-likelihood gain over the one-regime model (a likelihood-ratio statistic / 2). */
  logLikelihoodGain: number | null;
  iterations: number;
  converged: boolean;
}

export interface CalibrateResult {
  prefix: string;
  sinceMs: number;
  untilMs: number;
  read: {
    snapshots: number;
    fills: number;
    /** Entries that failed to decode or were of the wrong type, skipped. */
    skipped: number;
    truncated: boolean;
  };
  assets: AssetCalibration[];
  /** Correlation of mid increments on common snapshot intervals (null entries: too few). */
  correlation: {
    assets: string[];
    matrix: (number | null)[][];
    /** Standard error of each entry (`(1 - r^2) / sqrt(n)`). */
    stdError: (number | null)[][];
    /** Covariance per second, price units^2 per second. */
    covariancePerSec: (number | null)[][];
    increments: number;
  };
}

export interface BacktestResult {
  title: string;
  paths: number;
  seed: number;
  dtSec: number;
  horizonSec: number;
  phiPerLot2Sec: number;
  /** Final inventory and P&L per policy (mean, std over paths). */
  policies: {
    name: string;
    finalInventory: { mean: number; std: number };
    pnl: { mean: number; std: number };
  }[];
  /** `@mm/backtest`'s comparison: per policy mean/std/CI of every metric, share of exact. */
  comparison: PolicyComparison;
}

/** What each job type returns. */
export interface JobResultMap {
  'grid-search': GridSearchResult;
  solve: SolveResult;
  calibrate: CalibrateResult;
  backtest: BacktestResult;
}
