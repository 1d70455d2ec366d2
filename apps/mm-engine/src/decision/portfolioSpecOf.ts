import {
  type EngineConfig,
  hedgingEnabled,
  type ModelParams,
  type PortfolioModel,
} from '@mm/config';
import { type PortfolioSpec, portfolioCovariance } from '@mm/hjb-core';

/**
 * Which assets the portfolio decides for and where: the configured assets some venue quotes, in
 * top-level `assets` order (the order of every matrix), and per asset the venues quoting it, in
 * `venues` order.
 */
export interface BookLayout {
  /** Asset symbols, in config order. */
  assets: string[];
  /** Index of each asset in the config's `assets` (rows of the config's matrices). */
  configIndex: number[];
  /** Every venue quoting some asset, in config order. */
  venues: string[];
  /** Per asset (layout order), the venues quoting it, in config order. */
  venuesOf: string[][];
}

/** The layout of `config`, given which assets each venue quotes. */
export function bookLayout(
  config: EngineConfig,
  venueAssets: (venue: string) => readonly string[],
): BookLayout {
  const assets: string[] = [];
  const configIndex: number[] = [];
  const venuesOf: string[][] = [];
  config.assets.forEach((a, i) => {
    const on = config.venues.map((v) => v.name).filter((v) => venueAssets(v).includes(a.symbol));
    if (on.length === 0) return;
    assets.push(a.symbol);
    configIndex.push(i);
    venuesOf.push(on);
  });
  const venues = config.venues
    .map((v) => v.name)
    .filter((v) => venuesOf.some((l) => l.includes(v)));
  return { assets, configIndex, venues, venuesOf };
}

/** Rows and columns `index` of `m`. */
const subMatrix = (m: readonly (readonly number[])[], index: readonly number[]): number[][] =>
  index.map((i) => index.map((j) => m[i]![j]!));

/**
 * The decision core's description of the book from the config (DESIGN 3.5, 3.8): per asset its
 * lot, clip, limit, tick and per venue the model's `A`, `k` and the venue's fees (a sim venue's
 * `makerFeeBps`/`takerFeeBps`; 0 for a ccxt venue, which states none); one `gamma` per unit of
 * quote currency; `Sigma_ij = rho_ij sigma_i sigma_j` from `portfolio.correlation` and each
 * asset's `model.sigma`, or, with `covariance.estimate`, the diagonal `sigma_i^2` until the live
 * estimate replaces it. Under `independent` without `portfolio.gamma`, the first asset's
 * `model.gamma / lotSizeBase` stands in (the spec needs one; the per-asset policies use their own).
 * Throws a RangeError naming the config field.
 */
export function portfolioSpecOf(
  config: EngineConfig,
  layout: BookLayout,
  model: PortfolioModel,
  /** The model each asset quotes with now (default: as configured; a `params` update changes it). */
  modelOf: (symbol: string) => Pick<ModelParams, 'A' | 'k' | 'sigma'> = (symbol) =>
    config.assets.find((a) => a.symbol === symbol)!.model,
): PortfolioSpec {
  const portfolio = config.portfolio ?? {};
  const assetsCfg = layout.configIndex.map((i) => config.assets[i]!);
  const sigmas = assetsCfg.map((a) => modelOf(a.symbol).sigma);
  const correlation =
    portfolio.correlation !== undefined
      ? subMatrix(portfolio.correlation, layout.configIndex)
      : assetsCfg.map((_, i) => assetsCfg.map((__, j) => (i === j ? 1 : 0)));
  const first = assetsCfg[0]!;
  return {
    assets: assetsCfg.map((a, i) => ({
      symbol: a.symbol,
      lotSizeBase: a.lotSizeBase,
      quoteSizeLots: a.quoteSizeLots,
      qMaxLots: Math.min(a.qMaxLots, a.positionLimitLots ?? config.risk.positionLimitLots),
      tickSize: a.tickSize,
      venues: layout.venuesOf[i]!.map((name) => {
        const v = config.venues.find((x) => x.name === name)!;
        return {
          venue: name,
          A: modelOf(a.symbol).A,
          k: modelOf(a.symbol).k,
          makerFeeBps: v.kind === 'sim' ? v.makerFeeBps : 0,
          takerFeeBps: v.kind === 'sim' ? v.takerFeeBps : 0,
        };
      }),
    })),
    venues: layout.venues,
    gammaPerQuote: portfolio.gamma ?? first.model.gamma / first.lotSizeBase,
    covariance: portfolioCovariance(sigmas, correlation, 'config.portfolio.correlation'),
    ...(portfolio.horizonSec === undefined ? {} : { horizonSec: portfolio.horizonSec }),
    hedging: {
      enabled: config.portfolio === undefined ? false : hedgingEnabled(config.portfolio, model),
      maxLotsPerSec: portfolio.hedging?.maxLotsPerSec ?? 1,
      ...(portfolio.hedging?.eta === undefined ? {} : { eta: portfolio.hedging.eta }),
    },
  };
}
