import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFillRecord,
  encodeFillRecord,
  LedgerError,
  validateFill,
} from '../src/portfolio/FillLedger.js';
import { Portfolio } from '../src/portfolio/Portfolio.js';
import { driftAlarms, reconcilePositions } from '../src/portfolio/reconcile.js';
import type { VenueFill } from '../src/venues/Venue.js';
import { makeFill } from './support/redis.js';

const buy = (sizeBase: number, price: number, extra: Partial<VenueFill> = {}) =>
  makeFill({ side: 'buy', sizeBase, price, feeQuote: 0, ...extra });
const sell = (sizeBase: number, price: number, extra: Partial<VenueFill> = {}) =>
  makeFill({ side: 'sell', sizeBase, price, feeQuote: 0, ...extra });

const apply = (fills: readonly VenueFill[]) => {
  const p = new Portfolio();
  for (const f of fills) p.applyFill(f);
  return p;
};

describe('Portfolio accounting (golden values by hand)', () => {
  it('averages entries on the same side and realizes on the way down', () => {
    const p = apply([buy(1, 100), buy(3, 104)]);
    expect(p.positionBase('BTC')).toBe(4);
    expect(p.avgEntryPrice('BTC')).toBe(103); // (100 + 312) / 4
    p.applyFill(sell(1, 110));
    expect(p.positionBase('BTC')).toBe(3);
    expect(p.avgEntryPrice('BTC')).toBe(103);
    expect(p.realized('BTC')).toBe(7);
    expect(p.unrealized('BTC', 100)).toBe(-9);
  });

  it('a short position: sell, sell, buy back part', () => {
    const p = apply([sell(2, 50), sell(2, 54), buy(1, 48)]);
    expect(p.positionBase('BTC')).toBe(-3);
    expect(p.avgEntryPrice('BTC')).toBe(52);
    expect(p.realized('BTC')).toBe(4); // (52 - 48) * 1
    expect(p.unrealized('BTC', 50)).toBe(6); // -3 * (50 - 52)
  });

  it('a flip through zero closes the old position and opens the rest at the fill price', () => {
    const p = apply([buy(2, 100), sell(5, 110)]);
    expect(p.positionBase('BTC')).toBe(-3);
    expect(p.avgEntryPrice('BTC')).toBe(110);
    expect(p.realized('BTC')).toBe(20); // 2 * (110 - 100)
    p.applyFill(buy(4, 105));
    expect(p.positionBase('BTC')).toBe(1);
    expect(p.avgEntryPrice('BTC')).toBe(105);
    expect(p.realized('BTC')).toBe(35); // 20 + 3 * (110 - 105)
  });

  it('an exact close is flat with no average price', () => {
    const p = apply([buy(0.1, 100), buy(0.2, 100), sell(0.3, 101)]);
    expect(p.positionBase('BTC')).toBe(0); // not 5.5e-17
    expect(p.avgEntryPrice('BTC')).toBeNull();
    expect(p.unrealized('BTC', 200)).toBe(0);
    expect(p.realized('BTC')).toBeCloseTo(0.3, 12);
  });

  it('fees (and rebates) are realized', () => {
    const p = apply([buy(1, 100, { feeQuote: 0.5 }), sell(1, 100, { feeQuote: -0.2 })]);
    expect(p.realized('BTC')).toBeCloseTo(-0.3, 12);
    expect(p.position('BTC').feesQuote).toBeCloseTo(0.3, 12);
  });

  it('the same asset on several venues is one coordinate, kept per venue too', () => {
    const p = apply([
      buy(1, 100, { venue: 'a', fillId: '1' }),
      sell(0.25, 101, { venue: 'b', fillId: '1' }),
      buy(2, 10, { venue: 'a', fillId: '2', asset: 'ETH' }),
    ]);
    expect(p.positionBase('BTC')).toBe(0.75);
    expect(p.venuePositionBase('a', 'BTC')).toBe(1);
    expect(p.venuePositionBase('b', 'BTC')).toBe(-0.25);
    expect(p.realized('BTC')).toBeCloseTo(0.25, 12); // the sell on b closes part of a's buy
    expect(p.venuePositions()).toEqual({ a: { BTC: 1, ETH: 2 }, b: { BTC: -0.25 } });
    expect(p.assets()).toEqual(['BTC', 'ETH']);
    expect(p.position('BTC')).toMatchObject({ positionBase: 0.75, byVenue: { a: 1, b: -0.25 } });
  });

  it('inventory lots and the snapshot the pipelines read', () => {
    const p = apply([
      buy(0.1, 100),
      buy(0.2, 100),
      sell(3, 20, { asset: 'ETH', fillId: 'e' }),
      buy(5, 1, { asset: 'DOGE', fillId: 'd' }),
    ]);
    expect(p.inventoryLots('BTC', 0.1)).toBe(3); // 0.30000000000000004 / 0.1
    expect(p.inventoryLots('ETH', 2)).toBe(-1.5);
    expect(p.inventoryLots('SOL', 1)).toBe(0);
    expect(() => p.inventoryLots('BTC', 0)).toThrow(/lotSizeBase\.BTC/);
    const snap = p.snapshot({ BTC: 110, ETH: 25 }, { BTC: 0.1, ETH: 1, SOL: 1 });
    expect(snap.lotsByAsset).toEqual({ BTC: 3, ETH: -3, SOL: 0 });
    // DOGE has no mid: marked at its entry price 1
    expect(snap.grossNotional).toBeCloseTo(0.3 * 110 + 3 * 25 + 5 * 1, 9);
  });

  it('rejects an invalid fill, naming the field, without changing anything', () => {
    const p = apply([buy(1, 100)]);
    expect(() => p.applyFill(buy(1, Number.NaN))).toThrow(/fill\.price/);
    expect(() => p.applyFill(buy(-1, 100))).toThrow(/fill\.sizeBase/);
    expect(p.positionBase('BTC')).toBe(1);
    expect(p.position('BTC').fills).toBe(1);
  });
});

