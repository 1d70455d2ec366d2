import { type EngineConfig, policyFromConfig } from '@mm/engine';
import type { TextTable } from '../quoteTable.js';
import { flatBookMid } from './assetModel.js';

/** What the engine's policy of one configured asset quotes at a flat book. */
export interface ConfiguredQuote {
  asset: string;
  policy: string;
  /** Portfolio inventory of the asset, lots. */
  inventoryLots: number;
  /** Mid of the flat book, price units (quote currency per asset unit). */
  midPrice: number;
  /** Distances from the mid, price units; `NaN` where the side does not rest. */
  bidDeltaPrice: number;
  askDeltaPrice: number;
  /** A taker trade the policy makes now, if any. */
  take: 'buy' | 'sell' | null;
}

/**
 * Each configured asset's quote from the engine's own policy (`policyFromConfig`: the same model,
 * clip size and solver the engine quotes with) at a flat book: `mids` (else the first simulated
 * venue's initial mid), one tick of spread, balanced imbalance, no drift, and `inventoryLots`
 * (lots per asset, 0 when absent). Throws naming the asset when it has no mid.
 */
export function configuredQuotes(
  config: EngineConfig,
  inventoryLots: Readonly<Record<string, number>>,
  mids: Readonly<Record<string, number>>,
): ConfiguredQuote[] {
  return config.assets.map((asset) => {
    const midPrice = flatBookMid(config, asset.symbol, mids);
    if (midPrice === undefined) {
      throw new Error(
        `asset ${asset.symbol}: no mid price (no simulated venue has initialMidPrice.${asset.symbol}); pass --mid ${asset.symbol}=PRICE`,
      );
    }
    const q = inventoryLots[asset.symbol] ?? 0;
    const control = policyFromConfig(asset).decide({
      inventoryLots: q,
      midPrice,
      marketSpreadPrice: asset.tickSize,
      imbalance: 0.5,
      driftPerSec: 0,
      tSec: 0,
    });
    return {
      asset: asset.symbol,
      policy: asset.policy,
      inventoryLots: q,
      midPrice,
      bidDeltaPrice: control.bidDeltaPrice,
      askDeltaPrice: control.askDeltaPrice,
      take: control.take,
    };
  });
}

/** Significant digits enough to tell prices a fraction of a tick apart at any price level. */
function price(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const digits = Math.max(2, 6 - Math.floor(Math.log10(Math.max(Math.abs(x), 1e-12))));
  return x.toFixed(Math.min(digits, 8));
}

/** A distance from the mid, 4 significant digits. */
const distance = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : '-');

const bps = (deltaPrice: number, mid: number) =>
  Number.isFinite(deltaPrice) ? ((deltaPrice * 1e4) / mid).toFixed(2) : '-';

/** The table of `configuredQuotes`: prices in quote currency, distances in price units and bps. */
export function configuredQuoteTable(quotes: readonly ConfiguredQuote[]): TextTable {
  return {
    rowLabel: 'asset',
    groups: [
      { title: 'state', columns: ['policy', 'q (lots)', 'mid'] },
      { title: 'quote (quote ccy)', columns: ['bid', 'ask'] },
      { title: 'from the mid (price)', columns: ['bid', 'ask'] },
      { title: 'from the mid (bps)', columns: ['bid', 'ask', 'take'] },
    ],
    rows: quotes.map((r) => [
      r.asset,
      r.policy,
      String(r.inventoryLots),
      price(r.midPrice),
      price(r.midPrice - r.bidDeltaPrice),
      price(r.midPrice + r.askDeltaPrice),
      distance(r.bidDeltaPrice),
      distance(r.askDeltaPrice),
      bps(r.bidDeltaPrice, r.midPrice),
      bps(r.askDeltaPrice, r.midPrice),
      r.take ?? '',
    ]),
  };
}

/**
 * `BTC=2,ETH=-1` (by symbol) or `2,-1,0` (one per asset, in config order) to lots per asset.
 * Throws naming the option on anything else.
 */
export function parseAssetValues(
  option: string,
  text: string,
  assets: readonly string[],
  check: (value: number) => boolean,
  expected: string,
): Record<string, number> {
  const parts = text.split(',').map((p) => p.trim());
  const out: Record<string, number> = {};
  const byName = parts.every((p) => p.includes('='));
  if (!byName && parts.some((p) => p.includes('='))) {
    throw new Error(
      `option "${option}": use either ASSET=VALUE pairs or one value per asset, got ${JSON.stringify(text)}`,
    );
  }
  if (!byName && parts.length !== assets.length) {
    throw new Error(
      `option "${option}": expected ${assets.length} values (${assets.join(', ')}), got ${parts.length}`,
    );
  }
  parts.forEach((part, i) => {
    const [name, raw] = byName ? (part.split('=', 2) as [string, string]) : [assets[i]!, part];
    if (!assets.includes(name)) {
      throw new Error(
        `option "${option}": '${name}' is not an asset of this config (${assets.join(', ')})`,
      );
    }
    const value = Number(raw);
    if (raw.trim() === '' || !check(value)) {
      throw new Error(
        `option "${option}": ${name}: expected ${expected}, got ${JSON.stringify(raw)}`,
      );
    }
    out[name] = value;
  });
  return out;
}
