import type { JobType, OptimizerConfig } from '@mm/config';
import { type AssetConfig, type EngineConfig, positionLimitLotsOf } from '@mm/config';
import { checkScheduledData, type RemovedSchedule, type ScheduledJob } from './schedule.js';

/** Scheduler ids: `validation[-{asset}]`, `calibration`, `solve`. */
export const SCHEDULE_IDS = {
  validation: 'validation',
  calibration: 'calibration',
  solve: 'solve',
} as const;

/** Scheduler id of an asset's validation grid search (`:` is not allowed in BullMQ ids). */
export function validationScheduleId(asset: string): string {
  return `${SCHEDULE_IDS.validation}-${asset.replaceAll(':', '_')}`;
}

/**
 * The asset a grid-search job validates, from its scheduler id (`validation-BTC` -> `BTC`):
 * `default` for the single validation schedule, `adhoc` for a job added by hand.
 */
export function validationAssetOf(repeatJobKey: string | undefined): string {
  if (repeatJobKey === SCHEDULE_IDS.validation) return 'default';
  const prefix = `${SCHEDULE_IDS.validation}-`;
  return repeatJobKey?.startsWith(prefix) ? repeatJobKey.slice(prefix.length) : 'adhoc';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` merged into `base`: plain objects recursively, anything else replaced. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/** Starting mid of an asset in the engine's simulated venues (100, the sim default, otherwise). */
function midPriceOf(engine: EngineConfig, asset: string): number {
  for (const v of engine.venues) {
    if (v.kind === 'sim' && v.initialMidPrice[asset] !== undefined) return v.initialMidPrice[asset];
  }
  return 100;
}

/** The largest qMax the engine accepts for an asset: its model bound, within its position limit. */
function qMaxOf(engine: EngineConfig, asset: AssetConfig): number {
  return Math.min(asset.qMaxLots, positionLimitLotsOf(engine, asset));
}

/** A grid search of the seed's heuristic against the exact policy on the asset's own model. */
function validationData(engine: EngineConfig, asset: AssetConfig): Record<string, unknown> {
  return {
    market: {
      sigma: asset.model.sigma,
      A: asset.model.A,
      k: asset.model.k,
      midPrice: midPriceOf(engine, asset.symbol),
      tickSize: asset.tickSize,
    },
    objective: { gamma: asset.model.gamma },
    qMaxLots: Math.min(qMaxOf(engine, asset), 1000),
  };
}

/** A solve of every engine asset (and its regimes) at its configured model. */
function solveData(engine: EngineConfig, validForSec: number): Record<string, unknown> {
  return {
    assets: engine.assets.map((a) => ({
      asset: a.symbol,
      ...a.model,
      qMax: qMaxOf(engine, a),
      quoteSizeLots: a.quoteSizeLots,
      ...(a.regime ? { regimes: a.regime.regimes.map((r) => ({ name: r.name, ...r.model })) } : {}),
    })),
    validForSec,
  };
}

export interface ScheduleSpec {
  jobs: ScheduledJob<JobType>[];
  removed: RemovedSchedule<JobType>[];
}

/**
 * The repeatable jobs a config asks for. `validation`: one grid search per engine asset (its
 * model, mid and tick) when the engine config is known, else one built from `data` alone;
 * `calibration`: one calibration of the engine's assets over the last `windowSec` of the
 * deployment's streams; `solve`: one solve of every engine asset, valid for
 * `results.validForSec`. Each schedule's `data` is merged over the derived fields. Every job's
 * data is validated: bad data throws an `InvalidJobDataError` naming the config path
 * (`schedule.solve.data.assets[0].sigma`). A schedule with `enabled: false` is removed.
 */
export function schedulesFromConfig(
  config: OptimizerConfig,
  engine: EngineConfig | undefined,
): ScheduleSpec {
  const spec: ScheduleSpec = { jobs: [], removed: [] };
  const { validation, calibration, solve } = config.schedule;
  const check = (type: JobType, data: unknown, name: string) =>
    checkScheduledData(type, data, `config.schedule.${name}.data`);

  if (validation?.enabled === false) {
    spec.removed.push({ id: SCHEDULE_IDS.validation, type: 'grid-search' });
    for (const a of engine?.assets ?? []) {
      spec.removed.push({ id: validationScheduleId(a.symbol), type: 'grid-search' });
    }
  } else if (validation) {
    const everyMs = validation.everySec * 1000;
    if (engine) {
      for (const a of engine.assets) {
        spec.jobs.push({
          id: validationScheduleId(a.symbol),
          type: 'grid-search',
          everyMs,
          data: check(
            'grid-search',
            deepMerge(validationData(engine, a), validation.data),
            'validation',
          ),
        });
      }
    } else {
      spec.jobs.push({
        id: SCHEDULE_IDS.validation,
        type: 'grid-search',
        everyMs,
        data: check('grid-search', validation.data, 'validation'),
      });
    }
  }

  if (calibration?.enabled === false) {
    spec.removed.push({ id: SCHEDULE_IDS.calibration, type: 'calibrate' });
  } else if (calibration && engine) {
    const base = {
      prefix: config.redis.prefix,
      lookbackSec: calibration.windowSec,
      assets: engine.assets.map((a) => a.symbol),
    };
    spec.jobs.push({
      id: SCHEDULE_IDS.calibration,
      type: 'calibrate',
      everyMs: calibration.everySec * 1000,
      data: check('calibrate', deepMerge(base, calibration.data), 'calibration'),
    });
  }

  if (solve?.enabled === false) {
    spec.removed.push({ id: SCHEDULE_IDS.solve, type: 'solve' });
  } else if (solve && engine) {
    spec.jobs.push({
      id: SCHEDULE_IDS.solve,
      type: 'solve',
      everyMs: solve.everySec * 1000,
      data: check(
        'solve',
        deepMerge(solveData(engine, config.results.validForSec), solve.data),
        'solve',
      ),
    });
  }
  return spec;
}
