import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_LIVE_QUOTES } from '../src/model/liveQuotes.js';
import type { QuoteIntent } from '../src/model/quote.js';
import { diffQuotes, ticksToPrice } from '../src/pipeline/orderDiff.js';

const desired: QuoteIntent = {
  bid: { price: 99.57, sizeLots: 2.4 },
  ask: { price: 100.43, sizeLots: 2 },
};

describe('order diff', () => {
  it('places both sides with tick/lot rounding away from the mid', () => {
    const r = diffQuotes({
      asset: 'BTC',
      desired,
      live: NO_LIVE_QUOTES,
      tickSize: 0.1,
      toleranceTicks: 0,
      nextSeq: 0,
    });
    expect(r.actions).toEqual([
      {
        kind: 'place',
        asset: 'BTC',
        side: 'bid',
        clientOrderId: 'BTC-bid-0',
        price: 99.5,
        sizeLots: 2,
      },
      {
        kind: 'place',
        asset: 'BTC',
        side: 'ask',
        clientOrderId: 'BTC-ask-1',
        price: 100.5,
        sizeLots: 2,
      },
    ]);
    expect(r.nextSeq).toBe(2);
  });

  it('does nothing within the tolerance, replaces beyond it, cancels a dropped side', () => {
    const first = diffQuotes({
      asset: 'X',
      desired,
      live: NO_LIVE_QUOTES,
      tickSize: 0.1,
      toleranceTicks: 1,
      nextSeq: 0,
    });
    const moved: QuoteIntent = {
      bid: { price: 99.61, sizeLots: 2 },
      ask: { price: 100.43, sizeLots: 2 },
    };
    const same = diffQuotes({
      asset: 'X',
      desired: moved,
      live: first.live,
      tickSize: 0.1,
      toleranceTicks: 1,
      nextSeq: first.nextSeq,
    });
    expect(same.actions).toEqual([]);
    const far: QuoteIntent = { bid: { price: 99.8, sizeLots: 2 }, ask: null };
    const r = diffQuotes({
      asset: 'X',
      desired: far,
      live: first.live,
      tickSize: 0.1,
      toleranceTicks: 1,
      nextSeq: 2,
    });
    expect(r.actions).toEqual([
      {
        kind: 'replace',
        asset: 'X',
        side: 'bid',
        clientOrderId: 'X-bid-2',
        replacesClientOrderId: 'X-bid-0',
        price: 99.8,
        sizeLots: 2,
      },
      { kind: 'cancel', asset: 'X', side: 'ask', clientOrderId: 'X-ask-1' },
    ]);
    expect(r.live).toEqual({
      bid: { clientOrderId: 'X-bid-2', priceTicks: 998, price: 99.8, sizeLots: 2 },
      ask: null,
    });
  });

  it('cancels a side that rounds to zero lots', () => {
    const first = diffQuotes({
      asset: 'X',
      desired,
      live: NO_LIVE_QUOTES,
      tickSize: 0.1,
      toleranceTicks: 0,
      nextSeq: 0,
    });
    const r = diffQuotes({
      asset: 'X',
      desired: { ...desired, ask: { price: 100.5, sizeLots: 0.5 } },
      live: first.live,
      tickSize: 0.1,
      toleranceTicks: 0,
      nextSeq: 2,
    });
    expect(r.actions).toEqual([
      { kind: 'cancel', asset: 'X', side: 'ask', clientOrderId: 'X-ask-1' },
    ]);
  });

  it('prints tick prices without binary noise', () => {
    expect(ticksToPrice(3, 0.1)).toBe(0.3);
    expect(ticksToPrice(12345, 0.01)).toBe(123.45);
  });

  const quote = fc.option(
    fc.record({
      price: fc.double({ min: 1, max: 200, noNaN: true }),
      sizeLots: fc.integer({ min: 1, max: 3 }),
    }),
    { nil: null },
  );
  const intentArb = fc.record({ bid: quote, ask: quote });

  it('ids are unique; within tolerance nothing is sent; rests match the rounded intent (property)', () => {
    fc.assert(
      fc.property(
        fc.array(intentArb, { maxLength: 30 }),
        fc.integer({ min: 0, max: 3 }),
        (intents, tol) => {
          let live = NO_LIVE_QUOTES;
          let nextSeq = 0;
          const ids = new Set<string>();
          for (const d of intents) {
            const r = diffQuotes({
              asset: 'A',
              desired: d,
              live,
              tickSize: 0.25,
              toleranceTicks: tol,
              nextSeq,
            });
            for (const a of r.actions) {
              if (a.kind === 'place' || a.kind === 'replace') {
                expect(ids.has(a.clientOrderId)).toBe(false);
                ids.add(a.clientOrderId);
                expect(Math.abs(a.price / 0.25 - Math.round(a.price / 0.25))).toBeLessThan(1e-9);
              }
            }
            // Re-diffing the same intent against the result is a no-op.
            const again = diffQuotes({
              asset: 'A',
              desired: d,
              live: r.live,
              tickSize: 0.25,
              toleranceTicks: tol,
              nextSeq: r.nextSeq,
            });
            expect(again.actions).toEqual([]);
            expect(r.live.bid === null).toBe(d.bid === null);
            expect(r.live.ask === null).toBe(d.ask === null);
            live = r.live;
            nextSeq = r.nextSeq;
          }
        },
      ),
    );
  });
});
