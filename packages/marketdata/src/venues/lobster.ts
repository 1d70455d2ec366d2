import type { PriceLevel } from '@mm/simulator';
import type { EventOutput } from '../import/EventOutput.js';
import { splitCsv } from './csv.js';
import { LineError, num } from './fields.js';

/**
 * LOBSTER (https://lobsterdata.com/info/DataStructure.php): a message file
 * (`Time,Type,OrderID,Size,Price,Direction`: time in seconds after midnight, price in units of
 * 1e-4 currency, direction 1 for a buy limit order, -1 for a sell) and an orderbook file whose row
 * k is the book after message k (`AskPrice1,AskSize1,BidPrice1,BidSize1,...`; empty levels hold
 * the dummy prices +-9999999999 with size 0). Each row gives a book event; an execution of a
 * visible (type 4) or hidden (type 5) limit order also gives a trade, written before the book,
 * aggressor opposite to the limit order's direction. Event time: seconds after midnight of the
 * trading day (exchange local time), as in the file.
 */
export interface LobsterDecoder {
  row(message: string, orderbook: string): void;
  end(): void;
}

const PRICE_SCALE = 10_000;
const DUMMY_PRICE = 9_999_999_999;

export function lobsterDecoder(levels: number, out: EventOutput): LobsterDecoder {
  let rows = 0;
  const side = (f: string[], offset: number, field: string): PriceLevel[] => {
    const list: PriceLevel[] = [];
    for (let i = 0; 4 * i + offset + 1 < f.length && list.length < levels; i++) {
      const px = num(f[4 * i + offset], `${field}Price${i + 1}`);
      const sz = num(f[4 * i + offset + 1], `${field}Size${i + 1}`);
      if (sz <= 0 || Math.abs(px) >= DUMMY_PRICE) continue;
      list.push([px / PRICE_SCALE, sz]);
    }
    return list;
  };
  return {
    row(message, orderbook) {
      const m = splitCsv(message);
      if (m.length < 6)
        throw new LineError(
          `message row needs 6 columns (Time,Type,OrderID,Size,Price,Direction), got ${m.length}`,
        );
      const tSec = num(m[0], 'Time');
      const type = num(m[1], 'Type');
      const b = splitCsv(orderbook);
      if (b.length < 4 || b.length % 4 !== 0)
        throw new LineError(`orderbook row needs 4 columns per level, got ${b.length}`);
      rows++;
      if (type === 4 || type === 5) {
        const size = num(m[3], 'Size');
        const px = num(m[4], 'Price') / PRICE_SCALE;
        const dir = num(m[5], 'Direction');
        if (dir !== 1 && dir !== -1) throw new LineError(`Direction must be 1 or -1, got ${dir}`);
        if (size > 0) out.trade(tSec, px, size, dir === 1 ? 'sell' : 'buy');
      }
      out.book({ t: tSec, type: 'book', bids: side(b, 2, 'Bid'), asks: side(b, 0, 'Ask') });
    },
    end() {
      if (rows === 0) throw new LineError('no rows');
    },
  };
}
