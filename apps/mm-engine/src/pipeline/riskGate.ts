import type { AssetState } from '../model/assetState.js';
import { NO_QUOTES, type QuoteIntent } from '../model/quote.js';

/** The limits the gate enforces for one asset. */
export interface RiskLimits {
  /** Largest absolute inventory of this asset, lots. */
  positionLimitLots: number;
  /** Largest gross portfolio notional, quote currency. */
  portfolioNotionalLimit: number;
  /** Quotes are pulled when the last valid book is this old, milliseconds. */
  staleDataTimeoutMs: number;
  /** Largest mid jump per update, and largest quote distance from the mid, basis points. */
  priceBandBps: number;
}

/** Why a side (or both) was pulled. */
export type PullReason =
  | 'killSwitch'
  | 'notReady'
  | 'invalidBook'
  | 'staleData'
  | 'priceJump'
  | 'crossedIntent'
  | 'nonFiniteIntent'
  | 'outsideBand'
  | 'positionLimit'
  | 'portfolioNotional';

export interface RiskGateInput {
  intent: QuoteIntent;
  state: AssetState;
  /** Portfolio inventory of this asset, lots. */
  inventoryLots: number;
  /** Gross notional of the whole portfolio now, quote currency. */
  portfolioNotional: number;
  /** Base amount of one lot of this asset. */
  lotSizeBase: number;
  limits: RiskLimits;
  /** Engine clock, milliseconds (same clock as `state.lastUpdateMs`). */
  nowMs: number;
  killSwitch: boolean;
}

/** The allowed quotes (a pulled side is `null`) and every reason a side was pulled. */
export interface RiskDecision {
  intent: QuoteIntent;
  reasons: PullReason[];
}

const pullAll = (reason: PullReason): RiskDecision => ({ intent: NO_QUOTES, reasons: [reason] });

/**
 * The pure risk gate. Whole-asset checks first (kill switch, readiness, book validity, stale data,
 * mid jump, crossed or non-finite intent), then per-side checks: a side is pulled when its fill
 * would take inventory beyond the position limit, or add gross notional beyond the portfolio limit,
 * or when its price is further from the mid than the price band.
 */
export function riskGate(input: RiskGateInput): RiskDecision {
  const { intent, state, limits } = input;
  if (input.killSwitch) return pullAll('killSwitch');
  if (state.invalid !== null) return pullAll('invalidBook');
  if (!state.ready) return pullAll('notReady');
  if (!(input.nowMs - state.lastUpdateMs < limits.staleDataTimeoutMs)) return pullAll('staleData');
  if (state.midJumpBps > limits.priceBandBps) return pullAll('priceJump');
  const { bid, ask } = intent;
  for (const q of [bid, ask]) {
    if (q && !(Number.isFinite(q.price) && Number.isFinite(q.sizeLots) && q.price > 0)) {
      return pullAll('nonFiniteIntent');
    }
  }
  if (bid && ask && bid.price >= ask.price) return pullAll('crossedIntent');

  const reasons: PullReason[] = [];
  const pull = (reason: PullReason) => {
    if (!reasons.includes(reason)) reasons.push(reason);
  };
  const q = input.inventoryLots;
  const mid = state.midPrice;
  const lotNotional = Math.abs(input.lotSizeBase * mid);
  const sideAllowed = (side: 'bid' | 'ask', price: number, sizeLots: number): boolean => {
    const after = side === 'bid' ? q + sizeLots : q - sizeLots;
    if (Math.abs(after) > limits.positionLimitLots && Math.abs(after) >= Math.abs(q)) {
      pull('positionLimit');
      return false;
    }
    const addsRisk = Math.abs(after) > Math.abs(q);
    if (
      addsRisk &&
      input.portfolioNotional + sizeLots * lotNotional > limits.portfolioNotionalLimit
    ) {
      pull('portfolioNotional');
      return false;
    }
    if ((Math.abs(price - mid) / mid) * 1e4 > limits.priceBandBps) {
      pull('outsideBand');
      return false;
    }
    return true;
  };
  return {
    intent: {
      bid: bid && sideAllowed('bid', bid.price, bid.sizeLots) ? bid : null,
      ask: ask && sideAllowed('ask', ask.price, ask.sizeLots) ? ask : null,
    },
    reasons,
  };
}
