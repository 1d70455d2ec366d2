import {
  type AssetConfig,
  type EngineConfig,
  type ModelParams,
  positionLimitLotsOf,
} from '@mm/config';
import type { Message } from '@mm/contracts';
import type { Policy } from '@mm/hjb-core';
import type { Logger } from '@mm/telemetry';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import { checkParamsUpdate } from './paramsUpdate.js';
import { policyFromConfig, SwappablePolicy } from './policyFromConfig.js';
import { RegimeTracker } from './regimeTracker.js';

/** The `asset` label of rejected updates naming assets this engine does not quote. */
export const OTHER_ASSET = 'other';

/** The model(s) one asset quotes with: one policy, or one per regime with the filter choosing. */
interface AssetModels {
  asset: AssetConfig;
  /** One policy per regime (one entry without regimes). */
  policies: Policy[];
  /** The model behind each policy: as configured until a parameter update replaces it. */
  params: ModelParams[];
  /** The acted-on regime (index into `policies`). */
  current: number;
  tracker: RegimeTracker | undefined;
  /** The venue whose books feed the regime filter (one feed per asset). */
  feedVenue: string | undefined;
  /** The policy every leg of the asset quotes with (swapped together). */
  legPolicies: SwappablePolicy[];
}

export interface ModelRegistryOptions {
  config: EngineConfig;
  /** The first venue that quotes `asset` (its books feed the regime filter). */
  feedVenueOf: (asset: string) => string | undefined;
  metrics: EngineMetrics;
  log: Logger;
  /** Engine clock, epoch ms (parameter updates expire). */
  nowMs: () => number;
}

/**
 * Which model each asset quotes with: the policies (one per regime where configured, solved at
 * construction so a bad model fails start-up), parameter updates from the bus, and regime
 * switches. Every change reaches the legs' policies and the fill-rate gauges (`onModel`), which
 * always show the model being quoted with, updated or not.
 */
export class ModelRegistry {
  private readonly models = new Map<string, AssetModels>();

  constructor(private readonly options: ModelRegistryOptions) {
    for (const asset of options.config.assets) {
      const regimes = asset.regime?.regimes;
      const params = regimes ? regimes.map((r) => r.model) : [asset.model];
      this.models.set(asset.symbol, {
        asset,
        policies: params.map((p) => policyFromConfig(asset, p)),
        params,
        current: 0,
        tracker: asset.regime ? new RegimeTracker(asset.regime) : undefined,
        feedVenue: options.feedVenueOf(asset.symbol),
        legPolicies: [],
      });
      options.metrics.onModel(asset.symbol, params[0]!);
    }
  }

  /** A policy for one more leg of `asset`: follows the asset's updates and regime switches. */
  policyFor(asset: string): SwappablePolicy {
    const models = this.get(asset);
    const policy = new SwappablePolicy(models.policies[models.current]!);
    models.legPolicies.push(policy);
    return policy;
  }

  /** The model `asset` quotes with now. */
  currentParams(asset: string): ModelParams {
    const models = this.get(asset);
    return models.params[models.current]!;
  }

  /** The acted-on regime's name; `null` for an asset without regimes. */
  regimeName(asset: string): string | null {
    const models = this.models.get(asset);
    return models?.tracker ? (models.tracker.names[models.current] ?? null) : null;
  }

  /**
   * A new valid mid of `asset` on `venue` at `tMs` (epoch ms): feeds the regime filter when that
   * venue is the asset's feed, switching the model once the filter's acted-on regime changes.
   */
  observeMid(asset: string, venue: string, tMs: number, midPrice: number): void {
    const models = this.models.get(asset);
    if (!models?.tracker || models.feedVenue !== venue) return;
    const regime = models.tracker.observe(tMs, midPrice);
    if (regime !== models.current) this.switchRegime(asset, regime);
  }

  /** Quote `asset` with regime `index` from the next decision on. */
  switchRegime(asset: string, index: number): void {
    const models = this.models.get(asset);
    const policy = models?.policies[index];
    if (!models || !policy) return;
    const from = models.current;
    models.current = index;
    for (const p of models.legPolicies) p.swap(policy);
    this.options.metrics.onModel(asset, models.params[index]!);
    const names = models.tracker?.names ?? [];
    this.options.log.info({ asset, from: names[from], to: names[index] }, 'regime switch');
  }

  /** A `params` message from the bus: applied whole, or rejected whole (metrics and a log line). */
  applyParams(message: Message): void {
    if (message.type !== 'params') return;
    const { config, metrics, log } = this.options;
    const result = checkParamsUpdate(message, {
      assets: config.assets,
      positionLimitLots: (a) => positionLimitLotsOf(config, a),
      maxChangeFactor: config.maxParamChangeFactor,
      nowMs: this.options.nowMs(),
    });
    if (!result.ok) {
      // Labels only from configured assets (and the one fixed `other`): a message naming many
      // unknown assets must not add a series for each (issue 12: 100k names, 700k series).
      const labels = new Set(
        message.payload.assets.map((a) => (this.models.has(a.asset) ? a.asset : OTHER_ASSET)),
      );
      for (const asset of labels) metrics.paramUpdates.inc({ asset, result: 'rejected' });
      log.warn(
        { source: message.source, field: result.field, reason: result.reason },
        'parameter update rejected',
      );
      return;
    }
    for (const u of result.assets) {
      const models = this.models.get(u.asset);
      const index = u.regime ?? 0;
      if (models) {
        models.policies[index] = u.policy;
        models.params[index] = u.params;
        if (index === models.current) {
          for (const p of models.legPolicies) p.swap(u.policy);
          metrics.onModel(u.asset, u.params);
        }
      }
      metrics.paramUpdates.inc({ asset: u.asset, result: 'applied' });
      log.info(
        {
          source: message.source,
          asset: u.asset,
          regime: models?.tracker?.names[index],
          params: u.params,
          qMaxLots: u.qMaxLots,
        },
        'parameter update applied',
      );
    }
  }

  /** Set `mm_regime_probability` for every asset whose filter is warmed up. */
  updateRegimeGauges(): void {
    for (const [asset, models] of this.models) {
      if (!models.tracker?.isReady) continue;
      const p = models.tracker.probabilities;
      models.tracker.names.forEach((regime, r) => {
        this.options.metrics.regimeProbability.set({ asset, regime }, p[r] ?? Number.NaN);
      });
    }
  }

  private get(asset: string): AssetModels {
    const models = this.models.get(asset);
    if (!models) throw new Error(`no model for asset '${asset}'`);
    return models;
  }
}
