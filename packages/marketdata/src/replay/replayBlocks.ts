import { maxDrawdown, type PathResult, pathResultFromSeries } from '@mm/backtest';
import type { ReplayPath } from '@mm/simulator';

/** A fill as blocks need it: time (s) and role. */
interface BlockFill {
  tSec: number;
  role: 'maker' | 'taker';
  lots: number;
}

/**
 * Cut one replay into consecutive blocks of `blockSec` from `startSec` and score each as a path:
 * P&L and objective over the block (P&L relative to the block's start; inventory carried over
 * from the previous block), inventory, maker fills and taker lots in the block. The blocks of a
 * replay are the units of its bootstrap intervals (fills within one block are not independent).
 * `path` must be recorded finely (e.g. every 0.1 s). A last block shorter than half a block is
 * left out. Also each block's maximum drawdown of its P&L, quote currency.
 */
export function replayBlocks(
  path: ReplayPath,
  fills: readonly BlockFill[],
  startSec: number,
  endSec: number,
  blockSec: number,
  phiPerLot2Sec: number,
): { results: PathResult[]; maxDrawdowns: number[] } {
  const out: PathResult[] = [];
  const maxDrawdowns: number[] = [];
  const n = path.tSec.length;
  let i = 0;
  let f = 0;
  let pnlBefore = 0;
  let qBefore = 0;
  for (let b = 0; startSec + b * blockSec < endSec; b++) {
    const t0 = startSec + b * blockSec;
    const t1 = Math.min(endSec, t0 + blockSec);
    if (t1 - t0 < 0.5 * blockSec) break;
    const tSec = [t0];
    const q = [qBefore];
    const pnl = [0];
    while (i < n && path.tSec[i]! < t1) {
      if (path.tSec[i]! >= t0) {
        tSec.push(path.tSec[i]!);
        q.push(path.inventoryLots[i]!);
        pnl.push(path.pnlQuote[i]! - pnlBefore);
      }
      i++;
    }
    let makerFills = 0;
    let takerLots = 0;
    while (f < fills.length && fills[f]!.tSec < t1) {
      const x = fills[f++]!;
      if (x.tSec < t0) continue;
      if (x.role === 'maker') makerFills++;
      else takerLots += x.lots;
    }
    out.push(
      pathResultFromSeries(
        { tSec, inventoryLots: q, pnl, fills: makerFills, takerVolume: takerLots },
        phiPerLot2Sec,
      ),
    );
    maxDrawdowns.push(maxDrawdown(pnl));
    pnlBefore += pnl[pnl.length - 1]!;
    qBefore = q[q.length - 1]!;
  }
  return { results: out, maxDrawdowns };
}
