import {
  type AssetConfig,
  assetConfigSchema,
  type SimVenueConfig,
  simVenueConfigSchema,
} from '@mm/config';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { simStartingPositionsBase } from '../src/engine/createVenue.js';
import type { BookEvent } from '../src/model/book.js';
import { SimVenue } from '../src/venues/sim/SimVenue.js';
import { runVirtualTime, settleInVirtualTime } from '../src/venues/sim/virtualTime.js';
import {
  type OrderRequest,
  VenueError,
  type VenueFill,
  type VenueOrder,
} from '../src/venues/Venue.js';

/* The sim venue's portfolio features: correlated mids, taker (IOC) orders, a starting position. */

function assetConfig(symbol: string, sigma: number): AssetConfig {
  return assetConfigSchema.parse({
    symbol,
    lotSizeBase: 0.5,
    tickSize: 0.01,
    qMaxLots: 5,
    policy: 'exact',
    model: { A: 2, k: 1.5, sigma, gamma: 0.1 },
  });
}

const simConfig = (over: Record<string, unknown> = {}): SimVenueConfig =>
  simVenueConfigSchema.parse({ name: 'sim', kind: 'sim', ...over });

const ASSETS = [assetConfig('BTC', 2), assetConfig('ETH', 0.5), assetConfig('SOL', 0.1)];
const RHO = [
  [1, 0.8, 0.3],
  [0.8, 1, 0.5],
  [0.3, 0.5, 1],
];

/** Mid increments per asset over `steps` book steps of 100 ms. */
async function increments(config: SimVenueConfig, quoted: string[], steps: number) {
  const scheduler = new VirtualTimeScheduler();
  const venue = new SimVenue({ ...config, assets: quoted }, ASSETS, { scheduler });
  await venue.connect();
  const out: Record<string, number[]> = Object.fromEntries(quoted.map((a) => [a, []]));
  const last: Record<string, number> = Object.fromEntries(
    quoted.map((a) => [a, venue.midPrice(a)]),
  );
  // Every asset's book event of one step comes after all mids moved; read them on the last one.
  const lastAsset = quoted.at(-1)!;
  venue.books(lastAsset).subscribe(() => {
    for (const a of quoted) {
      const m = venue.midPrice(a);
      out[a]!.push(m - last[a]!);
      last[a] = m;
    }
  });
  runVirtualTime(scheduler, steps * 100);
  await venue.close();
  return out;
}

const sampleCorrelation = (x: number[], y: number[]) => {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
};

describe('SimVenue correlated mids', () => {
  it('moves the mids with the configured correlation and each asset its own sigma', async () => {
    const inc = await increments(simConfig({ correlation: RHO }), ['BTC', 'ETH', 'SOL'], 10_000);
    // Sample correlation of n = 10,000 normal pairs: standard error (1 - rho^2)/sqrt(n) <= 0.01;
    // 0.04 is four standard errors.
    expect(Math.abs(sampleCorrelation(inc.BTC!, inc.ETH!) - 0.8)).toBeLessThan(0.04);
    expect(Math.abs(sampleCorrelation(inc.BTC!, inc.SOL!) - 0.3)).toBeLessThan(0.04);
    expect(Math.abs(sampleCorrelation(inc.ETH!, inc.SOL!) - 0.5)).toBeLessThan(0.04);
    // variance per step sigma^2 dt (dt = 0.1 s); relative standard error sqrt(2/n) = 1.4%
    for (const [a, sigma] of [
      ['BTC', 2],
      ['ETH', 0.5],
      ['SOL', 0.1],
    ] as const) {
      const v = inc[a]!.reduce((s, x) => s + x * x, 0) / inc[a]!.length;
      expect(v / (sigma ** 2 * 0.1)).toBeGreaterThan(0.94);
      expect(v / (sigma ** 2 * 0.1)).toBeLessThan(1.06);
    }
  });

  it('without correlation the mids are independent', async () => {
    const inc = await increments(simConfig(), ['BTC', 'ETH'], 10_000);
    expect(Math.abs(sampleCorrelation(inc.BTC!, inc.ETH!))).toBeLessThan(0.04);
  });

  it('is one market: a venue quoting only ETH sees the same ETH path as one quoting all', async () => {
    const config = simConfig({ correlation: RHO, marketSeed: 7 });
    const all = await increments(config, ['BTC', 'ETH', 'SOL'], 200);
    const ethOnly = await increments({ ...config, seed: 99 }, ['ETH'], 200);
    expect(ethOnly.ETH).toEqual(all.ETH);
  });
});

