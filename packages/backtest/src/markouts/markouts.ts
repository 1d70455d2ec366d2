import { type ConfidenceInterval, DEFAULT_CI_LEVEL } from '../stats/ConfidenceInterval.js';
import { ratioOfMeansBootstrapCi, ratioOfMeansDeltaCi } from '../stats/ratio.js';

/** The markout horizons reported, by label (`1s`, `5s`, `30s`), seconds. */
export const MARKOUT_HORIZONS: readonly { label: string; sec: number }[] = [
  { label: '1s', sec: 1 },
  { label: '5s', sec: 5 },
  { label: '30s', sec: 30 },
];

/** Horizons of the markout curve, seconds. */
export const MARKOUT_CURVE_SEC: readonly number[] = [0, 0.25, 0.5, 1, 2, 5, 10, 20, 30];

/** A fill as markouts need it: time (s), our side, price (price units per unit of base). */
export interface MarkoutFill {
  tSec: number;
  side: 'buy' | 'sell';
  price: number;
}

/**
 * The mid at a time (previous tick) and the end of the data, seconds: a horizon past `endSec`
 * has no markout.
 */
export interface MidSeries {
  midAt(tSec: number): number;
  endSec: number;
}

/** A mid series from recorded arrays (times non-decreasing): the last mid at or before `t`. */
export function midSeriesOf(tSec: ArrayLike<number>, midPrice: ArrayLike<number>): MidSeries {
  const n = tSec.length;
  return {
    endSec: n > 0 ? tSec[n - 1]! : Number.NEGATIVE_INFINITY,
    midAt(t) {
      let lo = 0;
      let hi = n - 1;
      if (n === 0 || t < tSec[0]!) return Number.NaN;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (tSec[mid]! <= t) lo = mid;
        else hi = mid - 1;
      }
      return midPrice[lo]!;
    },
  };
}

/**
 * The markout of a fill at horizon `h`: its P&L against the mid `h` seconds later,
 * `side * (mid(t + h) - price)` with side +1 for a buy, -1 for a sell; quote currency per unit
 * of base. Negative on average: adverse selection. `NaN` when `t + h` is past the data.
 */
export function markout(fill: MarkoutFill, horizonSec: number, mids: MidSeries): number {
  const t = fill.tSec + horizonSec;
  if (t > mids.endSec) return Number.NaN;
  const m = mids.midAt(t);
  return (fill.side === 'buy' ? 1 : -1) * (m - fill.price);
}

/** Mean markout at one horizon with its interval, over the fills that have it. */
export interface MarkoutStat {
  horizonSec: number;
  fills: number;
  /** Quote currency per unit of base. */
  mean: number;
  ci: ConfidenceInterval;
}

/** Markouts of one policy: by label (horizons beyond the data omitted) and the curve. */
export interface MarkoutSummary {
  horizons: Record<string, MarkoutStat>;
  curve: MarkoutStat[];
  /** What a block is in the interval's bootstrap (a path, or a span of time). */
  blocks: number;
  blockedBy: string;
}

/**
 * Accumulates markouts in blocks (paths of a simulation, or time blocks of a replay) and gives
 * the pooled mean per horizon with a block-bootstrap interval (ratio of block sums to block
 * counts, blocks resampled: fills of one block are not independent; the curve's points between
 * the labelled horizons use the delta method on the same block sums). Memory: per block, two
 * numbers per horizon.
 */
export class MarkoutAccumulator {
  private readonly horizons: number[];
  private readonly sums = new Map<number, Float64Array>();
  private readonly counts = new Map<number, Float64Array>();

  constructor(readonly blockedBy: string) {
    this.horizons = [
      ...new Set([...MARKOUT_HORIZONS.map((h) => h.sec), ...MARKOUT_CURVE_SEC]),
    ].sort((a, b) => a - b);
  }

  /** Add a block's fills against its mids (a block may be added to several times). */
  add(block: number, fills: readonly MarkoutFill[], mids: MidSeries): void {
    let s = this.sums.get(block);
    let c = this.counts.get(block);
    if (!s || !c) {
      s = new Float64Array(this.horizons.length);
      c = new Float64Array(this.horizons.length);
      this.sums.set(block, s);
      this.counts.set(block, c);
    }
    for (const f of fills)
      for (let i = 0; i < this.horizons.length; i++) {
        const m = markout(f, this.horizons[i]!, mids);
        if (Number.isFinite(m)) {
          s[i]! += m;
          c[i]!++;
        }
      }
  }

  summary(options: { level?: number; resamples?: number; seed?: number } = {}): MarkoutSummary {
    const blocks = [...this.sums.keys()].sort((a, b) => a - b);
    const labelled = new Set(MARKOUT_HORIZONS.map((h) => h.sec));
    const stat = (sec: number): MarkoutStat | null => {
      const i = this.horizons.indexOf(sec);
      const xs = blocks.map((b) => this.sums.get(b)![i]!);
      const ns = blocks.map((b) => this.counts.get(b)![i]!);
      const fills = ns.reduce((a, b) => a + b, 0);
      if (fills === 0) return null;
      const level = options.level ?? DEFAULT_CI_LEVEL;
      // the labelled horizons: block bootstrap; the curve's other points: the delta method on
      // the same block sums (O(blocks) instead of O(resamples x blocks))
      const ci = labelled.has(sec)
        ? ratioOfMeansBootstrapCi(xs, ns, {
            paired: true,
            level,
            ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
            seed: options.seed ?? 1,
          })
        : ratioOfMeansDeltaCi(xs, ns, { paired: true, level });
      return { horizonSec: sec, fills, mean: ci.estimate, ci };
    };
    const horizons: Record<string, MarkoutStat> = {};
    for (const h of MARKOUT_HORIZONS) {
      const s = stat(h.sec);
      if (s) horizons[h.label] = s;
    }
    const curve = MARKOUT_CURVE_SEC.map(stat).filter((s): s is MarkoutStat => s !== null);
    return { horizons, curve, blocks: blocks.length, blockedBy: this.blockedBy };
  }
}
