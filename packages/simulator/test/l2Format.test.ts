import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkL2Event,
  formatL2Event,
  type L2Event,
  L2FormatError,
  parseL2Line,
} from '../src/index.js';
import { parseCanonicalL2 } from '../src/l2/fastParse.js';

const level = fc.tuple(
  fc.double({ min: 1, max: 1e5, noNaN: true }),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
);
const side = (descending: boolean) =>
  fc.array(level, { maxLength: 8 }).map((ls) => {
    const byPrice = new Map(ls.map(([p, s]) => [p, s] as const));
    const sorted = [...byPrice.entries()].sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
    return sorted.map(([p, s]) => [p, s] as const);
  });
const event: fc.Arbitrary<L2Event> = fc.oneof(
  fc.record({
    t: fc.double({ min: 0, max: 1e6, noNaN: true }),
    type: fc.constant('book' as const),
    bids: side(true),
    asks: side(false),
  }),
  fc.record({
    t: fc.double({ min: 0, max: 1e6, noNaN: true }),
    type: fc.constant('trade' as const),
    px: fc.double({ min: 1, max: 1e5, noNaN: true }),
    sz: fc.double({ min: 1e-9, max: 1e6, noNaN: true }),
    side: fc.constantFrom('buy' as const, 'sell' as const),
  }),
);

describe('L2 JSON-lines format', () => {
  it('format then parse is the identity (numbers round-trip exactly)', () => {
    fc.assert(
      fc.property(event, (e) => {
        const line = formatL2Event(e);
        expect(line).not.toContain('\n');
        expect(parseL2Line(line)).toEqual(e);
        expect(JSON.parse(line)).toEqual(e);
      }),
    );
  });

  it('the fast path for canonical lines reads exactly what JSON.parse reads, any double', () => {
    const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(anyDouble, anyDouble, anyDouble, anyDouble, (t, a, b, c) => {
        const trade = formatL2Event({ t, type: 'trade', px: a, sz: b, side: 'sell' });
        expect(parseCanonicalL2(trade)).toEqual(JSON.parse(trade));
        const book = formatL2Event({
          t,
          type: 'book',
          bids: [[a, b]],
          asks: [
            [c, t],
            [a, c],
          ],
        });
        expect(parseCanonicalL2(book)).toEqual(JSON.parse(book));
      }),
    );
    for (const x of [
      '0.1',
      '99.99',
      '100.01',
      '-0',
      '1e-7',
      '123456789012345678',
      '0.30000000000000004',
      '5e+300',
    ])
      expect(parseCanonicalL2(`{"t":${x},"type":"trade","px":1,"sz":1,"side":"buy"}`)!.t).toBe(
        JSON.parse(x),
      );
  });

  it('anything not canonical (spaces, key order, leading zeros) goes through JSON.parse', () => {
    expect(parseCanonicalL2('{"t": 1,"type":"trade","px":1,"sz":1,"side":"buy"}')).toBeNull();
    expect(parseCanonicalL2('{"type":"trade","t":1,"px":1,"sz":1,"side":"buy"}')).toBeNull();
    expect(parseCanonicalL2('{"t":01,"type":"trade","px":1,"sz":1,"side":"buy"}')).toBeNull();
    expect(parseCanonicalL2('{"t":1,"type":"trade","px":1,"sz":1,"side":"buy"} ')).toBeNull();
    expect(parseL2Line('{ "type": "trade", "t": 1, "px": 2, "sz": 3, "side": "buy" }')).toEqual({
      t: 1,
      type: 'trade',
      px: 2,
      sz: 3,
      side: 'buy',
    });
    expect(() => parseL2Line('{"t":01,"type":"trade","px":1,"sz":1,"side":"buy"}')).toThrow(
      /not JSON/,
    );
  });

  it('reads the documented examples', () => {
    expect(
      parseL2Line(
        '{"t":12.5,"type":"book","bids":[[99.99,3.2],[99.98,5]],"asks":[[100.01,1.5],[100.02,4]]}',
      ),
    ).toEqual({
      t: 12.5,
      type: 'book',
      bids: [
        [99.99, 3.2],
        [99.98, 5],
      ],
      asks: [
        [100.01, 1.5],
        [100.02, 4],
      ],
    });
    expect(parseL2Line('{"t":12.73,"type":"trade","px":99.99,"sz":0.4,"side":"sell"}')).toEqual({
      t: 12.73,
      type: 'trade',
      px: 99.99,
      sz: 0.4,
      side: 'sell',
    });
  });

  it.each([
    ['not json', /line 7: not JSON/],
    ['[1,2]', /JSON object/],
    ['{"type":"book","bids":[],"asks":[]}', /line 7: t must be/],
    ['{"t":1,"type":"quote"}', /type must be "book" or "trade"/],
    ['{"t":1,"type":"book","bids":[[1,2]]}', /asks must be an array/],
    [
      '{"t":1,"type":"book","bids":[[1,2],[2,1]],"asks":[]}',
      /bids\[1\]\[0\] must be below bids\[0\]\[0\]/,
    ],
    ['{"t":1,"type":"book","bids":[],"asks":[[2,1],[1,1]]}', /asks\[1\]\[0\] must be above/],
    ['{"t":1,"type":"book","bids":[[1,-2]],"asks":[]}', /bids\[0\]\[1\] \(size\)/],
    ['{"t":1,"type":"book","bids":[[1]],"asks":[]}', /bids\[0\] must be \[price, size\]/],
    ['{"t":1,"type":"trade","px":1,"sz":0,"side":"buy"}', /sz must be/],
    ['{"t":1,"type":"trade","px":"1","sz":1,"side":"buy"}', /px must be/],
    ['{"t":1,"type":"trade","px":1,"sz":1,"side":"bid"}', /side must be "buy" or "sell"/],
  ])('rejects %s, naming the line and field', (line, message) => {
    expect(() => parseL2Line(line, 7)).toThrow(message);
    try {
      parseL2Line(line, 7);
    } catch (err) {
      expect(err).toBeInstanceOf(L2FormatError);
      expect((err as L2FormatError).name).toBe('L2FormatError');
      expect((err as L2FormatError).lineNumber).toBe(7);
    }
  });

  it('checkL2Event validates already-parsed values', () => {
    expect(() => checkL2Event({ t: Number.NaN, type: 'trade', px: 1, sz: 1, side: 'buy' })).toThrow(
      /t must be/,
    );
  });
});
