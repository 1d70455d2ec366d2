import type { AssetConfig, ModelParams } from '@mm/config';
import type { AssetParams, ParamsMessage } from '@mm/contracts';
import type { Policy } from '@mm/hjb-core';
import { policyFromConfig } from './policyFromConfig.js';

/** A parameter update ready to apply: the new model and policy per asset. */
export interface AcceptedUpdate {
  ok: true;
  assets: Array<{
    asset: string;
    /** Index of the regime updated (assets with regime switching), else undefined. */
    regime?: number;
    params: ModelParams;
    qMaxLots: number;
    policy: Policy;
  }>;
}

/** Why an update was refused; `field` names the payload path. */
export interface RejectedUpdate {
  ok: false;
  field: string;
  reason: string;
}

export interface ParamsCheckContext {
  /** The engine's assets as configured (the reference for plausibility bounds). */
  assets: ReadonlyArray<AssetConfig>;
  /** Largest position any asset may hold, lots (an update's qMax may not exceed it). */
  positionLimitLots: (asset: AssetConfig) => number;
  /** Each model parameter may move at most this factor from its configured value. */
  maxChangeFactor: number;
  /** Engine clock, epoch ms. */
  nowMs: number;
}

const MODEL_FIELDS = ['A', 'k', 'sigma', 'gamma'] as const;

/**
 * The engine's checks of a `params` message that already passed the bus schema (finite, within
 * the contract's absolute bounds): not stale (`validUntil` after now), every asset known, each
 * parameter within `maxChangeFactor` of its configured value, `qMax` within the position limit
 * and at least one clip, no `phi` (the GLFT model derives it), and every asset's model solvable.
 * All or nothing: one bad asset rejects the whole update. Pure apart from the solves.
 */
export function checkParamsUpdate(
  message: ParamsMessage,
  ctx: ParamsCheckContext,
): AcceptedUpdate | RejectedUpdate {
  const { payload } = message;
  if (!(payload.validUntil > ctx.nowMs)) {
    return {
      ok: false,
      field: 'payload.validUntil',
      reason: `stale: valid until ${payload.validUntil}, now ${ctx.nowMs}`,
    };
  }
  const seen = new Set<string>();
  const accepted: AcceptedUpdate['assets'] = [];
  for (const [i, update] of payload.assets.entries()) {
    const at = `payload.assets[${i}]`;
    const asset = ctx.assets.find((a) => a.symbol === update.asset);
    if (!asset)
      return { ok: false, field: `${at}.asset`, reason: `unknown asset '${update.asset}'` };
    const regimes = asset.regime?.regimes;
    let regime: number | undefined;
    if (regimes === undefined) {
      if (update.regime !== undefined) {
        return {
          ok: false,
          field: `${at}.regime`,
          reason: `asset '${asset.symbol}' has no regimes`,
        };
      }
    } else {
      regime = regimes.findIndex((r) => r.name === update.regime);
      if (regime < 0) {
        return {
          ok: false,
          field: `${at}.regime`,
          reason: `expected one of ${regimes.map((r) => `'${r.name}'`).join(', ')} (the asset switches regimes)`,
        };
      }
    }
    const key = `${update.asset}/${update.regime ?? ''}`;
    if (seen.has(key)) return { ok: false, field: `${at}.asset`, reason: 'duplicate asset' };
    seen.add(key);
    const reference = regime === undefined ? asset.model : regimes![regime]!.model;
    const bad = implausible(update, reference, ctx.maxChangeFactor);
    if (bad) return { ok: false, field: `${at}.${bad.field}`, reason: bad.reason };
    if (update.phi !== undefined) {
      return {
        ok: false,
        field: `${at}.phi`,
        reason: 'the engine derives phi = gamma sigma^2 / 2 (GLFT); omit it',
      };
    }
    const limit = ctx.positionLimitLots(asset);
    if (update.qMax > limit || update.qMax < asset.quoteSizeLots) {
      return {
        ok: false,
        field: `${at}.qMax`,
        reason: `expected ${asset.quoteSizeLots} <= qMax <= ${limit} (quote size, position limit)`,
      };
    }
    const params: ModelParams = {
      A: update.A,
      k: update.k,
      sigma: update.sigma,
      gamma: update.gamma,
    };
    try {
      const policy = policyFromConfig({ ...asset, qMaxLots: update.qMax }, params);
      accepted.push({
        asset: asset.symbol,
        ...(regime === undefined ? {} : { regime }),
        params,
        qMaxLots: update.qMax,
        policy,
      });
    } catch (e) {
      return { ok: false, field: at, reason: e instanceof Error ? e.message : String(e) };
    }
  }
  return { ok: true, assets: accepted };
}

/** Relative rounding allowed in the change-factor check (decimal inputs are not exact). */
const RATIO_ROUNDING = 1e-12;

function implausible(
  update: AssetParams,
  configured: ModelParams,
  factor: number,
): { field: string; reason: string } | undefined {
  for (const field of MODEL_FIELDS) {
    // Compared by multiplication with a rounding allowance: 0.01 / 0.1 is 0.09999999999999999 in
    // floating point, and an update at exactly 1/10x must pass (10.0001x still fails).
    const slack = 1 + RATIO_ROUNDING;
    const u = update[field];
    const c = configured[field];
    if (!(u <= c * factor * slack && u * factor * slack >= c)) {
      return {
        field,
        reason: `${update[field]} is more than ${factor}x away from the configured ${configured[field]}`,
      };
    }
  }
  return undefined;
}
