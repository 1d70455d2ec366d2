import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  type AssetConfig,
  assetConfigSchema,
  type SimVenueConfig,
  simVenueConfigSchema,
} from '../src/config/engineConfigSchema.js';
import type { BookEvent } from '../src/model/book.js';
import { initialAssetState, reduceBook } from '../src/pipeline/stateReducer.js';
import { SimVenue, type SimVenueDeps } from '../src/venues/sim/SimVenue.js';
import { runVirtualTime, settleInVirtualTime } from '../src/venues/sim/virtualTime.js';
import {
  type MarketTrade,
  type OrderRequest,
  VenueError,
  type VenueFill,
  type VenueOrder,
} from '../src/venues/Venue.js';

/*
 * The venue runs on a VirtualTimeScheduler. Resting-order runs advance time in one synchronous
 * flush (`runVirtualTime`); order calls are awaited with `settleInVirtualTime`, which advances
 * virtual time instant by instant and lets promises settle in between.
 */

function assetConfig(symbol: string, model: Partial<AssetConfig['model']> = {}): AssetConfig {
  return assetConfigSchema.parse({
    symbol,
    lotSizeBase: 0.5,
    tickSize: 0.01,
    qMaxLots: 5,
    policy: 'exact',
    model: { A: 2, k: 1.5, sigma: 0.05, gamma: 0.1, ...model },
  });
}

function simConfig(over: Record<string, unknown> = {}): SimVenueConfig {
  return simVenueConfigSchema.parse({ name: 'sim', kind: 'sim', ...over });
}

function makeVenue(
  config: SimVenueConfig,
  assets: AssetConfig[] = [assetConfig('BTC')],
  deps: Partial<SimVenueDeps> = {},
) {
  const scheduler = new VirtualTimeScheduler();
  const venue = new SimVenue(config, assets, { scheduler, ...deps });
  return { scheduler, venue };
}

const order = (over: Partial<OrderRequest> = {}): OrderRequest => ({
  asset: 'BTC',
  clientOrderId: 'c1',
  side: 'buy',
  price: 99,
  sizeBase: 0.5,
  postOnly: true,
  ...over,
});

