import type { PortfolioInventory } from '../model/portfolioInventory.js';
import type { VenueFill } from '../venues/Venue.js';
import { fillProblem } from './FillLedger.js';

/** One asset's holding, summed over venues. Base units, price units, quote currency. */
export interface AssetPosition {
  asset: string;
  /** Signed position, base units (summed over venues). */
  positionBase: number;
  /** Signed position per venue, base units. */
  byVenue: Readonly<Record<string, number>>;
  /** Average entry price of the open position, price units; `null` when flat. */
  avgEntryPrice: number | null;
  /** Realized P&L, quote currency, fees included. */
  realizedQuote: number;
  /** Fees paid, quote currency (negative for net rebates). */
  feesQuote: number;
  /** Fills applied. */
  fills: number;
}

interface MutablePosition {
  positionBase: number;
  byVenue: Map<string, number>;
  avgEntryPrice: number;
  realizedQuote: number;
  feesQuote: number;
  fills: number;
}

/** Relative size under which a position is rounding noise and snaps to 0. */
const FLAT_EPS = 1e-9;

/** `a + b`, snapped to 0 when the result is rounding noise relative to the operands. */
function addSnapped(a: number, b: number): number {
  const sum = a + b;
  return Math.abs(sum) <= FLAT_EPS * Math.max(Math.abs(a), Math.abs(b)) ? 0 : sum;
}

/**
 * Apply a signed trade of `signed` base units at `price` to `p` (position, average entry, realized
 * P&L, per-venue position); fees are the caller's.
 */
function trade(p: MutablePosition, venue: string, signed: number, price: number): void {
  const sizeBase = Math.abs(signed);
  const pos = p.positionBase;
  if (pos === 0 || Math.sign(pos) === Math.sign(signed)) {
    const size = Math.abs(pos) + sizeBase;
    p.avgEntryPrice =
      pos === 0 ? price : (Math.abs(pos) * p.avgEntryPrice + sizeBase * price) / size;
    p.positionBase = pos + signed;
  } else {
    const remaining = addSnapped(sizeBase, -Math.abs(pos));
    const closed = remaining > 0 ? Math.abs(pos) : sizeBase;
    p.realizedQuote += closed * (price - p.avgEntryPrice) * Math.sign(pos);
    if (remaining > 0) {
      p.positionBase = Math.sign(signed) * remaining;
      p.avgEntryPrice = price;
    } else {
      p.positionBase = remaining === 0 ? 0 : addSnapped(pos, signed);
    }
  }
  if (p.positionBase === 0) p.avgEntryPrice = 0;
  p.byVenue.set(venue, addSnapped(p.byVenue.get(venue) ?? 0, signed));
}

/**
 * The one portfolio inventory: per asset a signed position (the same asset on several venues is
 * one coordinate; per-venue positions are kept for reconciliation), the average entry price and
 * the realized P&L with fees. Pure: fills in, numbers out; applying each fill once is the
 * ledger's job.
 *
 * Accounting: a fill that grows the position (or opens one) moves the average entry price to the
 * size-weighted mean; a fill that reduces it realizes `closed * (price - avg) * sign(position)`
 * and keeps the average; a fill through zero closes the whole position and opens the rest at the
 * fill price. Fees are realized when paid. So `realized + unrealized(mid)` equals the cash flows
 * plus the position marked at `mid`.
 */
export class Portfolio {
  private readonly positions = new Map<string, MutablePosition>();

  /** Applies one fill; throws `RangeError` naming the field of an invalid fill (nothing changes). */
  applyFill(fill: VenueFill): void {
    const problem = fillProblem(fill);
    if (problem) throw new RangeError(`fill.${problem.field}: ${problem.detail}`);
    const p = this.entry(fill.asset);
    const signed = fill.side === 'buy' ? fill.sizeBase : -fill.sizeBase;
    trade(p, fill.venue, signed, fill.price);
    p.realizedQuote -= fill.feeQuote;
    p.feesQuote += fill.feeQuote;
    p.fills += 1;
  }

  /**
   * A starting position that is not a fill: the part of a venue's position the ledger does not
   * explain at start-up (a sim venue's `initialPositionLots`, an account's holdings). It enters
   * like a fee-free trade of `signedBase` base units at `price` (the mid when it was taken: the
   * P&L counts from there); not counted in `fills`. Throws `RangeError` for a bad argument.
   */
  openPosition(venue: string, asset: string, signedBase: number, price: number): void {
    if (!Number.isFinite(signedBase))
      throw new RangeError(`signedBase: not finite (${signedBase})`);
    if (!(price > 0) || !Number.isFinite(price)) throw new RangeError(`price: invalid (${price})`);
    if (signedBase === 0) return;
    trade(this.entry(asset), venue, signedBase, price);
  }