describe('fill validation and records', () => {
  it.each([
    ['fillId', { fillId: '' }],
    ['venue', { venue: '' }],
    ['asset', { asset: 7 as unknown as string }],
    ['clientOrderId', { clientOrderId: undefined as unknown as string }],
    ['side', { side: 'long' as 'buy' }],
    ['price', { price: Number.POSITIVE_INFINITY }],
    ['price', { price: 0 }],
    ['sizeBase', { sizeBase: Number.NaN }],
    ['role', { role: 'x' as 'maker' }],
    ['feeQuote', { feeQuote: Number.NaN }],
    ['tsMs', { tsMs: 1.5 }],
  ])('names %s', (field, overrides) => {
    try {
      validateFill(makeFill(overrides));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LedgerError);
      expect((e as LedgerError).field).toBe(field);
      expect((e as LedgerError).code).toBe('INVALID_FILL');
      expect((e as LedgerError).message).toMatch(new RegExp(`^${field}: `));
    }
  });

  it('records are versioned JSON and round-trip; extra fields are dropped', () => {
    const fill = makeFill({ clientOrderId: null, feeQuote: -0.1 });
    const raw = encodeFillRecord(validateFill({ ...fill, extra: 1 }));
    expect(JSON.parse(raw)).toEqual({ v: 1, ...fill });
    expect(decodeFillRecord(raw)).toEqual({ ok: true, fill });
    expect(decodeFillRecord('{"v":2}')).toMatchObject({ ok: false, code: 'UNSUPPORTED_VERSION' });
    expect(decodeFillRecord('{"v":1,')).toMatchObject({ ok: false, code: 'INVALID_JSON' });
    expect(decodeFillRecord('[1]')).toMatchObject({ ok: false, code: 'INVALID_JSON' });
    expect(decodeFillRecord(JSON.stringify({ v: 1, ...fill, price: 'x' }))).toMatchObject({
      ok: false,
      code: 'INVALID_FILL',
      message: expect.stringMatching(/^price: /),
    });
  });
});

// ---- properties ----

const ASSETS = ['BTC', 'ETH'] as const;
const VENUES = ['a', 'b'] as const;