/** Expect `promise` to reject with a `VenueError` of `kind`; returns it. */
async function venueError(
  scheduler: VirtualTimeScheduler,
  promise: Promise<unknown>,
  kind: VenueError['kind'],
): Promise<VenueError> {
  const error = await settleInVirtualTime(scheduler, promise).then(
    () => {
      throw new Error(`expected a '${kind}' VenueError`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VenueError);
  expect((error as VenueError).kind).toBe(kind);
  return error as VenueError;
}

describe('SimVenue market data', () => {
  it('steps a valid book on the tick grid every bookIntervalMs, stamped with scheduler time', async () => {
    const { scheduler, venue } = makeVenue(simConfig({ bookIntervalMs: 250 }));
    const events: BookEvent[] = [];
    venue.books('BTC').subscribe((e) => events.push(e));
    await venue.connect();
    runVirtualTime(scheduler, 10_000);
    expect(events.map((e) => e.tMs)).toEqual(Array.from({ length: 40 }, (_, i) => 250 * (i + 1)));
    for (const e of events) {
      expect(reduceBook(initialAssetState, e).invalid).toBe(null);
      expect(e.bids).toHaveLength(10);
      expect(e.asks).toHaveLength(10);
      for (const [px, size] of [...e.bids, ...e.asks]) {
        expect(Math.abs(px / 0.01 - Math.round(px / 0.01))).toBeLessThan(1e-6);
        expect(size).toBeGreaterThan(0);
      }
      const mid = (e.bids[0]![0] + e.asks[0]![0]) / 2;
      expect(Math.abs(mid - 100)).toBeLessThan(2); // sigma 0.05 over 10 s
    }
    expect(venue.market('BTC')).toEqual({
      asset: 'BTC',
      venueSymbol: 'BTC',
      tickSize: 0.01,
      sizeStepBase: 0.5,
      minSizeBase: 0.5,
    });
    expect(() => venue.market('ETH')).toThrow(VenueError);
  });

  it('starts each asset at initialMidPrice and moves it with the asset sigma', async () => {
    const assets = [assetConfig('BTC', { sigma: 2 }), assetConfig('ETH', { sigma: 0.001 })];
    const { scheduler, venue } = makeVenue(simConfig({ initialMidPrice: { BTC: 50_000 } }), assets);
    await venue.connect();
    // sample the true mid every 100 ms; increments have std sigma sqrt(dt)
    const incs: number[] = [];
    let last = venue.midPrice('BTC');
    expect(last).toBe(50_000);
    expect(venue.midPrice('ETH')).toBe(100);
    venue.books('BTC').subscribe(() => {
      const m = venue.midPrice('BTC');
      incs.push(m - last);
      last = m;
    });
    runVirtualTime(scheduler, 400_000);
    const variance = incs.reduce((s, x) => s + x * x, 0) / incs.length;
    // 4000 increments: the sample variance has a relative standard error of sqrt(2/4000) = 2.2%
    expect(variance / (4 * 0.1)).toBeGreaterThan(0.9);
    expect(variance / (4 * 0.1)).toBeLessThan(1.1);
    expect(Math.abs(venue.midPrice('ETH') - 100)).toBeLessThan(0.1);
  });

  it('is deterministic: the same seed gives the same books and fills, another seed does not', async () => {
    const run = async (seed: number, marketSeed?: number) => {
      const { scheduler, venue } = makeVenue(simConfig({ seed, marketSeed, latencyMs: 5 }), [
        assetConfig('BTC', { A: 5, k: 2 }),
        assetConfig('ETH', { A: 5, k: 2 }),
      ]);
      const books: BookEvent[] = [];
      const fills: VenueFill[] = [];
      const trades: MarketTrade[] = [];
      const updates: VenueOrder[] = [];
      venue.books('ETH').subscribe((e) => books.push(e));
      venue.fills().subscribe((f) => fills.push(f));
      for (const asset of ['BTC', 'ETH']) venue.trades(asset).subscribe((t) => trades.push(t));
      venue.orderUpdates().subscribe((o) => updates.push(o));
      await venue.connect();
      runVirtualTime(scheduler, 1000);
      for (const [i, side] of (['buy', 'sell'] as const).entries()) {
        for (const asset of ['BTC', 'ETH']) {
          const mid = venue.midPrice(asset);
          const price = Math.round((side === 'buy' ? mid - 0.3 : mid + 0.3) * 100) / 100;
          await settleInVirtualTime(
            scheduler,
            venue.placeOrder(
              order({ asset, side, clientOrderId: `${asset}-${i}`, price, sizeBase: 50 }),
            ),
          );
        }
      }
      runVirtualTime(scheduler, 30_000);
      const fillIds = new Set(fills.map((f) => f.fillId));
      const background = trades.filter((t) => !fillIds.has(t.tradeId));
      return { books, fills, trades, background, updates, positions: await venue.positions() };
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    const d = await run(8, 7); // the market of seed 7, its own fills
    expect(a.fills.length).toBeGreaterThan(20);
    expect(b).toEqual(a);
    expect(c.books).not.toEqual(a.books);
    expect(d.books).toEqual(a.books);
    expect(d.fills).not.toEqual(a.fills);
    // other participants' trades belong to the market: the same for the same marketSeed
    expect(a.background.length).toBeGreaterThan(100);
    expect(d.background).toEqual(a.background);
    expect(c.background).not.toEqual(a.background);
    expect(a.trades.length).toBe(a.background.length + a.fills.length);
    expect(a.updates.length).toBe(4 + a.fills.length);
    expect(new Set(a.fills.map((f) => f.fillId)).size).toBe(a.fills.length);
  });
});

describe('SimVenue fills', () => {
  it('fills a resting quote at A exp(-k delta) per second, one lot per fill (fixed mid)', async () => {
    // sigma ~ 0: the mid stays at 100, so each quote rests at a fixed distance
    const A = 2;
    const k = 1.5;
    // coarse 500 ms steps: the per-step count is exact Poisson, so no discretisation bias
    const { scheduler, venue } = makeVenue(
      simConfig({ seed: 3, makerFeeBps: -1, bookIntervalMs: 500 }),
      [assetConfig('BTC', { A, k, sigma: 1e-9 })],
    );
    const fills: VenueFill[] = [];
    venue.fills().subscribe((f) => fills.push(f));
    await venue.connect();
    const big = 1e6 * 0.5;
    await settleInVirtualTime(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'bid', price: 99.5, sizeBase: big })),
    );
    await settleInVirtualTime(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'ask', side: 'sell', price: 100.2, sizeBase: big })),
    );
    const t0 = scheduler.now();
    const T = 20_000;
    runVirtualTime(scheduler, T * 1000);
    const bids = fills.filter((f) => f.clientOrderId === 'bid');
    const asks = fills.filter((f) => f.clientOrderId === 'ask');
    for (const [n, delta] of [
      [bids.length, 0.5],
      [asks.length, 0.2],
    ] as const) {
      const expected = A * Math.exp(-k * delta) * ((scheduler.now() - t0) / 1000);
      // Poisson count: standard error sqrt(expected)
      expect(Math.abs(n - expected) / Math.sqrt(expected)).toBeLessThan(4);
    }
    const odd = fills.filter(
      (f) =>
        f.role !== 'maker' ||
        f.sizeBase !== 0.5 ||
        f.venue !== 'sim' ||
        Math.abs(f.feeQuote - (-1 / 1e4) * f.price * f.sizeBase) > 1e-12,
    );
    expect(odd).toEqual([]);
    const positions = await venue.positions();
    expect(positions.baseByAsset.BTC).toBeCloseTo(0.5 * (bids.length - asks.length), 9);
    const open = await venue.openOrders('BTC');
    expect(open.find((o) => o.clientOrderId === 'bid')?.filledBase).toBeCloseTo(
      0.5 * bids.length,
      9,
    );
    const since = await venue.fillsSince(t0 + (T / 2) * 1000);
    expect(since.length).toBe(fills.filter((f) => f.tsMs >= t0 + (T / 2) * 1000).length);
    expect(since.length).toBeGreaterThan(0);
  });

  it('fill count matches the integrated intensity along a moving mid (Poisson compensator)', async () => {
    const A = 5;
    const k = 1;
    const { scheduler, venue } = makeVenue(simConfig({ seed: 11, bookIntervalMs: 200 }), [
      assetConfig('BTC', { A, k, sigma: 0.01 }),
    ]);
    let count = 0;
    venue.fills().subscribe(() => count++);
    await venue.connect();
    await settleInVirtualTime(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'bid', price: 98, sizeBase: 1e6 })),
    );
    // the venue steps the mid, then fills, then emits the book: the mid at emission is the one
    // the step's fills used
    let compensator = 0;
    venue.books('BTC').subscribe(() => {
      compensator += A * Math.exp(-k * (venue.midPrice('BTC') - 98)) * 0.2;
    });
    runVirtualTime(scheduler, 4000 * 1000);
    expect(compensator).toBeGreaterThan(1000);
    expect(Math.abs(count - compensator) / Math.sqrt(compensator)).toBeLessThan(4);
  });

  it('fills an order completely when the mid crosses it, and tracks positions from the initial ones', async () => {
    const { scheduler, venue } = makeVenue(
      simConfig({ seed: 5 }),
      [assetConfig('BTC', { A: 1e-6, sigma: 1 })],
      { initialPositionsBase: { BTC: 3, ETH: -1 } },
    );
    const fills: VenueFill[] = [];
    venue.fills().subscribe((f) => fills.push(f));
    await venue.connect();
    expect((await venue.positions()).baseByAsset).toEqual({ BTC: 3, ETH: -1 });
    await settleInVirtualTime(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'near', price: 99.9, sizeBase: 1.5 })),
    );
    // sigma 1 per sqrt s: the mid crosses 99.9 quickly
    let crossed = false;
    for (let i = 0; i < 600 && !crossed; i++) {
      runVirtualTime(scheduler, 100);
      crossed = fills.length > 0;
    }
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({
      clientOrderId: 'near',
      side: 'buy',
      price: 99.9,
      sizeBase: 1.5,
      role: 'maker',
    });
    expect(venue.midPrice('BTC')).toBeLessThanOrEqual(99.9);
    expect(await venue.openOrders()).toEqual([]);
    expect((await venue.positions()).baseByAsset.BTC).toBeCloseTo(4.5, 12);
  });
});

