import { validateCovariance } from './covariance.js';
import type { PortfolioSpec } from './PortfolioSpec.js';

/** Check a portfolio spec; RangeError naming the field. Returns `Sigma` row-major. */
export function validatePortfolioSpec(spec: PortfolioSpec): Float64Array {
  const n = spec.assets.length;
  if (n < 1) throw new RangeError('assets must list at least one asset');
  positive('gammaPerQuote', spec.gammaPerQuote);
  if (spec.horizonSec !== undefined) positive('horizonSec', spec.horizonSec);
  positive('hedging.maxLotsPerSec', spec.hedging.maxLotsPerSec);
  if (spec.hedging.eta !== undefined) nonNegative('hedging.eta', spec.hedging.eta);
  const symbols = new Set<string>();
  spec.assets.forEach((a, i) => {
    const f = `assets[${i}]`;
    if (!a.symbol) throw new RangeError(`${f}.symbol must be a non-empty string`);
    if (symbols.has(a.symbol)) throw new RangeError(`${f}.symbol ${a.symbol} appears twice`);
    symbols.add(a.symbol);
    positive(`${f}.lotSizeBase`, a.lotSizeBase);
    positive(`${f}.quoteSizeLots`, a.quoteSizeLots);
    positive(`${f}.tickSize`, a.tickSize);
    positive(`${f}.qMaxLots`, a.qMaxLots);
    if (a.qMaxLots < a.quoteSizeLots)
      throw new RangeError(
        `${f}.qMaxLots (${a.qMaxLots}) must be at least quoteSizeLots (${a.quoteSizeLots})`,
      );
    if (a.referenceMidPrice !== undefined) positive(`${f}.referenceMidPrice`, a.referenceMidPrice);
    if (a.venues.length < 1) throw new RangeError(`${f}.venues must list at least one venue`);
    a.venues.forEach((v, j) => {
      const g = `${f}.venues[${j}]`;
      if (!spec.venues.includes(v.venue))
        throw new RangeError(
          `${g}.venue ${v.venue} is not one of venues (${spec.venues.join(', ')})`,
        );
      positive(`${g}.A`, v.A);
      positive(`${g}.k`, v.k);
      finite(`${g}.makerFeeBps`, v.makerFeeBps);
      nonNegative(`${g}.takerFeeBps`, v.takerFeeBps);
    });
  });
  return validateCovariance(spec.covariance, n, 'covariance');
}

function finite(field: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new RangeError(`${field} must be a finite number, got ${v}`);
}

function positive(field: string, v: number): void {
  finite(field, v);
  if (!(v > 0)) throw new RangeError(`${field} must be > 0, got ${v}`);
}

function nonNegative(field: string, v: number): void {
  finite(field, v);
  if (!(v >= 0)) throw new RangeError(`${field} must be >= 0, got ${v}`);
}