/** Sizes on a 0.001 grid and prices on a 0.01 grid, like real venues, plus small fees. */
const fillArb: fc.Arbitrary<VenueFill> = fc
  .record({
    asset: fc.constantFrom(...ASSETS),
    venue: fc.constantFrom(...VENUES),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    // a few round sizes too, so that positions often close exactly and flip
    sizeMilli: fc.oneof(fc.constantFrom(100, 200, 300), fc.integer({ min: 1, max: 5000 })),
    priceCents: fc.integer({ min: 1, max: 10_000_000 }),
    feeMicro: fc.integer({ min: -1000, max: 100_000 }),
  })
  .map((r) =>
    makeFill({
      fillId: 'p',
      asset: r.asset,
      venue: r.venue,
      side: r.side,
      sizeBase: r.sizeMilli / 1000,
      price: r.priceCents / 100,
      feeQuote: r.feeMicro / 1e6,
    }),
  );

const fillsArb = fc.array(fillArb, { maxLength: 60 });
const midsArb = fc.record({
  BTC: fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100),
  ETH: fc.integer({ min: 1, max: 10_000_000 }).map((c) => c / 100),
});

/** Cash flows plus positions marked at the mids, per asset; and the magnitude for tolerances. */
function cashFlowPnl(fills: readonly VenueFill[], asset: string, mid: number) {
  let cash = 0;
  let position = 0;
  let scale = 0;
  let sizeScale = 0;
  for (const f of fills) {
    if (f.asset !== asset) continue;
    const s = f.side === 'buy' ? 1 : -1;
    cash += -s * f.price * f.sizeBase - f.feeQuote;
    position += s * f.sizeBase;
    scale += f.price * f.sizeBase + Math.abs(f.feeQuote) + f.sizeBase * mid;
    sizeScale += f.sizeBase;
  }
  return { pnl: cash + position * mid, position, scale, sizeScale };
}

const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, scale);

