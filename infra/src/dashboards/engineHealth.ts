import {
  type Dashboard,
  MappingType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import {
  dashboard,
  ENGINE_JOB,
  labelVariable,
  OPTIMIZER_JOB,
  RATE,
  stat,
  timeseries,
} from './common.js';

const A = 'asset=~"$asset"';
const V = 'venue=~"$venue"';
const AV = `${A},${V}`;

/** Tick-to-quote p99 above this is slow (the alert's threshold too), seconds. */
export const TICK_TO_QUOTE_P99_LIMIT_SEC = 200e-6;

const states = (ok: string, bad: string): ValueMapping[] => [
  {
    type: MappingType.ValueToText,
    options: {
      '0': { text: ok, color: 'green', index: 0 },
      '1': { text: bad, color: 'red', index: 1 },
    },
  },
];

const tickToQuote = (q: number, by: string) =>
  `histogram_quantile(${q}, sum by (${by}) (rate(mm_tick_to_quote_seconds_bucket{${A}}[${RATE}])))`;

/** Engine health: kill switch, ledger, tick-to-quote latency, stale data, rejects, Redis bus. */
export function engineHealth(): Dashboard {
  return dashboard({
    uid: 'mm-engine-health',
    title: 'Market making / Engine health',
    description:
      'Kill switch, fill ledger, tick-to-quote latency, stale data, rejected orders and messages, Redis lag',
    tags: ['engine'],
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
        title: 'Status',
        panels: [
          stat({
            title: 'Kill switch',
            description:
              "All assets: every order cancelled and quoting stopped (mm kill, control message, ledger down, shutdown). Per asset: that asset's own kill (mm kill --asset, a control message naming it)",
            w: 6,
            h: 4,
            mappings: states('released', 'ENGAGED'),
            queries: [
              { expr: 'max(mm_kill_switch_state)', legend: 'all assets' },
              {
                expr: `max by (asset) (mm_kill_switch_asset_state{${A}})`,
                legend: '{{asset}}',
              },
            ],
          }),
          stat({
            title: 'Fill ledger',
            description:
              'Degraded: Redis unavailable, fills are written to the local fsynced backlog file',
            w: 6,
            h: 4,
            mappings: states('Redis', 'DEGRADED (local backlog)'),
            queries: [{ expr: 'max(mm_ledger_degraded_state)' }],
          }),
          stat({
            title: 'Tick-to-quote p99',
            description:
              'Book update to decision and order actions, 99th percentile over the selected assets',
            w: 6,
            h: 4,
            unit: 's',
            thresholds: new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([
              { value: null, color: 'green' },
              { value: TICK_TO_QUOTE_P99_LIMIT_SEC, color: 'red' },
            ]),
            queries: [{ expr: tickToQuote(0.99, 'le') }],
          }),
          stat({
            title: 'Scrape targets',
            description:
              'Whether Prometheus reached the engine and the optimizer at the last scrape',
            w: 6,
            h: 4,
            mappings: [
              {
                type: MappingType.ValueToText,
                options: {
                  '0': { text: 'down', color: 'red', index: 0 },
                  '1': { text: 'up', color: 'green', index: 1 },
                },
              },
            ],
            queries: [{ expr: `up{job=~"${ENGINE_JOB}|${OPTIMIZER_JOB}"}`, legend: '{{job}}' }],
          }),
        ],
      },
      {
        title: 'Latency and market data',
        panels: [
          timeseries({
            title: 'Tick-to-quote p50 and p99',
            description:
              'Book update entering the pipeline to its decision (or order actions), per asset',
            w: 12,
            h: 8,
            unit: 's',
            min: 0,
            queries: [
              { expr: tickToQuote(0.5, 'le, asset'), legend: 'p50 {{asset}}' },
              { expr: tickToQuote(0.99, 'le, asset'), legend: 'p99 {{asset}}' },
            ],
          }),
          timeseries({
            title: 'Book updates per second',
            description: 'Book updates received per asset and venue',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, venue) (rate(mm_book_updates_total{${AV}}[${RATE}]))`,
                legend: '{{asset}} {{venue}}',
              },
            ],
          }),
          timeseries({
            title: 'Stale-data pulls',
            description:
              'Quotes pulled because no book update arrived within risk.staleDataTimeoutMs, per rate interval',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, venue) (increase(mm_stale_data_total{${AV}}[${RATE}]))`,
                legend: '{{asset}} {{venue}}',
              },
            ],
          }),
          timeseries({
            title: 'Risk-gate pulls by reason',
            description:
              'Times the risk gate pulled quotes, per asset and reason, per rate interval',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, reason) (increase(mm_risk_pulls_total{${A}}[${RATE}]))`,
                legend: '{{asset}} {{reason}}',
              },
            ],
          }),
        ],
      },
      {
        title: 'Orders',
        panels: [
          timeseries({
            title: 'Orders rejected by venues',
            description:
              'Orders the venue refused (post-only crossing, limits, injected faults), per rate interval',
            w: 8,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, venue) (increase(mm_orders_rejected_total{${AV}}[${RATE}]))`,
                legend: '{{asset}} {{venue}}',
              },
            ],
          }),
          timeseries({
            title: 'Order actions per second',
            description:
              'Order actions sent per venue, by kind (place, replace, cancel, cancelAll)',
            w: 8,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (venue, kind) (rate(mm_order_actions_total{${V}}[${RATE}]))`,
                legend: '{{venue}} {{kind}}',
              },
            ],
          }),
          timeseries({
            title: 'Inventory drift (lots)',
            description:
              'Ledger inventory minus the position the venue reports, at the last reconciliation',
            w: 8,
            h: 8,
            queries: [{ expr: `mm_inventory_drift_lots{${AV}}`, legend: '{{asset}} {{venue}}' }],
          }),
        ],
      },
      {
        title: 'Redis bus',
        panels: [
          timeseries({
            title: 'Redis publish lag',
            description: 'Latest lag from an event to its publication on the Redis bus',
            w: 8,
            h: 8,
            unit: 's',
            min: 0,
            queries: [
              { expr: 'max by (stream) (mm_redis_publish_lag_seconds)', legend: '{{stream}}' },
            ],
          }),
          timeseries({
            title: 'Bus messages rejected',
            description:
              'Bus messages dropped because they failed validation, by stream and direction, per rate interval',
            w: 8,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (stream, direction) (increase(mm_bus_messages_rejected_total[${RATE}]))`,
                legend: '{{stream}} {{direction}}',
              },
            ],
          }),
          timeseries({
            title: 'Parameter updates by result',
            description:
              'Parameter updates from the optimizer, applied or rejected (bounds, plausibility, solve), per rate interval',
            w: 8,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (asset, result) (increase(mm_parameter_updates_total{${A}}[${RATE}]))`,
                legend: '{{asset}} {{result}}',
              },
            ],
          }),
        ],
      },
      {
        title: 'Process',
        panels: [
          timeseries({
            title: 'CPU',
            description: 'CPU time of the engine process per second (1 = one core)',
            w: 8,
            h: 7,
            unit: 'percentunit',
            min: 0,
            queries: [
              {
                expr: `rate(mm_engine_process_cpu_seconds_total[${RATE}])`,
                legend: '{{instance}}',
              },
            ],
          }),
          timeseries({
            title: 'Resident memory',
            description: 'Resident set size of the engine process',
            w: 8,
            h: 7,
            unit: 'bytes',
            min: 0,
            queries: [{ expr: 'mm_engine_process_resident_memory_bytes', legend: '{{instance}}' }],
          }),
          timeseries({
            title: 'Event-loop lag p99',
            description: 'Node.js event-loop delay, 99th percentile: it adds to tick-to-quote',
            w: 8,
            h: 7,
            unit: 's',
            min: 0,
            queries: [
              { expr: 'mm_engine_nodejs_eventloop_lag_p99_seconds', legend: '{{instance}}' },
            ],
          }),
        ],
      },
    ],
  });
}
