import { penaltyMatrix, UNIT_DIAGONAL_TOLERANCE } from '@mm/hjb-core';
import { z } from 'zod';
import { nonNegative, num, positive } from './fields.js';

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
  corr: matrix(' in [-1, 1]', (v) => Math.abs(v) <= 1 + UNIT_DIAGONAL_TOLERANCE).optional(),
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
 * The `multi` model: Gueant's multi-asset closed form (docs/math.md §6; hjb-core `multi/README.md`),
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
    const unit = (v: number) => Math.abs(v - 1) <= UNIT_DIAGONAL_TOLERANCE;
    corr.forEach((row, i) => {
      if (!unit(row[i]!))
        issue(['corr', i, i], 'expected 1 (a correlation matrix has a unit diagonal, within 1e-9)');
      row.forEach((v, j) => {
        if (j !== i && Math.abs(v) > 1) issue(['corr', i, j], 'expected a number in [-1, 1]');
      });
    });
    if (corr.every((row, i) => unit(row[i]!))) hjbCoreCheck(corr, n, 'corr', issue); // symmetric, PSD
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
