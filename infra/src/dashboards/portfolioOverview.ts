import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, labelVariable, RATE, stat, table, timeseries } from './common.js';

const A = 'asset=~"$asset"';
const AV = 'asset=~"$asset",venue=~"$venue"';

/** Portfolio overview: P&L, inventory and notional per asset, fills. Amounts in quote currency. */
export function portfolioOverview(): Dashboard {
  const total = (title: string, description: string, expr: string) =>
    stat({ title, description, w: 6, h: 4, decimals: 2, queries: [{ expr }] });
  return dashboard({
    uid: 'mm-portfolio-overview',
    title: 'Market making / Portfolio overview',
    description: 'P&L, inventory and notional per asset, and fills (amounts in quote currency)',
    tags: ['portfolio'],
    variables: [
      labelVariable({ name: 'asset', label: 'Asset', metric: 'mm_mid_price_quote', multi: true }),
      labelVariable({
        name: 'venue',
        label: 'Venue',
        metric: 'mm_book_updates_total',
        multi: true,
      }),
    ],
    sections: [
      {
        title: 'Portfolio',
        panels: [
          total(
            'Mark-to-market P&L',
            'Realized P&L plus inventory marked at the mid, summed over the selected assets',
            `sum(mm_pnl_mark_to_market_quote{${A}})`,
          ),
          total(
            'Realized P&L',
            'Realized P&L (fees included), summed over the selected assets',
            `sum(mm_pnl_realized_quote{${A}})`,
          ),
          total(
            'Gross notional',
            'Sum of absolute inventory notionals at the mid',
            `sum(abs(mm_inventory_notional_quote{${A}}))`,
          ),
          total(
            'Net notional',
            'Sum of signed inventory notionals at the mid',
            `sum(mm_inventory_notional_quote{${A}})`,
          ),
        ],
      },
      {
        title: 'Per asset',
        panels: [
          timeseries({
            title: 'Mark-to-market P&L per asset',
            description: 'Realized P&L plus inventory marked at the mid, quote currency',
            w: 12,
            h: 8,
            queries: [
              { expr: `sum by (asset) (mm_pnl_mark_to_market_quote{${A}})`, legend: '{{asset}}' },
            ],
          }),
          timeseries({
            title: 'Realized P&L per asset',
            description: 'Realized P&L (fees included), quote currency',
            w: 12,
            h: 8,
            queries: [
              { expr: `sum by (asset) (mm_pnl_realized_quote{${A}})`, legend: '{{asset}}' },
            ],
          }),
          timeseries({
            title: 'Inventory per asset (lots)',
            description:
              'Portfolio inventory from the fill ledger, lots, signed (one coordinate per asset across venues)',
            w: 12,
            h: 8,
            queries: [{ expr: `sum by (asset) (mm_inventory_lots{${A}})`, legend: '{{asset}}' }],
          }),
          timeseries({
            title: 'Inventory notional per asset',
            description: 'Signed inventory notional at the mid, quote currency',
            w: 12,
            h: 8,
            queries: [
              { expr: `sum by (asset) (mm_inventory_notional_quote{${A}})`, legend: '{{asset}}' },
            ],
          }),
          table({
            title: 'Positions',
            description: 'Latest inventory, notional, P&L and mid per asset',
            w: 24,
            h: 7,
            decimals: 4,
            columns: ['Inventory (lots)', 'Notional', 'Mark-to-market P&L', 'Realized P&L', 'Mid'],
            queries: [
              { expr: `sum by (asset) (mm_inventory_lots{${A}})` },
              { expr: `sum by (asset) (mm_inventory_notional_quote{${A}})` },
              { expr: `sum by (asset) (mm_pnl_mark_to_market_quote{${A}})` },
              { expr: `sum by (asset) (mm_pnl_realized_quote{${A}})` },
              { expr: `max by (asset) (mm_mid_price_quote{${A}})` },
            ],
          }),
        ],
      },
      {
        title: 'Portfolio risk',
        panels: [
          timeseries({
            title: "Portfolio risk q' Sigma q",
            description:
              "q' Sigma q of the inventory vector (asset units), quote currency^2 per second: the variance rate of the book's value",
            w: 12,
            h: 8,
            min: 0,
            queries: [{ expr: 'max(mm_portfolio_risk)', legend: "q' Sigma q" }],
          }),
          timeseries({
            title: 'Risk contribution per asset',
            description:
              "q_i (Sigma q)_i: each asset's share of q' Sigma q (they sum to it; negative = the asset hedges the rest)",
            w: 12,
            h: 8,
            queries: [{ expr: `sum by (asset) (mm_risk_contribution{${A}})`, legend: '{{asset}}' }],
          }),
          timeseries({
            title: 'Hedges per minute',
            description: 'Hedge taker orders sent by the portfolio policy, per asset and venue',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, venue) (rate(mm_hedges_total{${AV}}[${RATE}])) * 60`,
                legend: '{{asset}} {{venue}}',
              },
            ],
          }),
          timeseries({
            title: 'Quotes clamped at the boundary per minute',
            description:
              'Quotes the boundary moved to one tick inside the opposite touch (or rested when the model left the reducing side empty)',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, venue, side) (rate(mm_quotes_clamped_total{${AV}}[${RATE}])) * 60`,
                legend: '{{asset}} {{venue}} {{side}}',
              },
            ],
          }),
        ],
      },
      {
        title: 'Fills',
        panels: [
          timeseries({
            title: 'Fills per minute by asset and venue',
            description: 'Fills of our orders per minute',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, venue) (rate(mm_fills_total{${AV}}[${RATE}])) * 60`,
                legend: '{{asset}} {{venue}}',
              },
            ],
          }),
          timeseries({
            title: 'Fills per minute by role',
            description: 'Maker and taker fills per minute over the selected assets and venues',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (role) (rate(mm_fills_total{${AV}}[${RATE}])) * 60`,
                legend: '{{role}}',
              },
            ],
          }),
        ],
      },
    ],
  });
}
