import { avellanedaStoikovQuote, type Control, type Policy } from '@mm/hjb-core';

/** Anything that decides like an `@mm/hjb-core` `Policy` (the simulator needs only `decide`). */
export type DecidingPolicy = Pick<Policy, 'decide'>;

/** A control quoting at the given distances (price units; `NaN` = no quote), never taking. */
export function quoteControl(
  bidDeltaPrice: number,
  askDeltaPrice: number,
  midPrice: number,
): Control {
  return {
    bidDeltaPrice,
    askDeltaPrice,
    bidDeltaBps: (bidDeltaPrice * 1e4) / midPrice,
    askDeltaBps: (askDeltaPrice * 1e4) / midPrice,
    take: null,
    takerBuyRatePerSec: 0,
    takerSellRatePerSec: 0,
  };
}

/** A constant symmetric quote: bid and ask `halfSpreadPrice` (price units) from the mid. */
export function symmetricPolicy(halfSpreadPrice: number): DecidingPolicy {
  if (!(halfSpreadPrice >= 0) || !Number.isFinite(halfSpreadPrice))
    throw new RangeError(`halfSpreadPrice must be finite and >= 0, got ${halfSpreadPrice}`);
  return { decide: (s) => quoteControl(halfSpreadPrice, halfSpreadPrice, s.midPrice) };
}

/** Parameters of the Avellaneda-Stoikov (2008) strategies (price units, seconds). */
export interface AvellanedaStoikovPolicyParams {
  sigmaPerSqrtSec: number;
  /** Risk aversion, per (price unit x lot). */
  gamma: number;
  kPerPrice: number;
  horizonSec: number;
}

/**
 * Avellaneda-Stoikov (2008, section 4): `inventory` quotes the closed form around the
 * reservation price (time-dependent); `symmetric` quotes the same spread around the mid.
 */
export function avellanedaStoikovPolicy(
  params: AvellanedaStoikovPolicyParams,
  strategy: 'inventory' | 'symmetric' = 'inventory',
): DecidingPolicy {
  return {
    decide(s) {
      const t = Math.min(Math.max(s.tSec, 0), params.horizonSec);
      const q = avellanedaStoikovQuote({ ...params, midPrice: s.midPrice }, s.inventoryLots, t);
      return strategy === 'inventory'
        ? quoteControl(q.bidDeltaPrice, q.askDeltaPrice, s.midPrice)
        : quoteControl(q.spreadPrice / 2, q.spreadPrice / 2, s.midPrice);
    },
  };
}

/**
 * The time average of the Avellaneda-Stoikov half spread over `[0, T]`:
 * `gamma sigma^2 T / 4 + ln(1 + gamma/k) / gamma`, price units (a constant symmetric quote with
 * the inventory strategy's mean spread).
 */
export function avellanedaStoikovMeanHalfSpread(params: AvellanedaStoikovPolicyParams): number {
  const { sigmaPerSqrtSec: s, gamma, kPerPrice, horizonSec } = params;
  return (gamma * s * s * horizonSec) / 4 + Math.log1p(gamma / kPerPrice) / gamma;
}

/**
 * Enforce a position limit around any policy: no bid at `q >= qMaxLots`, no ask at
 * `q <= -qMaxLots`, and no taker trade that would take |q| beyond it.
 */
export function withInventoryLimit(policy: DecidingPolicy, qMaxLots: number): DecidingPolicy {
  return {
    decide(s) {
      const c = policy.decide(s);
      const q = s.inventoryLots;
      const noBid = q >= qMaxLots;
      const noAsk = q <= -qMaxLots;
      if (!noBid && !noAsk) return c;
      return {
        ...c,
        ...(noBid
          ? { bidDeltaPrice: Number.NaN, bidDeltaBps: Number.NaN, takerBuyRatePerSec: 0 }
          : {}),
        ...(noAsk
          ? { askDeltaPrice: Number.NaN, askDeltaBps: Number.NaN, takerSellRatePerSec: 0 }
          : {}),
        take: (noBid && c.take === 'buy') || (noAsk && c.take === 'sell') ? null : c.take,
      };
    },
  };
}