async function takerVenue() {
  const scheduler = new VirtualTimeScheduler();
  const venue = new SimVenue(simConfig({ takerFeeBps: 4 }), [ASSETS[0]!], {
    scheduler,
    backgroundTrades: false,
  });
  const books: BookEvent[] = [];
  const fills: VenueFill[] = [];
  const updates: VenueOrder[] = [];
  venue.books('BTC').subscribe((b) => books.push(b));
  venue.fills().subscribe((f) => fills.push(f));
  venue.orderUpdates().subscribe((o) => updates.push(o));
  await venue.connect();
  runVirtualTime(scheduler, 100);
  const ioc = (over: Partial<OrderRequest>): Promise<VenueOrder> =>
    settleInVirtualTime(
      scheduler,
      venue.placeOrder({
        asset: 'BTC',
        clientOrderId: 'c',
        side: 'buy',
        price: 100,
        sizeBase: 0.5,
        postOnly: false,
        timeInForce: 'ioc',
        ...over,
      }),
    );
  return { scheduler, venue, book: books.at(-1)!, fills, updates, ioc };
}

describe('SimVenue immediate-or-cancel (taker) orders', () => {
  it('takes the levels within the limit at their prices, the rest is canceled', async () => {
    const { venue, book, fills, updates, ioc } = await takerVenue();
    const [a0, s0] = book.asks[0]!;
    const [a1, s1] = book.asks[1]!;
    const lotsAt = (size: number) => Math.floor(size / 0.5 + 1e-6);
    const available = lotsAt(s0) + lotsAt(s1);
    // ask for more than the two best levels hold, limit at the second level
    const answer = await ioc({ clientOrderId: 'i1', price: a1, sizeBase: 0.5 * (available + 3) });
    expect(answer.status).toBe('canceled');
    expect(answer.filledBase).toBeCloseTo(0.5 * available, 12);
    expect(fills.every((f) => f.role === 'taker' && f.clientOrderId === 'i1')).toBe(true);
    expect(fills.filter((f) => f.price === a0).reduce((s, f) => s + f.sizeBase, 0)).toBeCloseTo(
      0.5 * lotsAt(s0),
      12,
    );
    expect(fills.filter((f) => f.price === a1).reduce((s, f) => s + f.sizeBase, 0)).toBeCloseTo(
      0.5 * lotsAt(s1),
      12,
    );
    // taker fee on each fill's notional
    for (const f of fills) expect(f.feeQuote).toBeCloseTo(f.price * f.sizeBase * 4e-4, 12);
    expect(updates.at(-1)).toMatchObject({ clientOrderId: 'i1', status: 'canceled' });
    expect(await venue.openOrders()).toEqual([]);
    expect((await venue.positions()).baseByAsset.BTC).toBeCloseTo(0.5 * available, 12);
  });

  it('fills completely when the touch holds enough: status filled', async () => {
    const { book, fills, ioc } = await takerVenue();
    const [bid0] = book.bids[0]!;
    const answer = await ioc({ clientOrderId: 'i2', side: 'sell', price: bid0, sizeBase: 0.5 });
    expect(answer).toMatchObject({ status: 'filled', filledBase: 0.5 });
    expect(fills).toEqual([expect.objectContaining({ side: 'sell', price: bid0, role: 'taker' })]);
  });

  it('an ioc order that does not cross is canceled without a fill; post-only ioc is refused', async () => {
    const { scheduler, venue, book, fills, ioc } = await takerVenue();
    const answer = await ioc({ clientOrderId: 'i3', price: book.bids[0]![0] });
    expect(answer).toMatchObject({ status: 'canceled', filledBase: 0 });
    expect(fills).toEqual([]);
    expect(await venue.openOrders()).toEqual([]);
    const refused = await settleInVirtualTime(
      scheduler,
      venue.placeOrder({
        asset: 'BTC',
        clientOrderId: 'i4',
        side: 'buy',
        price: book.asks[0]![0],
        sizeBase: 0.5,
        postOnly: true,
        timeInForce: 'ioc',
      }),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(VenueError);
    expect((refused as VenueError).kind).toBe('rejected');
  });
});

describe('SimVenue starting position', () => {
  const config = simConfig({ initialPositionLots: { BTC: -10, ETH: 3 } });

  it('starts at initialPositionLots (lots x lotSizeBase) with an empty ledger', async () => {
    const start = simStartingPositionsBase(config, ASSETS, {});
    expect(start).toEqual({ BTC: -5, ETH: 1.5 });
    const venue = new SimVenue(config, ASSETS, {
      scheduler: new VirtualTimeScheduler(),
      initialPositionsBase: start,
    });
    expect((await venue.positions()).baseByAsset).toEqual({ BTC: -5, ETH: 1.5 });
  });

  it('adds the ledger fills of this venue: a restart continues where the last session stopped', () => {
    // bought 2 lots (1 base unit) since the start at -10 lots: -8 lots = -4 base units
    expect(simStartingPositionsBase(config, ASSETS, { BTC: 1, SOL: 2 })).toEqual({
      BTC: -4,
      ETH: 1.5,
      SOL: 2,
    });
  });
});