describe('SimVenue trades and order updates', () => {
  /** Everything the venue's trade and order streams emit, from before `connect`. */
  function record(venue: SimVenue, assets: string[] = ['BTC']) {
    const fills: VenueFill[] = [];
    const trades: MarketTrade[] = [];
    const updates: VenueOrder[] = [];
    venue.fills().subscribe((f) => fills.push(f));
    for (const asset of assets) venue.trades(asset).subscribe((t) => trades.push(t));
    venue.orderUpdates().subscribe((o) => updates.push(o));
    return { fills, trades, updates };
  }

  it('prints every fill of ours as a trade (taker on the other side) and reports each change of the order', async () => {
    const { scheduler, venue } = makeVenue(
      simConfig({ seed: 9, makerFeeBps: -1 }),
      [assetConfig('BTC', { A: 5, k: 2, sigma: 0.02 })],
      { backgroundTrades: false },
    );
    const { fills, trades, updates } = record(venue);
    await venue.connect();
    const acks: VenueOrder[] = [];
    for (const [id, side, price] of [
      ['bid', 'buy', 99.8],
      ['ask', 'sell', 100.2],
      ['far', 'buy', 98.5],
    ] as const) {
      acks.push(
        await settleInVirtualTime(
          scheduler,
          venue.placeOrder(order({ clientOrderId: id, side, price, sizeBase: 5 })),
        ),
      );
    }
    runVirtualTime(scheduler, 20_000);
    const open = await venue.openOrders();
    for (const o of open)
      await settleInVirtualTime(scheduler, venue.cancelOrder('BTC', o.clientOrderId));
    expect(fills.length).toBeGreaterThan(4);
    expect(trades).toEqual(
      fills.map((f) => ({
        asset: 'BTC',
        venue: 'sim',
        price: f.price,
        sizeBase: f.sizeBase,
        takerSide: f.side === 'buy' ? 'sell' : 'buy',
        tsMs: f.tsMs,
        tradeId: f.fillId,
      })),
    );
    for (const ack of acks) {
      const mine = updates.filter((u) => u.clientOrderId === ack.clientOrderId);
      const itsFills = fills.filter((f) => f.clientOrderId === ack.clientOrderId);
      // acknowledged open, then one update per fill with the running filled size
      expect(mine[0]).toEqual(ack);
      let filled = 0;
      expect(mine.slice(1, 1 + itsFills.length).map((u) => u.filledBase)).toEqual(
        itsFills.map((f) => (filled += f.sizeBase)),
      );
      const last = mine.at(-1)!;
      const stillOpen = open.find((o) => o.clientOrderId === ack.clientOrderId);
      if (stillOpen === undefined) {
        expect(mine).toHaveLength(1 + itsFills.length);
        expect(last).toMatchObject({ status: 'filled', filledBase: 5 });
      } else {
        expect(mine).toHaveLength(2 + itsFills.length);
        expect(last).toEqual({ ...stillOpen, status: 'canceled' });
      }
      expect(mine.slice(0, -1).every((u) => u.status === 'open')).toBe(true);
    }
    // both endings happened: filled completely, and filled in part then canceled
    expect(updates.some((u) => u.status === 'filled')).toBe(true);
    expect(open.some((o) => o.filledBase > 0)).toBe(true);
  });

  it('reports taker fills, rejections and edits; a duplicate client id is not reported', async () => {
    const { scheduler, venue } = makeVenue(simConfig(), [assetConfig('BTC')], {
      backgroundTrades: false,
    });
    const { trades, updates } = record(venue);
    const books: BookEvent[] = [];
    venue.books('BTC').subscribe((b) => books.push(b));
    await venue.connect();
    runVirtualTime(scheduler, 100);
    const bestAsk = books.at(-1)!.asks[0]![0];
    const place = (over: Partial<OrderRequest>) =>
      settleInVirtualTime(
        scheduler,
        venue.placeOrder(order(over)).catch((e: unknown) => e),
      );
    await place({ clientOrderId: 'taker', price: bestAsk + 1, postOnly: false });
    await place({ clientOrderId: 'cross', price: bestAsk });
    await place({ clientOrderId: 'bid', price: 99 });
    await place({ clientOrderId: 'bid', price: 98 }); // duplicate: not reported
    await place({ clientOrderId: 'odd', price: 99.005 });
    await settleInVirtualTime(
      scheduler,
      venue.editOrder('BTC', 'bid', { newClientOrderId: 'bid2', price: 98.5, sizeBase: 1 }),
    );
    await settleInVirtualTime(
      scheduler,
      venue
        .editOrder('BTC', 'bid2', { newClientOrderId: 'bid3', price: 98.505, sizeBase: 1 })
        .catch((e: unknown) => e),
    );
    await settleInVirtualTime(scheduler, venue.cancelAll());
    expect(updates.map((u) => [u.clientOrderId, u.status, u.price, u.filledBase])).toEqual([
      ['taker', 'filled', bestAsk + 1, 0.5],
      ['cross', 'rejected', bestAsk, 0],
      ['bid', 'open', 99, 0],
      ['odd', 'rejected', 99.005, 0],
      ['bid', 'canceled', 99, 0],
      ['bid2', 'open', 98.5, 0],
      ['bid3', 'rejected', 98.505, 0],
      ['bid2', 'canceled', 98.5, 0],
    ]);
    expect(updates.filter((u) => u.status === 'rejected').map((u) => u.venueOrderId)).toEqual([
      '',
      '',
      '',
    ]);
    // the taker order's trade: we are the aggressor, at the touch
    expect(trades).toEqual([
      expect.objectContaining({ takerSide: 'buy', price: bestAsk, sizeBase: 0.5 }),
    ]);
  });

  it('reports orders the venue applied even when the answer was lost (transientAfter)', async () => {
    const { scheduler, venue } = makeVenue(
      simConfig({ transientErrorRate: 0.5, rejectRate: 0.2, seed: 6 }),
      [assetConfig('BTC')],
      { backgroundTrades: false },
    );
    const { updates } = record(venue);
    await venue.connect();
    for (let i = 0; i < 100; i++) {
      await settleInVirtualTime(
        scheduler,
        venue.placeOrder(order({ clientOrderId: `p${i}` })).catch(() => null),
      );
    }
    const open = await venue.openOrders();
    const opened = updates.filter((u) => u.status === 'open').map((u) => u.clientOrderId);
    expect(opened).toEqual(open.map((o) => o.clientOrderId));
    const rejected = updates.filter((u) => u.status === 'rejected').length;
    expect(rejected).toBeGreaterThan(5);
    expect(opened.length + rejected).toBeLessThan(100); // transientBefore: nothing reported
  });

  it('prints other participants one-lot trades at the touch at rate A exp(-k delta)', async () => {
    const A = 2;
    const k = 1.5;
    const { scheduler, venue } = makeVenue(simConfig({ seed: 12, bookIntervalMs: 200 }), [
      assetConfig('BTC', { A, k, sigma: 0.01 }),
    ]);
    const { trades } = record(venue);
    let pending: MarketTrade[] = [];
    const expected = { sell: 0, buy: 0 };
    const odd: unknown[] = [];
    // trades of a step come before its book event, which shows the touch they traded at
    venue.trades('BTC').subscribe((t) => pending.push(t));
    venue.books('BTC').subscribe((b) => {
      const mid = venue.midPrice('BTC');
      const bid = b.bids[0]![0];
      const ask = b.asks[0]![0];
      expected.sell += A * Math.exp(-k * (mid - bid)) * 0.2;
      expected.buy += A * Math.exp(-k * (ask - mid)) * 0.2;
      for (const t of pending) {
        const touch = t.takerSide === 'sell' ? bid : ask;
        if (t.price !== touch || t.sizeBase !== 0.5 || t.tsMs !== b.tMs) odd.push(t);
      }
      pending = [];
    });
    await venue.connect();
    runVirtualTime(scheduler, 1000 * 1000);
    expect(odd).toEqual([]);
    for (const side of ['sell', 'buy'] as const) {
      const n = trades.filter((t) => t.takerSide === side).length;
      expect(expected[side]).toBeGreaterThan(1000);
      expect(Math.abs(n - expected[side]) / Math.sqrt(expected[side])).toBeLessThan(4);
    }
    expect(new Set(trades.map((t) => t.tradeId)).size).toBe(trades.length);

    const quiet = makeVenue(simConfig({ seed: 12 }), [assetConfig('BTC')], {
      backgroundTrades: false,
    });
    let count = 0;
    quiet.venue.trades('BTC').subscribe(() => count++);
    await quiet.venue.connect();
    runVirtualTime(quiet.scheduler, 10_000);
    expect(count).toBe(0);
  });
});

