import { metricNames } from '../dashboardQueries.js';

/**
 * Grafana units of this project's quantities, as custom suffixes (Grafana has no unit for "the
 * quote currency" or "lots"): every money, price and size panel shows one.
 */
export const UNITS = {
  /** Money and prices: quote currency (prices are quote currency per asset unit). */
  quote: 'suffix: quote',
  /** Inventory and order sizes, lots. */
  lots: 'suffix: lots',
  /** Basis points of the mid. */
  bps: 'suffix: bps',
  /** Volatility of the mid, quote currency per sqrt(second). */
  volatility: 'suffix: quote/√s',
  /** Variance rate of the book's value, quote currency^2 per second. */
  variance: 'suffix: quote²/s',
} as const;

/** The unit a metric's name says it has (by its suffix), or undefined for counts, times, ... */
export function unitOfMetric(name: string): string | undefined {
  if (/_quote_per_sqrt_second$/.test(name)) return UNITS.volatility;
  if (/_quote$/.test(name)) return UNITS.quote;
  if (/_lots$/.test(name)) return UNITS.lots;
  if (/_bps$/.test(name)) return UNITS.bps;
  if (name === 'mm_portfolio_risk' || name === 'mm_risk_contribution') return UNITS.variance;
  return undefined;
}

/**
 * The one unit of the metrics an expression reads (undefined when none has a unit); throws,
 * naming `where`, when they disagree (a panel must then state its unit).
 */
export function unitOfExpressions(exprs: readonly string[], where: string): string | undefined {
  const units = new Set<string>();
  for (const expr of exprs)
    for (const name of metricNames(expr)) {
      const unit = unitOfMetric(name);
      if (unit !== undefined) units.add(unit);
    }
  if (units.size > 1)
    throw new RangeError(
      `${where}: metrics of different units (${[...units].join(', ')}); give the panel's unit`,
    );
  return units.values().next().value;
}
