import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, labelVariable, RATE, timeseries } from './common.js';

const Q = 'queue=~"$queue"';

const duration = (q: number) =>
  `histogram_quantile(${q}, sum by (le, queue) (rate(mm_optimizer_job_duration_seconds_bucket{${Q}}[${RATE}])))`;

/** Optimizer: BullMQ queues (grid-search, solve, calibrate, backtest), durations, failures, gap. */
export function optimizer(): Dashboard {
  return dashboard({
    uid: 'mm-optimizer',
    title: 'Market making / Optimizer',
    description:
      'BullMQ queues (grid-search, solve, calibrate, backtest): depth, throughput, durations, failures; heuristic gap',
    tags: ['optimizer'],
    variables: [
      labelVariable({
        name: 'queue',
        label: 'Queue',
        metric: 'mm_optimizer_queue_jobs',
        multi: true,
      }),
      labelVariable({
        name: 'asset',
        label: 'Asset',
        metric: 'mm_optimizer_heuristic_gap_ratio',
        multi: true,
      }),
    ],
    sections: [
      {
        title: 'Queues',
        panels: [
          timeseries({
            title: 'Jobs by queue and state',
            description: 'Jobs in each BullMQ queue, by state',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (queue, state) (mm_optimizer_queue_jobs{${Q}})`,
                legend: '{{queue}} {{state}}',
              },
            ],
          }),
          timeseries({
            title: 'Jobs completed per minute',
            description: 'Jobs finished successfully per minute, per queue',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (queue) (rate(mm_optimizer_jobs_completed_total{${Q}}[${RATE}])) * 60`,
                legend: '{{queue}}',
              },
            ],
          }),
          timeseries({
            title: 'Job duration p50 and p95',
            description: 'Time a worker spent on a job, per queue',
            w: 12,
            h: 8,
            unit: 's',
            min: 0,
            queries: [
              { expr: duration(0.5), legend: 'p50 {{queue}}' },
              { expr: duration(0.95), legend: 'p95 {{queue}}' },
            ],
          }),
          timeseries({
            title: 'Jobs failed by reason',
            description:
              'Failed job attempts per queue and reason (unrecoverable: bad data; error: retried; stalled: worker died), per rate interval',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (queue, reason) (increase(mm_optimizer_jobs_failed_total{${Q}}[${RATE}]))`,
                legend: '{{queue}} {{reason}}',
              },
            ],
          }),
        ],
      },
      {
        title: 'Results',
        panels: [
          timeseries({
            title: 'Heuristic gap',
            description:
              'Latest heuristic gap per asset from the grid-search validation jobs: 1 - J(heuristic) / J(exact) (0: as good as the exact optimum)',
            w: 12,
            h: 8,
            unit: 'percentunit',
            queries: [
              { expr: 'mm_optimizer_heuristic_gap_ratio{asset=~"$asset"}', legend: '{{asset}}' },
            ],
          }),
          timeseries({
            title: 'Results published per minute',
            description:
              'Job results published to the engine through Redis (params messages), by job type',
            w: 12,
            h: 8,
            min: 0,
            queries: [
              {
                expr: `sum by (type) (rate(mm_optimizer_results_published_total[${RATE}])) * 60`,
                legend: '{{type}}',
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
            description: 'CPU time of the optimizer processes per second (1 = one core)',
            w: 12,
            h: 7,
            unit: 'percentunit',
            min: 0,
            queries: [
              {
                expr: `rate(mm_optimizer_process_cpu_seconds_total[${RATE}])`,
                legend: '{{instance}}',
              },
            ],
          }),
          timeseries({
            title: 'Resident memory',
            description: 'Resident set size of the optimizer processes',
            w: 12,
            h: 7,
            unit: 'bytes',
            min: 0,
            queries: [
              { expr: 'mm_optimizer_process_resident_memory_bytes', legend: '{{instance}}' },
            ],
          }),
        ],
      },
    ],
  });
}
