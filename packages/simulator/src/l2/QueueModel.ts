import type { Rng } from '../rng/Rng.js';

/** Where our order stands in a price level's FIFO queue, base units. */
export interface QueuePosition {
  /** Quantity ahead of us; `Infinity` while the level is beyond the shown depth. */
  frontQty: number;
  /** Traded at our price since the last book update (not to be counted again as cancels). */
  cumTradeQty: number;
}

/**
 * How our queue position moves (hftbacktest's `QueueModel`): trades at our price consume the
 * queue ahead first; a decrease of the level's displayed size that trades do not explain is a
 * cancel, which may have come from ahead of us or from behind.
 */
export interface QueueModel {
  readonly name: string;
  /** Join the back of a level showing `levelQty` base units (`NaN`: not shown). */
  join(levelQty: number): QueuePosition;
  /** A trade of `qty` at our price. */
  onTrade(pos: QueuePosition, qty: number): void;
  /** The level's displayed size went from `prevQty` to `newQty` (both known). */
  onDepthChange(pos: QueuePosition, prevQty: number, newQty: number, rng: Rng): void;
}

function join(levelQty: number): QueuePosition {
  return { frontQty: Number.isNaN(levelQty) ? Number.POSITIVE_INFINITY : levelQty, cumTradeQty: 0 };
}

function onTrade(pos: QueuePosition, qty: number): void {
  pos.frontQty -= qty;
  pos.cumTradeQty += qty;
}

/** hftbacktest's `RiskAdverseQueueModel`: only trades advance us; cancels never do. */
export function riskAverseQueue(): QueueModel {
  return {
    name: 'risk-averse',
    join,
    onTrade,
    onDepthChange(pos: QueuePosition, _prevQty: number, newQty: number): void {
      pos.cumTradeQty = 0;
      if (pos.frontQty > newQty) pos.frontQty = newQty;
    },
  };
}

/**
 * Probability that a cancel of the level came from behind our order, given the quantity ahead
 * (`front`) and behind (`back`), base units.
 */
export type CancelBehindProbability = (front: number, back: number) => number;

/** hftbacktest's `PowerProbQueueFunc`: `back^n / (back^n + front^n)` (larger n: cancels from the bigger side). */
export function powerProbability(n: number): CancelBehindProbability {
  if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`n must be finite and > 0, got ${n}`);
  return (front, back) => {
    const b = back ** n;
    const f = front ** n;
    return b + f > 0 ? b / (b + f) : 0.5;
  };
}

/** hftbacktest's `LogProbQueueFunc`: `ln(1 + back) / (ln(1 + back) + ln(1 + front))`. */
export function logProbability(): CancelBehindProbability {
  return (front, back) => {
    const b = Math.log1p(back);
    const f = Math.log1p(front);
    return b + f > 0 ? b / (b + f) : 0.5;
  };
}

/** Options of the probabilistic queue model. */
export interface ProbQueueOptions {
  /** Default `powerProbability(3)`. */
  probability?: CancelBehindProbability;
  /**
   * `false` (default): hftbacktest's expected update, the cancel split between ahead and behind
   * by `p`; `true`: draw whether the cancel came from behind (probability `p`) or ahead.
   */
  sampled?: boolean;
}

/**
 * hftbacktest's `ProbQueueModel`: a size decrease `c` not explained by trades is a cancel; with
 * `front` ahead, `back = prev - front` behind and `p = P(cancel behind)`, the expected update is
 * `front' = front - (1 - p) c + min(back - p c, 0)`, clamped to `[0, newQty]`. A size increase
 * joins behind us (only a shrinking level can pull `front` down to its size).
 */
export function probQueue(options: ProbQueueOptions = {}): QueueModel {
  const prob = options.probability ?? powerProbability(3);
  const sampled = options.sampled ?? false;
  return {
    name: sampled ? 'prob-sampled' : 'prob',
    join,
    onTrade,
    onDepthChange(pos: QueuePosition, prevQty: number, newQty: number, rng: Rng): void {
      const cancelled = prevQty - newQty - pos.cumTradeQty;
      pos.cumTradeQty = 0;
      let front = pos.frontQty;
      if (cancelled > 0 && front > 0 && Number.isFinite(front)) {
        const back = Math.max(0, prevQty - front);
        let p = prob(front, back);
        if (!(p >= 0)) p = 1;
        if (sampled) {
          const u = rng.uniform();
          if (u >= p)
            front -= cancelled; // from ahead (any excess came from behind)
          else front += Math.min(back - cancelled, 0); // from behind (any excess came from ahead)
        } else front = front - (1 - p) * cancelled + Math.min(back - p * cancelled, 0);
      }
      if (front > newQty) front = newQty;
      pos.frontQty = Math.max(front, 0);
    },
  };
}