describe('Portfolio properties', () => {
  it('realized + unrealized equals the cash-flow P&L, per asset, for any fill sequence', () => {
    fc.assert(
      fc.property(fillsArb, midsArb, (fills, mids) => {
        const p = apply(fills);
        for (const asset of ASSETS) {
          const mid = mids[asset];
          const expected = cashFlowPnl(fills, asset, mid);
          const got = p.realized(asset) + p.unrealized(asset, mid);
          expect(close(got, expected.pnl, expected.scale)).toBe(true);
          expect(close(p.positionBase(asset), expected.position, expected.sizeScale)).toBe(true);
        }
      }),
    );
  });

  it('the order of fills changes neither the final position nor the total P&L at a mark', () => {
    fc.assert(
      fc.property(
        fillsArb.chain((fills) =>
          fc.tuple(fc.constant(fills), fc.shuffledSubarray(fills, { minLength: fills.length })),
        ),
        midsArb,
        ([fills, shuffled], mids) => {
          const a = apply(fills);
          const b = apply(shuffled);
          for (const asset of ASSETS) {
            const mid = mids[asset];
            const { scale, sizeScale } = cashFlowPnl(fills, asset, mid);
            expect(close(a.positionBase(asset), b.positionBase(asset), sizeScale)).toBe(true);
            const pnlA = a.realized(asset) + a.unrealized(asset, mid);
            const pnlB = b.realized(asset) + b.unrealized(asset, mid);
            expect(close(pnlA, pnlB, scale)).toBe(true);
          }
        },
      ),
    );
  });

  it('venue positions sum to the asset position; flat means no average price', () => {
    fc.assert(
      fc.property(fillsArb, (fills) => {
        const p = apply(fills);
        const byVenue = p.venuePositions();
        for (const asset of ASSETS) {
          const sum = VENUES.reduce((acc, v) => acc + (byVenue[v]?.[asset] ?? 0), 0);
          const scale = fills.reduce((acc, f) => acc + f.sizeBase, 0);
          expect(close(sum, p.positionBase(asset), scale)).toBe(true);
          const avg = p.avgEntryPrice(asset);
          if (p.positionBase(asset) === 0) expect(avg).toBeNull();
          else expect(avg).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('the snapshot: lots = position / lot size, gross notional = sum |position| * mid', () => {
    fc.assert(
      fc.property(fillsArb, midsArb, (fills, mids) => {
        const p = apply(fills);
        const lots = { BTC: 0.001, ETH: 0.01 };
        const snap = p.snapshot(mids, lots);
        let gross = 0;
        for (const asset of ASSETS) {
          gross += Math.abs(p.positionBase(asset)) * mids[asset];
          expect(snap.lotsByAsset[asset]).toBeCloseTo(p.positionBase(asset) / lots[asset], 6);
        }
        expect(close(snap.grossNotional, gross, gross)).toBe(true);
        expect(snap.grossNotional).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('reconcilePositions', () => {
  const lotSizeBase = { BTC: 0.01, ETH: 0.1 };
  const ledgerOf = (byVenue: Record<string, Record<string, number>>) => ({
    venuePositions: () => byVenue,
  });

  it('reports drift per (venue, asset) in base units and lots', () => {
    const p = apply([
      buy(0.5, 100, { venue: 'a', fillId: '1' }),
      sell(0.2, 100, { venue: 'b', fillId: '2' }),
      buy(1, 10, { venue: 'a', fillId: '3', asset: 'ETH' }),
    ]);
    const rows = reconcilePositions(
      p,
      [
        { venue: 'b', positions: { baseByAsset: { BTC: -0.2 } } },
        { venue: 'a', positions: { baseByAsset: { BTC: 0.53, ETH: 1, USDC: 1000 } } },
      ],
      { lotSizeBase, toleranceLots: 2 },
    );
    expect(rows.map((r) => `${r.venue}:${r.asset}`)).toEqual(['b:BTC', 'b:ETH', 'a:BTC', 'a:ETH']);
    const a = rows.filter((r) => r.venue === 'a');
    expect(a.map((r) => r.asset)).toEqual(['BTC', 'ETH']); // USDC: not ours, ignored
    expect(a[0]).toMatchObject({ ledgerBase: 0.5, venueBase: 0.53, exceeds: true });
    expect(a[0]?.driftBase).toBeCloseTo(0.03, 12);
    expect(a[0]?.driftLots).toBeCloseTo(3, 9);
    expect(a[1]).toMatchObject({ ledgerBase: 1, venueBase: 1, driftBase: 0, exceeds: false });
    const b = rows.filter((r) => r.venue === 'b');
    expect(b).toEqual([
      {
        venue: 'b',
        asset: 'BTC',
        ledgerBase: -0.2,
        venueBase: -0.2,
        driftBase: 0,
        driftLots: 0,
        exceeds: false,
      },
      {
        venue: 'b',
        asset: 'ETH',
        ledgerBase: 0,
        venueBase: 0,
        driftBase: 0,
        driftLots: 0,
        exceeds: false,
      },
    ]);
    expect(driftAlarms(rows).map((r) => `${r.venue}:${r.asset}`)).toEqual(['a:BTC']);
  });

  it('tolerance is inclusive; float noise is no drift; bad venue data alarms', () => {
    const ledger = ledgerOf({ a: { BTC: 0.1 + 0.2 } });
    const at = (venueBase: number, toleranceLots: number) =>
      reconcilePositions(ledger, [{ venue: 'a', positions: { baseByAsset: { BTC: venueBase } } }], {
        lotSizeBase,
        toleranceLots,
      })[0];
    expect(at(0.3, 0)).toMatchObject({ driftBase: 0, exceeds: false });
    expect(at(0.32, 2)?.exceeds).toBe(false);
    expect(at(0.33, 2)?.exceeds).toBe(true);
    expect(at(Number.NaN, 100)?.exceeds).toBe(true);
  });

  it('an asset held without a lot size alarms on any drift; unreported venues are skipped', () => {
    const rows = reconcilePositions(
      ledgerOf({ a: { DOGE: 5 }, gone: { BTC: 1 } }),
      [{ venue: 'a', positions: { baseByAsset: { DOGE: 4 } } }],
      { lotSizeBase: {}, toleranceLots: 1 },
    );
    expect(rows).toEqual([
      {
        venue: 'a',
        asset: 'DOGE',
        ledgerBase: 5,
        venueBase: 4,
        driftBase: -1,
        driftLots: Number.NaN,
        exceeds: true,
      },
    ]);
    expect(() => reconcilePositions(ledgerOf({}), [], { lotSizeBase, toleranceLots: -1 })).toThrow(
      /toleranceLots/,
    );
  });
});
