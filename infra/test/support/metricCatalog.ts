import { createEngineMetrics } from '@mm/engine';
import { createOptimizerMetrics } from '@mm/optimizer';

/** Series names Prometheus itself adds to every scrape target. */
export const PROMETHEUS_SERIES = ['up'] as const;

/** What `getMetricsAsJSON` needs of a prom-client registry. */
interface Registry {
  getMetricsAsJSON(): Promise<Array<{ name: string; type: unknown }>>;
}

/** Series names of one metric family as Prometheus stores them. */
function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

async function registrySeriesNames(registry: Registry): Promise<Set<string>> {
  const metrics = await registry.getMetricsAsJSON();
  return new Set(metrics.flatMap((m) => seriesNames(m.name, String(m.type))));
}

// One registry each (both collect the Node.js process metrics, which start timers).
let engine: Promise<Set<string>> | undefined;
let optimizer: Promise<Set<string>> | undefined;

/** Every series name the engine exports, read from a fresh `createEngineMetrics()` registry. */
export async function engineSeriesNames(): Promise<Set<string>> {
  engine ??= registrySeriesNames(createEngineMetrics().registry);
  return new Set(await engine);
}

/**
 * Every series name the optimizer exports (its own metrics and its Node.js process metrics),
 * read from a fresh `createOptimizerMetrics()` registry.
 */
export async function optimizerSeriesNames(): Promise<Set<string>> {
  optimizer ??= registrySeriesNames(createOptimizerMetrics().registry);
  return new Set(await optimizer);
}

/** Engine, optimizer and Prometheus series names together. */
export async function knownSeriesNames(): Promise<Set<string>> {
  return new Set([
    ...(await engineSeriesNames()),
    ...(await optimizerSeriesNames()),
    ...PROMETHEUS_SERIES,
  ]);
}
