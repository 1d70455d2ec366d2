import { describe, expect, it } from 'vitest';
import { Portfolio } from '../src/portfolio/Portfolio.js';
import { reconcilePositions } from '../src/portfolio/reconcile.js';

const fill = (side: 'buy' | 'sell', sizeBase: number, price: number) => ({
  fillId: `f${price}${side}`,
  venue: 'a',
  asset: 'BTC',
  clientOrderId: null,
  side,
  price,
  sizeBase,
  role: 'maker' as const,
  feeQuote: 0,
  tsMs: 1,
});

describe('Portfolio.openPosition (a starting position the ledger does not explain)', () => {
  it('enters like a fee-free trade at the given price, not counted as a fill', () => {
    const p = new Portfolio();
    p.applyFill(fill('buy', 2, 100));
    p.openPosition('a', 'BTC', -5, 110);
    // closes the 2 bought at 100 at 110 (+20), opens -3 at 110
    expect(p.position('BTC')).toMatchObject({
      positionBase: -3,
      avgEntryPrice: 110,
      realizedQuote: 20,
      fills: 1,
      byVenue: { a: -3 },
    });
    // P&L counts from the opening price: marked at 100, the short made 30
    expect(p.unrealized('BTC', 100)).toBeCloseTo(30, 12);
  });

  it('makes the ledger agree with the venue: no drift once the difference is opened', () => {
    const p = new Portfolio();
    p.applyFill(fill('buy', 1, 100));
    const reports = [{ venue: 'a', positions: { baseByAsset: { BTC: -9 } } }];
    const options = { lotSizeBase: { BTC: 1 }, toleranceLots: 0 };
    const [row] = reconcilePositions(p, reports, options);
    expect(row!.driftBase).toBe(-10);
    p.openPosition(row!.venue, row!.asset, row!.driftBase, 100);
    expect(reconcilePositions(p, reports, options)[0]!.exceeds).toBe(false);
    expect(p.inventoryLots('BTC', 1)).toBe(-9);
  });

  it('refuses a bad size or price', () => {
    const p = new Portfolio();
    expect(() => p.openPosition('a', 'BTC', Number.NaN, 1)).toThrow('signedBase');
    expect(() => p.openPosition('a', 'BTC', 1, 0)).toThrow('price');
  });
});
