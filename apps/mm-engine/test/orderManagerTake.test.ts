import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { assetConfigSchema, simVenueConfigSchema } from '../src/config/engineConfigSchema.js';
import type { BookEvent } from '../src/model/book.js';
import { OrderManager } from '../src/orders/OrderManager.js';
import type { OrderEvent } from '../src/orders/orderEvent.js';
import { SimVenue } from '../src/venues/sim/SimVenue.js';
import { runVirtualTime, settleInVirtualTime } from '../src/venues/sim/virtualTime.js';
import type { VenueFill } from '../src/venues/Venue.js';

/* Taker (ioc) orders through the order manager, against a real SimVenue in virtual time. */

const LOT = 0.5;

async function setup(maxOrdersPerSec: number) {
  const scheduler = new VirtualTimeScheduler();
  const asset = assetConfigSchema.parse({
    symbol: 'BTC',
    lotSizeBase: LOT,
    tickSize: 0.01,
    qMaxLots: 5,
    policy: 'exact',
    model: { A: 1e-9, k: 1, sigma: 1e-6, gamma: 0.1 },
  });
  const venue = new SimVenue(
    simVenueConfigSchema.parse({ name: 'sim', kind: 'sim', latencyMs: 10 }),
    [asset],
    { scheduler, backgroundTrades: false },
  );
  const events: OrderEvent[] = [];
  const fills: VenueFill[] = [];
  const books: BookEvent[] = [];
  const manager = new OrderManager({
    venue,
    lotSizeBase: () => LOT,
    postOnly: true,
    maxOrdersPerSec,
    burstOrders: 1,
    maxAttempts: 4,
    retryBaseMs: 20,
    scheduler,
    onEvent: (e) => events.push(e),
  });
  venue.fills().subscribe((f) => fills.push(f));
  venue.books('BTC').subscribe((b) => books.push(b));
  await venue.connect();
  runVirtualTime(scheduler, 100);
  return { scheduler, venue, manager, events, fills, book: books.at(-1)! };
}

describe('OrderManager.take (ioc taker orders)', () => {
  it('sends an ioc order across the book; its fills are taker fills', async () => {
    const { scheduler, manager, events, fills, book } = await setup(100);
    const answer = await settleInVirtualTime(
      scheduler,
      manager.take({
        asset: 'BTC',
        clientOrderId: 'h1',
        side: 'sell',
        limitPrice: book.bids[0]![0],
        sizeLots: 1,
      }),
    );
    expect(answer).toMatchObject({ status: 'filled', filledBase: LOT });
    expect(fills).toEqual([
      expect.objectContaining({ clientOrderId: 'h1', side: 'sell', role: 'taker', sizeBase: LOT }),
    ]);
    expect(events.map((e) => [e.kind, e.op, e.side])).toEqual([
      ['sent', 'take', 'ask'],
      ['acked', 'take', 'ask'],
    ]);
    // nothing rests afterwards
    expect(manager.live('BTC')).toEqual({ bid: null, ask: null });
  });

  it('waits for a token of the rate limit: two takes 1 s apart at 1 order/s', async () => {
    const { scheduler, manager, events, book } = await setup(1);
    const take = (id: string) =>
      manager.take({
        asset: 'BTC',
        clientOrderId: id,
        side: 'buy',
        limitPrice: book.asks[0]![0],
        sizeLots: 1,
      });
    await settleInVirtualTime(scheduler, Promise.all([take('a'), take('b')]));
    const sentAt = events.filter((e) => e.kind === 'sent').map((e) => e.tMs);
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('reports an invalid taker order as rejected without sending it', async () => {
    const { scheduler, manager, events } = await setup(100);
    const answer = await settleInVirtualTime(
      scheduler,
      manager.take({
        asset: 'BTC',
        clientOrderId: 'x',
        side: 'buy',
        limitPrice: Number.NaN,
        sizeLots: 1,
      }),
    );
    expect(answer).toBe(null);
    expect(events.map((e) => [e.kind, e.op, e.attempt])).toEqual([['rejected', 'take', 0]]);
  });
});
