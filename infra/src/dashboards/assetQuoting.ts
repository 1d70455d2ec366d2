import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, labelVariable, RATE, timeseries } from './common.js';

const A = 'asset=~"$asset"';
const AV = 'asset=~"$asset",venue=~"$venue"';

/**
 * Quoting of one asset: mid and resting quotes, spread, predicted against realized fill rates,
 * volatility, regime probabilities and risk-gate pulls.
 */
export function assetQuoting(): Dashboard {
  return dashboard({
    uid: 'mm-asset-quoting',
    title: 'Market making / Asset quoting',
    description:
      'One asset: mid, bid/ask per venue, spread, fill rates predicted by the model against realized, regime',
    tags: ['quoting'],
    variables: [
      labelVariable({ name: 'asset', label: 'Asset', metric: 'mm_mid_price_quote', multi: false }),
      labelVariable({
        name: 'venue',
        label: 'Venue',
        metric: 'mm_book_updates_total',
        multi: true,
      }),
    ],
    sections: [
      {
        title: 'Prices',
        panels: [
          timeseries({
            title: 'Mid and resting quotes',
            description: 'Mid of the book and our resting bid and ask per venue, quote currency',
            w: 24,
            h: 9,
            queries: [
              { expr: `mm_mid_price_quote{${A}}`, legend: 'mid' },
              { expr: `mm_quote_price_quote{${AV}}`, legend: '{{venue}} {{side}}' },
            ],
          }),
          timeseries({
            title: 'Quoted spread (bps)',
            description: 'Our quoted spread (ask - bid) / mid per venue, basis points',
            w: 12,
            h: 8,
            min: 0,
            queries: [{ expr: `mm_quote_spread_bps{${AV}}`, legend: '{{venue}}' }],
          }),
          timeseries({
            title: 'Volatility',
            description: 'EWMA volatility of the mid, quote currency per sqrt(second)',
            w: 12,
            h: 8,
            min: 0,
            queries: [{ expr: `mm_volatility_quote_per_sqrt_second{${A}}`, legend: '{{asset}}' }],
          }),
        ],
      },
      {
        title: 'Fill rates',
        panels: [
          timeseries({
            title: 'Fill rate: predicted and realized (fills/s)',
            description:
              'Model rate A exp(-k delta) at the current quote distance, and the realized rate (EWMA), per venue and side',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `mm_fill_rate_predicted_per_second{${AV}}`,
                legend: 'predicted {{venue}} {{side}}',
              },
              {
                expr: `mm_fill_rate_realized_per_second{${AV}}`,
                legend: 'realized {{venue}} {{side}}',
              },
            ],
          }),
          timeseries({
            title: 'Realized over predicted fill rate',
            description:
              'Realized fill rate divided by the model rate (1 = the intensity model is right); sides without a quote are left out',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `mm_fill_rate_realized_per_second{${AV}} / (mm_fill_rate_predicted_per_second{${AV}} > 0)`,
                legend: '{{venue}} {{side}}',
              },
            ],
          }),
          timeseries({
            title: 'Fills per minute by venue and side',
            description: 'Fills of our orders per minute',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (venue, side) (rate(mm_fills_total{${AV}}[${RATE}])) * 60`,
                legend: '{{venue}} {{side}}',
              },
            ],
          }),
          timeseries({
            title: 'Inventory (lots)',
            description: 'Portfolio inventory of the asset, lots, signed',
            w: 12,
            h: 8,
            queries: [{ expr: `mm_inventory_lots{${A}}`, legend: '{{asset}}' }],
          }),
        ],
      },
      {
        title: 'Regime and risk',
        panels: [
          timeseries({
            title: 'Regime probability',
            description:
              'Filtered probability of each volatility regime (assets configured with regimes only)',
            w: 12,
            h: 8,
            min: 0,
            queries: [{ expr: `mm_regime_probability{${A}}`, legend: '{{regime}}' }],
          }),
          timeseries({
            title: 'Risk-gate pulls by reason',
            description: 'Times the risk gate pulled quotes, by reason, per rate interval',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (reason) (increase(mm_risk_pulls_total{${A}}[${RATE}]))`,
                legend: '{{reason}}',
              },
            ],
          }),
        ],
      },
    ],
  });
}