describe('SimVenue orders', () => {
  it('acknowledges after latencyMs on the scheduler', async () => {
    const { scheduler, venue } = makeVenue(simConfig({ latencyMs: 37 }));
    await venue.connect();
    const acked = venue.placeOrder(order()).then((o) => ({ o, at: scheduler.now() }));
    const { o, at } = await settleInVirtualTime(scheduler, acked);
    expect(at).toBe(37);
    expect(o).toMatchObject({
      asset: 'BTC',
      clientOrderId: 'c1',
      side: 'buy',
      price: 99,
      sizeBase: 0.5,
      filledBase: 0,
      status: 'open',
    });
    expect(await venue.openOrders('BTC')).toEqual([o]);
    expect(await venue.openOrders('ETH')).toEqual([]);
  });

  it('rejects a duplicate client order id, also once the first order is gone', async () => {
    const { scheduler, venue } = makeVenue(simConfig());
    await venue.connect();
    await settleInVirtualTime(scheduler, venue.placeOrder(order()));
    const dup = await venueError(scheduler, venue.placeOrder(order({ price: 98 })), 'rejected');
    expect(dup.message).toMatch(/duplicate/);
    await settleInVirtualTime(scheduler, venue.cancelOrder('BTC', 'c1'));
    await venueError(scheduler, venue.placeOrder(order({ price: 98 })), 'rejected');
    expect(await venue.openOrders()).toEqual([]);
  });

  it('rejects post-only orders that would cross; a crossing taker order fills at the touch', async () => {
    const { scheduler, venue } = makeVenue(simConfig({ takerFeeBps: 5 }));
    const books: BookEvent[] = [];
    venue.books('BTC').subscribe((b) => books.push(b));
    const fills: VenueFill[] = [];
    venue.fills().subscribe((f) => fills.push(f));
    await venue.connect();
    runVirtualTime(scheduler, 100);
    const bestAsk = books.at(-1)!.asks[0]![0];
    const bestBid = books.at(-1)!.bids[0]![0];
    const e1 = await venueError(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'x1', price: bestAsk })),
      'rejected',
    );
    expect(e1.message).toMatch(/post-only/);
    await venueError(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'x2', side: 'sell', price: bestBid })),
      'rejected',
    );
    // just inside the spread is fine
    await settleInVirtualTime(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'x3', price: bestBid })),
    );
    const taker = await settleInVirtualTime(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'x4', price: bestAsk + 1, postOnly: false })),
    );
    expect(taker.status).toBe('filled');
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ clientOrderId: 'x4', role: 'taker', price: bestAsk });
    expect(fills[0]!.feeQuote).toBeCloseTo(bestAsk * 0.5 * 5e-4, 12);
    expect((await venue.openOrders()).map((o) => o.clientOrderId)).toEqual(['x3']);
  });

  it('checks the tick grid, the size step and the asset', async () => {
    const { scheduler, venue } = makeVenue(simConfig());
    await venue.connect();
    const cases: Array<[Partial<OrderRequest>, RegExp]> = [
      [{ price: 99.005 }, /tick/],
      [{ sizeBase: 0.75 }, /sizeBase/],
      [{ sizeBase: 0 }, /sizeBase/],
      [{ price: Number.NaN }, /price/],
      [{ asset: 'DOGE' }, /not listed/],
    ];
    for (const [i, [over, pattern]] of cases.entries()) {
      const e = await venueError(
        scheduler,
        venue.placeOrder(order({ clientOrderId: `bad-${i}`, ...over })),
        'rejected',
      );
      expect(e.message).toMatch(pattern);
    }
    // 0.1 * 3 and similar binary noise is still on the grid
    await settleInVirtualTime(
      scheduler,
      venue.placeOrder(order({ clientOrderId: 'ok', price: 0.1 * 3 + 99, sizeBase: 0.5 * 3 })),
    );
    expect(await venue.openOrders()).toHaveLength(1);
  });

  it('cancels, edits in place, and answers notFound for unknown orders', async () => {
    const { scheduler, venue } = makeVenue(simConfig({ latencyMs: 3 }));
    await venue.connect();
    const placed = await settleInVirtualTime(scheduler, venue.placeOrder(order()));
    expect(venue.capabilities.editOrder).toBe(true);
    const edited = await settleInVirtualTime(
      scheduler,
      venue.editOrder('BTC', 'c1', { newClientOrderId: 'c2', price: 98.5, sizeBase: 1 }),
    );
    expect(edited).toMatchObject({
      clientOrderId: 'c2',
      venueOrderId: placed.venueOrderId,
      price: 98.5,
      sizeBase: 1,
    });
    await venueError(
      scheduler,
      venue.editOrder('BTC', 'c1', { newClientOrderId: 'c3', price: 98, sizeBase: 1 }),
      'notFound',
    );
    await venueError(scheduler, venue.cancelOrder('BTC', 'c1'), 'notFound');
    await venueError(scheduler, venue.cancelOrder('ETH', 'c2'), 'notFound');
    await settleInVirtualTime(scheduler, venue.cancelOrder('BTC', 'c2'));
    await venueError(scheduler, venue.cancelOrder('BTC', 'c2'), 'notFound');
    for (const id of ['a', 'b']) {
      await settleInVirtualTime(scheduler, venue.placeOrder(order({ clientOrderId: id })));
    }
    await settleInVirtualTime(scheduler, venue.cancelAll('BTC'));
    expect(await venue.openOrders()).toEqual([]);
  });

  it('injects transient errors, half of them after the order was accepted', async () => {
    const { scheduler, venue } = makeVenue(simConfig({ transientErrorRate: 1, seed: 2 }));
    await venue.connect();
    const n = 200;
    for (let i = 0; i < n; i++) {
      await venueError(scheduler, venue.placeOrder(order({ clientOrderId: `t${i}` })), 'transient');
    }
    const accepted = (await venue.openOrders()).length;
    // Binomial(200, 1/2): standard deviation 7
    expect(Math.abs(accepted - n / 2)).toBeLessThan(30);
  });

  it('injects rejections at rejectRate', async () => {
    const { scheduler, venue } = makeVenue(simConfig({ rejectRate: 0.5, seed: 4 }));
    await venue.connect();
    let rejected = 0;
    for (let i = 0; i < 200; i++) {
      const r = await settleInVirtualTime(
        scheduler,
        venue.placeOrder(order({ clientOrderId: `r${i}` })).then(
          () => false,
          (e: unknown) => e instanceof VenueError && e.kind === 'rejected',
        ),
      );
      if (r) rejected++;
    }
    expect(Math.abs(rejected - 100)).toBeLessThan(30);
    expect(await venue.openOrders()).toHaveLength(200 - rejected);
  });

  it('limits the call rate when asked, answering rateLimited with retryAfterMs', async () => {
    const { scheduler, venue } = makeVenue(simConfig(), [assetConfig('BTC')], {
      rateLimitPerSec: 2,
    });
    await venue.connect();
    const calls = [0, 1, 2].map((i) =>
      venue.placeOrder(order({ clientOrderId: `q${i}` })).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    const results = await settleInVirtualTime(scheduler, Promise.all(calls));
    expect(results[0]).toBeNull();
    expect(results[1]).toBeNull();
    expect(results[2]).toBeInstanceOf(VenueError);
    expect((results[2] as VenueError).kind).toBe('rateLimited');
    expect((results[2] as VenueError).retryAfterMs).toBe(500);
  });

  it('close() stops the timer and completes the streams', async () => {
    const { scheduler, venue } = makeVenue(simConfig());
    let booksDone = false;
    let fillsDone = false;
    let tradesDone = false;
    let updatesDone = false;
    venue.books('BTC').subscribe({ complete: () => (booksDone = true) });
    venue.fills().subscribe({ complete: () => (fillsDone = true) });
    venue.trades('BTC').subscribe({ complete: () => (tradesDone = true) });
    venue.orderUpdates().subscribe({ complete: () => (updatesDone = true) });
    await venue.connect();
    runVirtualTime(scheduler, 1000);
    await venue.close();
    expect([booksDone, fillsDone, tradesDone, updatesDone]).toEqual([true, true, true, true]);
    expect(scheduler.actions).toHaveLength(0);
    await expect(venue.placeOrder(order())).rejects.toMatchObject({ kind: 'fatal' });
  });
});
