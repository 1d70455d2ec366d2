import type { ReportData } from '../../report/ReportData.js';
import type { PortfolioComparisonRun } from './comparePortfolioPolicies.js';

/** The HTML report of a portfolio comparison: table, portfolio P&L, inventory vectors, risk. */
export function portfolioReport(
  run: PortfolioComparisonRun,
  options: { title: string; subtitle?: string; generatedAt?: string },
): ReportData {
  const reps = run.representative;
  return {
    title: options.title,
    ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }),
    ...(options.generatedAt === undefined ? {} : { generatedAt: options.generatedAt }),
    paths: reps.map((r) => ({
      name: r.name,
      tSec: r.tSec,
      pnl: r.pnl,
      // The single-asset inventory chart shows the sum of |q| over assets.
      inventoryLots: Float64Array.from(r.tSec, (_, k) =>
        r.inventoryLots.reduce((s, q) => s + Math.abs(q[k]!), 0),
      ),
    })),
    quotes: null,
    comparison: run.comparison,
    objectiveFormula: 'P&L − (γ/2) ∫ q′Σq dt (q in asset units)',
    calibration: null,
    portfolio: reps.map((r) => ({
      name: r.name,
      tSec: r.tSec,
      symbols: run.symbols,
      inventoryLots: r.inventoryLots,
      risk: r.risk,
    })),
    notes: [
      "Objective per path: P&L - (gamma/2) * integral of q' Sigma q dt (q in asset units); intervals of differences are paired against the first policy. The mean and max |q| columns and the Paths section's inventory chart use the sum over assets of |q| (lots); the Portfolio section shows each asset's inventory.",
    ],
  };
}
