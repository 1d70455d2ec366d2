import { penaltyMatrix } from '@mm/hjb-core';
import { z } from 'zod';

/** Largest accepted inventory bound: the grid has `2 qMax + 1` levels. */
export const MAX_QMAX = 10_000;

/** A finite JSON number satisfying `ok`; `what` completes "expected a finite number...". */
function num(what = '', ok: (v: number) => boolean = () => true) {
  const message = `expected a finite number${what}`;
  return z.number({ error: message }).refine(ok, { error: message });
}

const positive = () => num(' > 0', (v) => v > 0);
const nonNegative = () => num(' >= 0', (v) => v >= 0);

const qMax = z
  .number({ error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine(Number.isInteger, { error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine((v) => v >= 1, { error: `expected an integer in [1, ${MAX_QMAX}]` })
  .refine((v) => v <= MAX_QMAX, {
    error: `expected at most ${MAX_QMAX} (the inventory grid has 2 qMax + 1 levels)`,
  });

/** Horizon fields: omit `T` for the stationary solution; `t` in [0, T] (default 0). */
const horizon = {
  /** Horizon, seconds. */
  T: positive().optional(),
  /** Time at which the quotes are wanted, seconds. */
  t: nonNegative().optional(),
};

function checkHorizon(p: { T?: number | undefined; t?: number | undefined }, ctx: z.RefinementCtx) {
  if (p.t === undefined) return;
  if (p.T === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['t'],
      message: 'needs T (omit t for the stationary solution)',
    });
  else if (p.t > p.T)
    ctx.addIssue({ code: 'custom', path: ['t'], message: `expected t <= T = ${p.T}` });
}

/** GLFT fields (Gueant 2017): price units, seconds, lots of `Delta` base units. */
const glftFields = {
  /** Volatility, price units per sqrt(second). */
  sigma: nonNegative(),
  /** Fill rate at the mid, lots per second. */
  A: positive(),
  /** Intensity decay per price unit. */
  k: positive(),
  /** Risk aversion, per (price unit x base unit). */
  gamma: nonNegative(),
  /** Gain risk aversion (default gamma). */
  xi: nonNegative().optional(),
  ...horizon,
  qMax,
  /** Base units per lot (default 1). */
  Delta: positive().optional(),
};

/** Cost of crossing for one lot, price units; enables the taker impulse. */
const takerCost = positive().optional();

/** The derived `phi = gamma sigma^2 Delta / 2` and `xi Delta` must stay finite. */
function checkGlft(
  p: { sigma: number; gamma: number; xi?: number | undefined; Delta?: number | undefined },
  ctx: z.RefinementCtx,
) {
  const delta = p.Delta ?? 1;
  if (!Number.isFinite((p.gamma * p.sigma ** 2 * delta) / 2))
    ctx.addIssue({ code: 'custom', path: ['sigma'], message: 'gamma * sigma^2 * Delta overflows' });
  if (!Number.isFinite((p.xi ?? p.gamma) * delta))
    ctx.addIssue({ code: 'custom', path: ['Delta'], message: 'xi * Delta overflows' });
}

export const glftRequestSchema = z
  .strictObject({ model: z.literal('glft'), ...glftFields, takerCost })
  .superRefine((p, ctx) => {
    checkHorizon(p, ctx);
    checkGlft(p, ctx);
  });

export const glftApproxRequestSchema = z
  .strictObject({ model: z.literal('glft-approx'), ...glftFields })
  .superRefine((p, ctx) => {
    checkHorizon(p, ctx);
    checkGlft(p, ctx);
  });

export const carteaJaimungalRequestSchema = z
  .strictObject({
    model: z.literal('cj'),
    /** Intensity decay per price unit. */
    kappa: positive(),
    /** Fill rate at the mid, lots per second. */
    lambda: positive(),
    /** Running penalty, price units per lot^2 per second. */
    phi: nonNegative(),
    /** Terminal penalty, price units per lot^2. */
    alpha: nonNegative(),
    /** Drift, price units per lot per second (default 0). */
    mu: num().optional(),
    ...horizon,
    qMax,
    takerCost,
  })
  .superRefine(checkHorizon);

export const seedRequestSchema = z
  .strictObject({
    model: z.literal('seed'),
    /** Fill rate at the touch for a balanced book, lots per second. */
    lambda0: positive(),
    /** Fill-rate decay per bps beyond the market half spread. */
    beta: positive(),
    /** Mid price, price units. */
    mid: positive(),
    /** Market spread, bps of the mid. */
    spreadBps: nonNegative(),
    /** Book imbalance `Vbid / (Vbid + Vask)` (default 0.5). */
    imbalance: num(' in [0, 1]', (v) => v >= 0 && v <= 1).optional(),
    /** Running penalty, price units per lot^2 per second. */
    phi: nonNegative(),
    /** Drift, price units per lot per second (default 0). */
    mu: num().optional(),
    /** Taker fee, bps of the mid (default 2). */
    takerFeeBps: nonNegative().optional(),
    /** Terminal penalty, price units per lot^2 (default 0). */
    alpha: nonNegative().optional(),
    ...horizon,
    qMax,
  })
  .superRefine((p, ctx) => {
    checkHorizon(p, ctx);
    if (!Number.isFinite((p.beta * 1e4) / p.mid))
      ctx.addIssue({ code: 'custom', path: ['beta'], message: 'beta * 1e4 / mid overflows' });
    if (!Number.isFinite((p.spreadBps + (p.takerFeeBps ?? 2)) * p.mid))
      ctx.addIssue({
        code: 'custom',
        path: ['mid'],
        message: '(spreadBps + takerFeeBps) * mid overflows',
      });
    if (p.spreadBps === 0 && p.takerFeeBps === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['takerFeeBps'],
        message: 'expected > 0 when spreadBps is 0 (taking must cost something)',
      });
  });

/** Largest accepted number of assets of the `multi` model (one O(n^3) eigendecomposition). */
export const MAX_ASSETS = 200;

/** One asset of the `multi` model. */
const multiAsset = z.strictObject({
  /** Volatility, price units per sqrt(second). */
  sigma: nonNegative(),
  /** Fill rate at the mid, lots (fills) per second, each side. */
  A: positive(),
  /** Intensity decay per price unit. */
  k: positive(),
  /** Asset units per lot (default 1). */
  Delta: positive().optional(),
  /** Taker crossing cost (half spread + fee), price units per asset unit; needs `eta`. */
  psi: nonNegative().optional(),
  /** Taker temporary impact, price units x seconds per asset unit; needs `psi`. */
  eta: positive().optional(),
});

/** A matrix as rows of finite numbers (`what` completes "expected a finite number..."). */
function matrix(what = '', ok: (v: number) => boolean = () => true) {
  return z.array(z.array(num(what, ok), { error: 'expected a row (an array of numbers)' }), {
    error: 'expected a matrix (an array of rows)',
  });
}

/** The fields of the `multi` model (see `multiRequestSchema`). */
const multiObject = z.strictObject({
  model: z.literal('multi'),
  /** At least one, at most `MAX_ASSETS` (checked with the other sizes). */
  assets: z.array(multiAsset, { error: 'expected an array of assets' }),
  /** Correlation of the assets' price changes; see above. */
  corr: matrix(' in [-1, 1]', (v) => v >= -1 && v <= 1).optional(),
  /** `Phi = phi I`, quote currency per asset unit^2 per second. */
  phi: nonNegative().optional(),
  /** `Phi` itself, quote currency per (unit_i x unit_j) per second. */
  Phi: matrix().optional(),
  /** Risk aversion, per (price unit x asset unit). */
  gamma: nonNegative(),
  /** Gain risk aversion (default gamma). */
  xi: nonNegative().optional(),
  /** Time to go, seconds (omit for the stationary answer). */
  tau: positive().optional(),
  /** Inventory, lots per asset. */
  q: z.array(num(), { error: 'expected an array of numbers (lots, one per asset)' }),
  hedgeMode: z
    .enum(['perAsset', 'bestSingle'], { error: 'expected "perAsset" or "bestSingle"' })
    .optional(),
});

/**
 * The `multi` model: Gueant's multi-asset closed form (DESIGN 3.5; hjb-core `multi/README.md`),
 * one venue per asset, exponential fills `A e^(-k d)`, running penalty `q' Phi q`.
 *
 * Fields and units (decisions of the CLI contract):
 * - `assets[i]`: `sigma` price units per sqrt(s) (>= 0), `A` fills (lots) per second (> 0), `k`
 *   per price unit (> 0), `Delta` asset units per lot (> 0, default 1); optional taker costs `psi`
 *   (price units per asset unit, >= 0) and `eta` (price units x seconds per asset unit, > 0),
 *   both or neither: an asset without them has hedge rate 0 (no taker).
 * - `q`: inventory in lots, one finite number per asset (reals accepted, not only integers).
 * - `gamma` (>= 0) risk aversion, per (price unit x asset unit); `xi` gain risk aversion
 *   (>= 0, default `gamma`: model A; 0 is model B).
 * - Penalty `Phi` (quote currency per asset unit^2 per second): by default covariance-aware,
 *   `Phi = (gamma/2) Sigma`, `Sigma = diag(sigma) corr diag(sigma)`; `phi` (>= 0) gives
 *   `Phi = phi I`, `Phi` gives the matrix itself; at most one of `phi`/`Phi`.
 * - `corr`: correlation matrix, `n x n` for `n` assets, unit diagonal, entries in [-1, 1],
 *   symmetric and positive semi-definite (hjb-core's checks and messages, reported on field
 *   `corr` with the matrix named `corr`); required when neither `phi` nor `Phi` is given,
 *   otherwise optional, checked when given and not used. `Phi` is checked the same way
 *   (size, symmetric, PSD: hjb-core's messages on field `Phi`).
 * - `tau` (> 0, seconds to go): omitted, the stationary closed form (Gueant 2017 eqs. 5.18-5.20)
 *   and the answer carries `Gamma`; given, the exact Riccati solution `A(tau)` (with `A(0) = 0`)
 *   and the answer carries `A`.
 * - `hedgeMode`: `perAsset` (default, optimal for the quadratic value) or `bestSingle`.
 *
 * Answer: `{"quotes":[{"bid","ask"}], "Gamma"|"A": [[...]], "hedge":[...]}`: per asset the bid
 * and ask distances from the mid at inventory `q`, price units (the closed form has no inventory
 * bounds: far from 0 a distance can be negative, i.e. through the mid); `Gamma` or `A` in quote
 * currency per (asset unit_i x asset unit_j); `hedge` per asset the taker rate from hjb-core's
 * `hedgeRatesFor`, asset units per second, signed (+ buy).
 */
export const multiRequestSchema = multiObject.superRefine(checkMulti);

type MultiShape = z.output<typeof multiObject>;

/** Marks a custom issue whose message says it all (no ", got <value>" suffix). */
const NO_VALUE = { showValue: false } as const;

/** Cross-field checks of `multi`: sizes, one penalty, taker pairs, overflow, hjb-core's checks. */
function checkMulti(p: MultiShape, ctx: z.RefinementCtx): void {
  const n = p.assets.length;
  const issue = (path: (string | number)[], message: string, showValue = true) =>
    ctx.addIssue({ code: 'custom', path, message, ...(showValue ? {} : { params: NO_VALUE }) });
  if (n < 1 || n > MAX_ASSETS) {
    issue(['assets'], `expected 1 to ${MAX_ASSETS} assets, got ${n}`, false);
    return;
  }
  if (p.q.length !== n)
    issue(['q'], `expected ${entries(n)} (one per asset), got ${p.q.length}`, false);
  p.assets.forEach((a, i) => {
    if (a.psi !== undefined && a.eta === undefined)
      issue(['assets', i, 'eta'], 'needed with psi; omit both for no taker hedging');
    if (a.eta !== undefined && a.psi === undefined)
      issue(['assets', i, 'psi'], 'needed with eta; omit both for no taker hedging');
    const delta = a.Delta ?? 1;
    if (!Number.isFinite(p.gamma * a.sigma ** 2))
      issue(['assets', i, 'sigma'], 'gamma * sigma^2 overflows');
    if (!Number.isFinite((p.xi ?? p.gamma) * delta))
      issue(['assets', i, 'Delta'], 'xi * Delta overflows');
    const liquidity = a.A * delta * a.k;
    if (!Number.isFinite(liquidity) || liquidity === 0)
      issue(['assets', i, 'A'], `A * Delta * k ${liquidity === 0 ? 'underflows' : 'overflows'}`);
  });
  if (p.phi !== undefined && p.Phi !== undefined)
    issue(['Phi'], 'give at most one of phi and Phi', false);
  if (p.corr === undefined && p.phi === undefined && p.Phi === undefined)
    issue(['corr'], 'needed when neither phi nor Phi is given');
  if (p.corr !== undefined && squareMatrix(p.corr, n, 'corr', issue)) {
    const corr = p.corr;
    corr.forEach((row, i) => {
      if (row[i] !== 1)
        issue(['corr', i, i], 'expected 1 (a correlation matrix has a unit diagonal)');
    });
    if (corr.every((row, i) => row[i] === 1)) hjbCoreCheck(corr, n, 'corr', issue); // symmetric, PSD
  }
  if (p.Phi !== undefined && squareMatrix(p.Phi, n, 'Phi', issue))
    hjbCoreCheck(p.Phi, n, 'Phi', issue);
}

const entries = (n: number) => `${n} ${n === 1 ? 'entry' : 'entries'}`;

type AddIssue = (path: (string | number)[], message: string, showValue?: boolean) => void;

/** Size check of an `n x n` matrix field; true when it has the size. */
function squareMatrix(rows: number[][], n: number, field: string, issue: AddIssue): boolean {
  if (rows.length !== n) {
    issue(
      [field],
      `expected ${n} ${n === 1 ? 'row' : 'rows'} (${n}x${n}, one per asset), got ${rows.length}`,
      false,
    );
    return false;
  }
  const bad = rows.findIndex((row) => row.length !== n);
  if (bad >= 0)
    issue([field, bad], `expected ${entries(n)} (one per asset), got ${rows[bad]!.length}`, false);
  return bad < 0;
}

/**
 * hjb-core's symmetry and PSD checks of a penalty matrix (`penaltyMatrix`), its message kept, the
 * matrix renamed after the field (hjb-core calls it `Phi`).
 */
function hjbCoreCheck(rows: number[][], n: number, field: string, issue: AddIssue): void {
  try {
    penaltyMatrix({ kind: 'matrix', phiPerUnit2Sec: rows }, n);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    issue([field], err.message.replace(/\bPhi\b/g, field), false);
  }
}

/** One `mm solve` problem, discriminated on `model`. */
export const solveRequestSchema = z.discriminatedUnion('model', [
  glftRequestSchema,
  carteaJaimungalRequestSchema,
  glftApproxRequestSchema,
  seedRequestSchema,
  multiRequestSchema,
]);

export type SolveRequest = z.infer<typeof solveRequestSchema>;
export type MultiRequest = z.infer<typeof multiRequestSchema>;

export const MODEL_NAMES = ['glft', 'cj', 'glft-approx', 'seed', 'multi'] as const;

/** The outcome of checking stdin: a request, or one line naming the offending field. */
export type ParsedSolveRequest =
  | { ok: true; request: SolveRequest }
  | { ok: false; message: string };

/** Parse and check the JSON text of one problem. */
export function parseSolveRequest(text: string): ParsedSolveRequest {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `stdin: invalid JSON (${oneLine(reason)})` };
  }
  const result = solveRequestSchema.safeParse(input);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  return { ok: false, message: issue ? describeIssue(issue, input) : 'invalid input' };
}