  /** Assets with at least one fill, in first-fill order. */
  assets(): string[] {
    return [...this.positions.keys()];
  }

  /** Signed position of `asset` over every venue, base units (0 when unknown). */
  positionBase(asset: string): number {
    return this.positions.get(asset)?.positionBase ?? 0;
  }

  /** Signed position of `asset` on `venue`, base units. */
  venuePositionBase(venue: string, asset: string): number {
    return this.positions.get(asset)?.byVenue.get(venue) ?? 0;
  }

  /** Positions per venue then asset, base units (what `reconcile` compares with the venues). */
  venuePositions(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [asset, p] of this.positions) {
      for (const [venue, base] of p.byVenue) {
        out[venue] ??= {};
        out[venue][asset] = base;
      }
    }
    return out;
  }

  /** Average entry price of the open position of `asset`; `null` when flat. */
  avgEntryPrice(asset: string): number | null {
    const p = this.positions.get(asset);
    return p && p.positionBase !== 0 ? p.avgEntryPrice : null;
  }

  /** Realized P&L with fees, quote currency: of `asset`, or of every asset when omitted. */
  realized(asset?: string): number {
    if (asset !== undefined) return this.positions.get(asset)?.realizedQuote ?? 0;
    let total = 0;
    for (const p of this.positions.values()) total += p.realizedQuote;
    return total;
  }

  /** Unrealized P&L of `asset` marked at `midPrice`, quote currency (0 when flat). */
  unrealized(asset: string, midPrice: number): number {
    const p = this.positions.get(asset);
    if (!p || p.positionBase === 0) return 0;
    return p.positionBase * (midPrice - p.avgEntryPrice);
  }

  /**
   * Position of `asset` in lots of `lotSizeBase` base units; a quotient within 1e-9 of an integer
   * is that integer (float noise), otherwise fractional. Throws `RangeError` for a bad lot size.
   */
  inventoryLots(asset: string, lotSizeBase: number): number {
    if (!(Number.isFinite(lotSizeBase) && lotSizeBase > 0)) {
      throw new RangeError(
        `lotSizeBase.${asset}: expected a finite number > 0, got ${lotSizeBase}`,
      );
    }
    const lots = this.positionBase(asset) / lotSizeBase;
    const rounded = Math.round(lots);
    return Math.abs(lots - rounded) <= 1e-9 * Math.max(1, Math.abs(lots)) ? rounded : lots;
  }

  /**
   * The inventory the pipelines read. `lotsByAsset` has every asset of `lotSizeBase` (0 when flat;
   * assets held but absent from `lotSizeBase` are left out). `grossNotional` = sum over held assets
   * of |position| * mid, quote currency; an asset without a finite positive mid in `mids` is marked
   * at its average entry price.
   */
  snapshot(
    mids: Readonly<Record<string, number>>,
    lotSizeBase: Readonly<Record<string, number>>,
  ): PortfolioInventory {
    const lotsByAsset: Record<string, number> = {};
    for (const [asset, lot] of Object.entries(lotSizeBase)) {
      lotsByAsset[asset] = this.inventoryLots(asset, lot);
    }
    let grossNotional = 0;
    for (const [asset, p] of this.positions) {
      if (p.positionBase === 0) continue;
      const mid = mids[asset];
      const mark = mid !== undefined && Number.isFinite(mid) && mid > 0 ? mid : p.avgEntryPrice;
      grossNotional += Math.abs(p.positionBase) * mark;
    }
    return { lotsByAsset, grossNotional };
  }

  /** A copy of `asset`'s holding (all zero when it has no fill). */
  position(asset: string): AssetPosition {
    const p = this.positions.get(asset);
    return {
      asset,
      positionBase: p?.positionBase ?? 0,
      byVenue: Object.fromEntries(p?.byVenue ?? []),
      avgEntryPrice: this.avgEntryPrice(asset),
      realizedQuote: p?.realizedQuote ?? 0,
      feesQuote: p?.feesQuote ?? 0,
      fills: p?.fills ?? 0,
    };
  }

  private entry(asset: string): MutablePosition {
    let p = this.positions.get(asset);
    if (!p) {
      p = {
        positionBase: 0,
        byVenue: new Map(),
        avgEntryPrice: 0,
        realizedQuote: 0,
        feesQuote: 0,
        fills: 0,
      };
      this.positions.set(asset, p);
    }
    return p;
  }
}
