/**
 * The multi-asset backtest (issue 10 item 7): the shipped example's claim (portfolio beats
 * independent on the portfolio objective, paired 95% CI above zero, lower mean q' Sigma q),
 * checked seeded, and the objective's pieces recomputed independently from the recorded paths.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../src/index.js';
import {
  comparePortfolioPolicies,
  type PortfolioBacktestConfig,
  portfolioBacktestConfigSchema,
  portfolioReport,
  portfolioSpecOf,
} from '../src/run/index.js';

const example = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../examples/portfolio-3-assets.json'), 'utf8'),
) as unknown;

function config(edit: (c: PortfolioBacktestConfig) => void = () => {}): PortfolioBacktestConfig {
  const c = portfolioBacktestConfigSchema.parse(structuredClone(example));
  edit(c);
  return c;
}

describe('portfolio backtest', () => {
  it('examples/portfolio-3-assets.json: portfolio beats independent (paired 95% CI > 0) with lower risk', () => {
    const c = config((x) => {
      x.policies = x.policies.filter((p) => p.name === undefined); // independent, portfolio
    });
    const run = comparePortfolioPolicies({ config: c, paths: 60, seed: 11 });
    const [independent, portfolio] = run.comparison.policies;
    expect(independent!.name).toBe('independent');
    expect(portfolio!.name).toBe('portfolio');
    expect(run.comparison.reference).toBe('independent');
    expect(independent!.objectiveVsFirst).toBeNull();
    expect(portfolio!.objectiveVsFirst!.ci.lower).toBeGreaterThan(0);
    expect(portfolio!.portfolioRisk.mean).toBeLessThan(independent!.portfolioRisk.mean);
    // Correlation >= 0.8 in the shipped example.
    const rho = c.market.correlation;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) expect(rho[i]![j]).toBeGreaterThanOrEqual(0.8);
    expect(portfolio!.assets.map((a) => a.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(portfolio!.hedges).toBeGreaterThan(0);
  }, 120_000); // 2 x 60 paths of 3,000 steps: generous on a loaded machine

  it("the objective is P&L - (gamma/2) int q' Sigma q dt, recomputed from the recorded path", () => {
    const c = config((x) => {
      x.run.T = 20;
      x.policies = [{ type: 'portfolio' }];
    });
    const run = comparePortfolioPolicies({ config: c, paths: 1, seed: 3 });
    const rep = run.representative[0]!;
    const p = run.comparison.policies[0]!;
    // q' Sigma q by hand: Sigma_ij = rho_ij sigma_i sigma_j, q_i = lots_i * lotSize_i (1 here).
    const sigma = c.market.assets.map((a) => a.sigma);
    let integral = 0;
    for (let k = 0; k + 1 < rep.tSec.length; k++) {
      let risk = 0;
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++)
          risk +=
            rep.inventoryLots[i]![k]! *
            rep.inventoryLots[j]![k]! *
            c.market.correlation[i]![j]! *
            sigma[i]! *
            sigma[j]!;
      expect(rep.risk[k]).toBeCloseTo(risk, 10);
      integral += risk * (rep.tSec[k + 1]! - rep.tSec[k]!);
    }
    const pnl = rep.pnl[rep.pnl.length - 1]!;
    expect(p.objective.mean).toBeCloseTo(pnl - (c.objective.gamma / 2) * integral, 8);
    expect(p.portfolioRisk.mean).toBeCloseTo(integral / 20, 10);
    const assetPnl = p.assets.reduce((s, a) => s + a.pnl.mean, 0);
    expect(assetPnl).toBeCloseTo(p.pnl.mean, 8);
  });

  it('the report draws the inventory vector and the portfolio risk', () => {
    const c = config((x) => {
      x.run.T = 10;
    });
    const html = renderReport(
      portfolioReport(comparePortfolioPolicies({ config: c, paths: 2 }), { title: 't' }),
    );
    expect(html).toContain('id="portfolio"');
    expect(html).toContain('Inventory vector: portfolio');
    expect(html).toContain('Portfolio risk q');
    expect(html).toContain('P&amp;L − (γ/2) ∫ q′Σq dt');
  });

  it('bad input names the field', () => {
    const bad = structuredClone(example) as { market: { correlation: number[][] } };
    bad.market.correlation = [
      [1, 0.9],
      [0.9, 1],
    ];
    const r = portfolioBacktestConfigSchema.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['market', 'correlation']);
    const notPsd = config((x) => {
      x.market.correlation = [
        [1, 0.9, 0.9],
        [0.9, 1, -0.9],
        [0.9, -0.9, 1],
      ];
    });
    expect(() => portfolioSpecOf(notPsd)).toThrow(
      /market\.correlation is not positive semi-definite: row 2/,
    );
  });
});
