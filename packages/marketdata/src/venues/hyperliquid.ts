import type { PriceLevel } from '@mm/simulator';
import type { EventOutput } from '../import/EventOutput.js';
import type { ImportCounters } from '../import/ImportSummary.js';
import { arr, LineError, num, obj, recorderLine } from './fields.js';
import type { VenueDecoder } from './VenueDecoder.js';

/** Trade ids remembered to drop repeats (Hyperliquid resends trades on resubscribe). */
const MAX_REMEMBERED_TIDS = 100_000;

/**
 * Hyperliquid websocket `l2Book` (a full snapshot of the shown levels each message) and
 * `trades`. Sequencing: a book whose venue `time` is older than the last applied one is out of
 * order (dropped); trades older than the first book (the replay the venue sends on subscribe)
 * are skipped as `staleTrades`, repeated trade ids as `duplicateTrades`. Side `B`: the
 * aggressor bought; `A`: sold.
 */
export function hyperliquidDecoder(
  levels: number,
  out: EventOutput,
  counters: ImportCounters,
): VenueDecoder {
  let lastBookMs = Number.NEGATIVE_INFINITY;
  let firstBookMs: number | null = null;
  const tids = new Set<number | string>();

  const side = (v: unknown, field: string): PriceLevel[] => {
    const raw = arr(v, field);
    const n = Math.min(raw.length, levels);
    const outLevels: PriceLevel[] = [];
    for (let i = 0; i < n; i++) {
      const l = obj(raw[i], `${field}[${i}]`);
      outLevels.push([num(l.px, `${field}[${i}].px`), num(l.sz, `${field}[${i}].sz`)]);
    }
    return outLevels;
  };

  const onBook = (d: Record<string, unknown>, tSec: number): void => {
    const timeMs = num(d.time, 'data.time');
    const lv = arr(d.levels, 'data.levels');
    if (lv.length !== 2) throw new LineError('data.levels must be [bids, asks]');
    if (timeMs < lastBookMs) {
      counters.outOfOrder++;
      return;
    }
    lastBookMs = timeMs;
    firstBookMs ??= timeMs;
    out.book({
      t: tSec,
      type: 'book',
      bids: side(lv[0], 'data.levels[0]'),
      asks: side(lv[1], 'data.levels[1]'),
    });
  };

  const onTrades = (list: unknown[], tSec: number): void => {
    for (let i = 0; i < list.length; i++) {
      const tr = obj(list[i], `data[${i}]`);
      const px = num(tr.px, `data[${i}].px`);
      const sz = num(tr.sz, `data[${i}].sz`);
      const timeMs = num(tr.time, `data[${i}].time`);
      if (tr.side !== 'B' && tr.side !== 'A')
        throw new LineError(`data[${i}].side must be "B" or "A", got ${JSON.stringify(tr.side)}`);
      if (!(sz > 0)) throw new LineError(`data[${i}].sz must be > 0`);
      const tid = tr.tid;
      if (typeof tid === 'number' || typeof tid === 'string') {
        if (tids.has(tid)) {
          counters.skip('duplicateTrades');
          continue;
        }
        tids.add(tid);
        if (tids.size > MAX_REMEMBERED_TIDS) tids.delete(tids.values().next().value!);
      }
      if (firstBookMs === null) {
        counters.skip('beforeBook');
        continue;
      }
      if (timeMs < firstBookMs) {
        counters.skip('staleTrades');
        continue;
      }
      out.trade(tSec, px, sz, tr.side === 'B' ? 'buy' : 'sell');
    }
  };

  return {
    line(text) {
      if (text.trim() === '') return;
      const { tSec, json } = recorderLine(text);
      const m = obj(json, 'message');
      if (m.channel === 'l2Book') return onBook(obj(m.data, 'data'), tSec);
      if (m.channel === 'trades') return onTrades(arr(m.data, 'data'), tSec);
      counters.skip(`unknown:${typeof m.channel === 'string' ? m.channel : 'message'}`);
    },
    end() {
      if (firstBookMs === null) throw new LineError('no l2Book message in the input');
    },
  };
}