/** One issue as `field "path": what was expected, got what`. */
export function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${formatPath([...issue.path, k])}"`).join(', ');
    const model = valueAt(input, ['model']);
    return `${issue.keys.length > 1 ? 'fields' : 'field'} ${keys}: unknown for model ${JSON.stringify(model)}`;
  }
  if (path.length === 0) return `input: expected a JSON object, got ${describeValue(input)}`;
  const value = valueAt(input, path);
  const field = `field "${formatPath(issue.path)}"`;
  if (issue.code === 'custom' && issue.params?.showValue === false)
    return `${field}: ${issue.message}`;
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    const expected = `expected one of ${MODEL_NAMES.map((m) => `"${m}"`).join(', ')}`;
    return value === undefined
      ? `${field}: missing (${expected})`
      : `${field}: ${expected}, got ${describeValue(value)}`;
  }
  return value === undefined
    ? `${field}: missing (${issue.message})`
    : `${field}: ${issue.message}, got ${describeValue(value)}`;
}

/** A field path as written in JSON terms: `assets[1].A`, `corr[0][2]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out;
}

function valueAt(input: unknown, path: readonly string[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return String(v); // Infinity survives JSON.parse of 1e999
  return oneLine(JSON.stringify(v) ?? String(v)).slice(0, 60);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
