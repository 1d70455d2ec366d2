import type { AssetState, InvalidReason } from '../model/assetState.js';
import type { BookEvent, BookLevel } from '../model/book.js';

export interface StateReducerOptions {
  /** Levels per side counted in the imbalance (default 5). */
  topLevels?: number;
  /** Time constant of the drift EWMA, seconds (default 30). */
  driftTauSec?: number;
  /** Time constant of the volatility EWMA, seconds (default 60). */
  volTauSec?: number;
  /** Valid books before `ready` (default 1). */
  warmupUpdates?: number;
}

export const initialAssetState: AssetState = Object.freeze({
  midPrice: Number.NaN,
  marketSpreadPrice: Number.NaN,
  bestBid: Number.NaN,
  bestAsk: Number.NaN,
  imbalance: 0.5,
  driftPerSec: 0,
  midJumpBps: 0,
  volPerSqrtSec: Number.NaN,
  varianceNum: 0,
  varianceMass: 0,
  lastUpdateMs: Number.NaN,
  validUpdates: 0,
  ready: false,
  invalid: null,
});

function levelsFinite(levels: ReadonlyArray<BookLevel>): boolean {
  return levels.every(
    ([px, sz]) => Number.isFinite(px) && Number.isFinite(sz) && px > 0 && sz >= 0,
  );
}

/**
 * Total size of the `n` best levels. Venue books arrive best first; that is checked in one pass,
 * and only an unsorted side is copied and sorted.
 */
function topSize(levels: ReadonlyArray<BookLevel>, n: number, sign: 1 | -1): number {
  let sorted = true;
  for (let i = 1; i < levels.length; i++) {
    if (sign * (levels[i]![0] - levels[i - 1]![0]) > 0) {
      sorted = false;
      break;
    }
  }
  const ordered = sorted ? levels : [...levels].sort((a, b) => sign * (b[0] - a[0]));
  let sum = 0;
  for (let i = 0; i < Math.min(n, ordered.length); i++) sum += ordered[i]![1];
  return sum;
}

/** Highest (`sign` 1) or lowest (`sign` -1) price of a side. */
function bestPrice(levels: ReadonlyArray<BookLevel>, sign: 1 | -1): number {
  let best = levels[0]![0];
  for (let i = 1; i < levels.length; i++) {
    const p = levels[i]![0];
    if (sign * (p - best) > 0) best = p;
  }
  return best;
}

const rejected = (state: AssetState, invalid: InvalidReason): AssetState => ({
  ...state,
  invalid,
  ready: false,
});

/**
 * Build the pure reducer `(state, book) -> state`. Invalid books never throw: they keep the last
 * valid values and set `invalid` (and `ready: false`). The drift EWMA handles irregular spacing:
 * an update after `dt` seconds weighs the instantaneous drift by `1 - exp(-dt / tau)`.
 */
export function makeStateReducer(
  options: StateReducerOptions = {},
): (state: AssetState, event: BookEvent) => AssetState {
  const topLevels = options.topLevels ?? 5;
  const tauSec = options.driftTauSec ?? 30;
  const volTauSec = options.volTauSec ?? 60;
  const warmup = options.warmupUpdates ?? 1;
  return (state, event) => {
    if (!Number.isFinite(event.tMs)) return rejected(state, 'nonFinite');
    if (!levelsFinite(event.bids) || !levelsFinite(event.asks)) return rejected(state, 'nonFinite');
    if (event.bids.length === 0 || event.asks.length === 0) return rejected(state, 'emptySide');
    if (state.validUpdates > 0 && event.tMs < state.lastUpdateMs) {
      return rejected(state, 'timeWentBack');
    }
    const bestBid = bestPrice(event.bids, 1);
    const bestAsk = bestPrice(event.asks, -1);
    if (bestBid >= bestAsk) return rejected(state, 'crossed');

    const mid = (bestBid + bestAsk) / 2;
    const vBid = topSize(event.bids, topLevels, 1);
    const vAsk = topSize(event.asks, topLevels, -1);
    const imbalance = vBid + vAsk > 0 ? vBid / (vBid + vAsk) : 0.5;

    let drift = state.driftPerSec;
    let jumpBps = 0;
    let { varianceNum, varianceMass } = state;
    if (state.validUpdates > 0) {
      const dtSec = (event.tMs - state.lastUpdateMs) / 1000;
      const dMid = mid - state.midPrice;
      jumpBps = (Math.abs(dMid) / state.midPrice) * 1e4;
      if (dtSec > 0) {
        const weight = 1 - Math.exp(-dtSec / tauSec);
        drift += weight * (dMid / dtSec - drift);
        const volWeight = 1 - Math.exp(-dtSec / volTauSec);
        varianceNum += volWeight * ((dMid * dMid) / dtSec - varianceNum);
        varianceMass += volWeight * (1 - varianceMass);
      }
    }
    const validUpdates = state.validUpdates + 1;
    return {
      midPrice: mid,
      marketSpreadPrice: bestAsk - bestBid,
      bestBid,
      bestAsk,
      imbalance,
      driftPerSec: drift,
      midJumpBps: jumpBps,
      volPerSqrtSec: varianceMass > 0 ? Math.sqrt(varianceNum / varianceMass) : Number.NaN,
      varianceNum,
      varianceMass,
      lastUpdateMs: event.tMs,
      validUpdates,
      ready: validUpdates >= warmup,
      invalid: null,
    };
  };
}

/** The reducer with default options. */
export const reduceBook = makeStateReducer();
