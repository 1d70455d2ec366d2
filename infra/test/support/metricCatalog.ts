import { createEngineMetrics } from '@mm/engine';
import { OPTIMIZER_DEFAULT_METRICS_PREFIX, OPTIMIZER_METRICS } from './optimizerStandIn.js';

/** Series names Prometheus itself adds to every scrape target. */
export const PROMETHEUS_SERIES = ['up'] as const;

/** Engine default-metrics prefix (`collectDefaultMetrics` in `createEngineMetrics`). */
const ENGINE_DEFAULT_PREFIX = 'mm_engine_';

/** Series names of one metric family as Prometheus stores them. */
function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** Every series name the engine exports, read from a fresh `createEngineMetrics()` registry. */
export async function engineSeriesNames(): Promise<Set<string>> {
  const metrics = await createEngineMetrics().registry.getMetricsAsJSON();
  return new Set(metrics.flatMap((m) => seriesNames(m.name, String(m.type))));
}

/**
 * Every series name the optimizer exports: the agreed metrics, and the same Node.js process
 * metrics as the engine's under the optimizer's prefix (both use prom-client's defaults).
 * TODO(lead): read them from the optimizer's registry once `@mm/optimizer` exports it.
 */
export async function optimizerSeriesNames(): Promise<Set<string>> {
  const names = new Set(OPTIMIZER_METRICS.flatMap((m) => seriesNames(m.name, m.type)));
  for (const name of await engineSeriesNames()) {
    if (name.startsWith(ENGINE_DEFAULT_PREFIX))
      names.add(OPTIMIZER_DEFAULT_METRICS_PREFIX + name.slice(ENGINE_DEFAULT_PREFIX.length));
  }
  return names;
}

/** Engine, optimizer and Prometheus series names together. */
export async function knownSeriesNames(): Promise<Set<string>> {
  return new Set([
    ...(await engineSeriesNames()),
    ...(await optimizerSeriesNames()),
    ...PROMETHEUS_SERIES,
  ]);
}
