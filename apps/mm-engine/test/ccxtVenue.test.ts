import {
  AuthenticationError,
  BadSymbol,
  DDoSProtection,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidOrder,
  NetworkError,
  NotSupported,
  OrderImmediatelyFillable,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { filter, firstValueFrom, type Observable, take, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CcxtVenueConfig, ccxtVenueConfigSchema } from '../src/config/engineConfigSchema.js';
import type { BookEvent } from '../src/model/book.js';
import { CcxtVenue, type CcxtVenueLogger, toVenueClientId } from '../src/venues/ccxt/CcxtVenue.js';
import { classifyError, parseRetryAfterMs } from '../src/venues/ccxt/classifyError.js';
import { loadCredentials, redactSecrets } from '../src/venues/ccxt/credentials.js';
import {
  type MarketTrade,
  VenueError,
  type VenueFill,
  type VenueOrder,
} from '../src/venues/Venue.js';
import { HyperliquidServer } from './support/hyperliquidServer.js';

/** Throwaway test credentials (a well-known example key; never funded). */
const WALLET = '0x8Ba1f109551bD432803012645Ac136ddd64DBA72';
const PRIVATE_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const ENV = { TEST_HL_WALLET: WALLET, TEST_HL_KEY: PRIVATE_KEY };
const SECRETS = [WALLET, PRIVATE_KEY, PRIVATE_KEY.slice(2)];

const WAIT_MS = 3_000;

/** Engine clock (fake) and server clock (fake), epoch ms. */
let engineMs = 1_000;
let serverMs = 1_760_000_000_000;

const logLines: string[] = [];
const errorMessages: string[] = [];
const record =
  (level: string) =>
  (fields: Record<string, unknown>, message: string): void => {
    logLines.push(`${level} ${JSON.stringify(fields)} ${message}`);
  };
const logger: CcxtVenueLogger = {
  debug: record('debug'),
  info: record('info'),
  warn: record('warn'),
  error: record('error'),
};

function venueConfig(
  server: HyperliquidServer,
  extra: Partial<CcxtVenueConfig> = {},
): CcxtVenueConfig {
  return ccxtVenueConfigSchema.parse({
    name: 'hl-test',
    kind: 'ccxt',
    mode: 'paper',
    exchange: 'hyperliquid',
    symbols: { BTC: 'BTC/USDC:USDC', ETH: 'ETH/USDC:USDC', PURR: 'PURR/USDC' },
    urls: { rest: server.restUrl, ws: server.wsUrl },
    credentials: { env: { walletAddress: 'TEST_HL_WALLET', privateKey: 'TEST_HL_KEY' } },
    // ccxt's own websocket reconnect backoff starts at 1 s: shorten it for tests.
    options: { ws: { backoff: { base: 10 } } },
    ...extra,
  });
}

/** Await a rejection and keep its message for the final secret check. */
async function failure(promise: Promise<unknown>): Promise<VenueError> {
  try {
    await promise;
  } catch (error) {
    errorMessages.push(error instanceof Error ? error.message : String(error));
    if (error instanceof VenueError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function next<T>(stream: Observable<T>, predicate: (value: T) => boolean): Promise<T> {
  return firstValueFrom(stream.pipe(filter(predicate), take(1), timeout(WAIT_MS)));
}

let server: HyperliquidServer;
let venue: CcxtVenue;

/** Resolves once the server has a subscriber for `key`. */
async function subscribed(key: string): Promise<void> {
  if (server.subscriberCount(key) > 0) return;
  await server.waitForSubscription(key);
}

beforeAll(async () => {
  server = await HyperliquidServer.start({ user: WALLET, nowMs: () => serverMs });
  server.setBook('BTC', [[99_990, 1.5]], [[100_010, 2]]);
  venue = new CcxtVenue(venueConfig(server), {
    nowMs: () => engineMs,
    env: ENV,
    logger,
    streamRetry: { initialDelayMs: 10, maxDelayMs: 200 },
    ccxt: { enableRateLimit: false, timeoutMs: 2_000 },
  });
  await venue.connect();
  await subscribed('l2Book:BTC');
  await subscribed(`userFills:${WALLET.toLowerCase()}`);
  await subscribed('trades:BTC');
  await subscribed(`orderUpdates:${WALLET.toLowerCase()}`);
});

afterAll(async () => {
  await venue?.close();
  await server?.close();
});

describe('CcxtVenue against a Hyperliquid-protocol server', () => {
  it('loads markets: tick from 5 significant figures and 6 - szDecimals decimals, size step from szDecimals', () => {
    expect(venue.market('BTC')).toEqual({
      asset: 'BTC',
      venueSymbol: 'BTC/USDC:USDC',
      tickSize: 1,
      sizeStepBase: 0.00001,
      minSizeBase: 0,
    });
    expect(venue.market('ETH')).toMatchObject({ tickSize: 0.1, sizeStepBase: 0.0001 });
    // PURR/USDC spot at 0.2: 5 significant figures -> 0.00001.
    expect(venue.market('PURR')).toMatchObject({ tickSize: 0.00001, sizeStepBase: 1 });
    expect(venue.capabilities.editOrder).toBe(true);
    expect(() => venue.market('DOGE')).toThrow(VenueError);
    // ccxt set up the account on connect (builder fee approval, referrer) through /exchange.
    const actions = server.requests
      .filter((r) => r.path === '/exchange')
      .map((r) => (r.body as { action: { type: string } }).action.type);
    expect(actions).toContain('approveBuilderFee');
  });

  it('streams books stamped with the engine clock, top levels only', async () => {
    engineMs = 2_000;
    const book = next(venue.books('BTC'), (b) => b.bids[0]?.[0] === 99_995);
    const bids: Array<[number, number]> = Array.from({ length: 15 }, (_, i) => [99_995 - i, 1 + i]);
    server.setBook('BTC', bids, [[100_005, 0.5]]);
    const event = await book;
    expect(event.tMs).toBe(2_000);
    expect(event.bids).toHaveLength(10);
    expect(event.bids[0]).toEqual([99_995, 1]);
    expect(event.asks).toEqual([[100_005, 0.5]]);
  });

  it('drops and logs a non-finite book level instead of failing the stream', async () => {
    await subscribed('l2Book:ETH');
    const book = next(venue.books('ETH'), (b) => b.asks[0]?.[0] === 3_000.1);
    server.setBook(
      'ETH',
      [
        ['abc', '1'],
        [2_999.9, 2],
      ],
      [[3_000.1, 1]],
    );
    const event: BookEvent = await book;
    expect(event.bids).toEqual([[2_999.9, 2]]);
    expect(logLines.some((l) => l.includes('dropped invalid book levels'))).toBe(true);
    const later = next(venue.books('ETH'), (b) => b.asks[0]?.[0] === 3_000.2);
    server.setBook('ETH', [[2_999.8, 1]], [[3_000.2, 1]]);
    expect((await later).bids).toEqual([[2_999.8, 1]]);
  });

  it('places a post-only order under a derived cloid and cancels it by client id', async () => {
    server.setBook('BTC', [[99_990, 1]], [[100_010, 1]]);
    const placed = await venue.placeOrder({
      asset: 'BTC',
      clientOrderId: 's1:BTC-bid-1',
      side: 'buy',
      price: 99_000,
      sizeBase: 0.001,
      postOnly: true,
    });
    expect(placed).toMatchObject({
      clientOrderId: 's1:BTC-bid-1',
      status: 'open',
      price: 99_000,
      sizeBase: 0.001,
    });
    const cloid = toVenueClientId('s1:BTC-bid-1');
    expect(cloid).toMatch(/^0x[0-9a-f]{32}$/);
    const wire = server.openOrders().find((o) => o.cloid === cloid);
    expect(wire).toMatchObject({ tif: 'Alo', limitPxText: '99000', side: 'B', coin: 'BTC' });
    expect(placed.venueOrderId).toBe(String(wire?.oid));

    const open = await venue.openOrders('BTC');
    expect(open).toEqual([
      {
        asset: 'BTC',
        clientOrderId: 's1:BTC-bid-1',
        venueOrderId: placed.venueOrderId,
        side: 'buy',
        price: 99_000,
        sizeBase: 0.001,
        filledBase: 0,
        status: 'open',
      },
    ]);
    await venue.cancelOrder('BTC', 's1:BTC-bid-1');
    expect(server.openOrders()).toEqual([]);
    const again = await failure(venue.cancelOrder('BTC', 's1:BTC-bid-1'));
    expect(again.kind).toBe('notFound');
  });

  it("rejects a post-only order that would cross with Hyperliquid's error", async () => {
    const error = await failure(
      venue.placeOrder({
        asset: 'BTC',
        clientOrderId: 's1:BTC-bid-2',
        side: 'buy',
        price: 100_010,
        sizeBase: 0.001,
        postOnly: true,
      }),
    );
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('Post only order would have immediately matched');
    expect(server.openOrders()).toEqual([]);
  });

  it('maps an error order status (insufficient margin) to rejected', async () => {
    server.rejectNextOrder('Insufficient margin to place order. asset=0');
    const error = await failure(
      venue.placeOrder({
        asset: 'BTC',
        clientOrderId: 's1:BTC-bid-3',
        side: 'buy',
        price: 99_000,
        sizeBase: 0.001,
        postOnly: true,
      }),
    );
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('Insufficient margin');
  });

  it('sends an ioc taker order: takes the levels within its limit, the rest is canceled', async () => {
    server.setBook(
      'BTC',
      [[99_990, 1]],
      [
        [100_010, 0.001],
        [100_020, 0.001],
        [100_100, 5],
      ],
    );
    const fills: VenueFill[] = [];
    const sub = venue.fills().subscribe((f) => {
      if (f.clientOrderId === 's1:BTC-ioc-1') fills.push(f);
    });
    const secondFill = next(
      venue.fills(),
      (f) => f.clientOrderId === 's1:BTC-ioc-1' && f.price === 100_020,
    );
    const taken = await venue.placeOrder({
      asset: 'BTC',
      clientOrderId: 's1:BTC-ioc-1',
      side: 'buy',
      price: 100_020,
      sizeBase: 0.003,
      postOnly: false,
      timeInForce: 'ioc',
    });
    expect(taken).toMatchObject({ status: 'canceled', sizeBase: 0.003 });
    expect(taken.filledBase).toBeCloseTo(0.002, 12);
    await secondFill;
    sub.unsubscribe();
    expect(fills.map((f) => [f.price, f.sizeBase, f.role, f.side])).toEqual([
      [100_010, 0.001, 'taker', 'buy'],
      [100_020, 0.001, 'taker', 'buy'],
    ]);
    expect(server.openOrders()).toEqual([]);
    // nothing to take within the limit: canceled with nothing filled, not an error
    const missed = await venue.placeOrder({
      asset: 'BTC',
      clientOrderId: 's1:BTC-ioc-2',
      side: 'sell',
      price: 100_000,
      sizeBase: 0.001,
      postOnly: false,
      timeInForce: 'ioc',
    });
    expect(missed).toMatchObject({ status: 'canceled', filledBase: 0 });
    expect(server.openOrders()).toEqual([]);
    // restore the flat position the later tests expect
    await venue.placeOrder({
      asset: 'BTC',
      clientOrderId: 's1:BTC-ioc-3',
      side: 'sell',
      price: 99_990,
      sizeBase: 0.002,
      postOnly: false,
      timeInForce: 'ioc',
    });
    expect(await venue.positions()).toEqual({ baseByAsset: {} });
  });

  it('delivers a fill from a trade with the engine client order id, then positions and history', async () => {
    await venue.placeOrder({
      asset: 'BTC',
      clientOrderId: 's1:BTC-bid-4',
      side: 'buy',
      price: 99_000,
      sizeBase: 0.002,
      postOnly: true,
    });
    serverMs += 1_000;
    const fillTime = serverMs;
    const fill = next(venue.fills(), (f) => f.clientOrderId === 's1:BTC-bid-4');
    const made = server.trade('BTC', 'sell', 98_500, 0.002);
    expect(made).toHaveLength(1);
    const got: VenueFill = await fill;
    expect(got).toEqual({
      fillId: String(made[0]?.tid),
      venue: 'hl-test',
      asset: 'BTC',
      clientOrderId: 's1:BTC-bid-4',
      side: 'buy',
      price: 99_000,
      sizeBase: 0.002,
      role: 'maker',
      feeQuote: 0.0297,
      tsMs: fillTime,
    });
    expect(await venue.positions()).toEqual({ baseByAsset: { BTC: 0.002 } });
    const history = await venue.fillsSince(fillTime);
    expect(history.map((f) => [f.fillId, f.clientOrderId])).toEqual([[got.fillId, 's1:BTC-bid-4']]);
    expect(await venue.fillsSince(fillTime + 1)).toEqual([]);
  });

  it('maps a fill without cloid by venue order id, even when it overtakes the acknowledgement', async () => {
    server.fillsCarryCloid = false;
    try {
      server.delayNextExchangeResponse(150);
      const placing = venue.placeOrder({
        asset: 'BTC',
        clientOrderId: 's1:BTC-bid-13',
        side: 'buy',
        price: 98_700,
        sizeBase: 0.001,
        postOnly: true,
      });
      const fill = next(venue.fills(), (f) => f.price === 98_700);
      while (!server.openOrders().some((o) => o.limitPx === 98_700)) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      server.trade('BTC', 'sell', 98_700, 0.001);
      expect((await placing).status).toBe('open');
      expect((await fill).clientOrderId).toBe('s1:BTC-bid-13');
    } finally {
      server.fillsCarryCloid = true;
    }
  });

  it('reports a spot holding from the spot balance', async () => {
    server.setBook('PURR/USDC', [[0.195, 1_000]], [[0.205, 1_000]]);
    await venue.placeOrder({
      asset: 'PURR',
      clientOrderId: 's1:PURR-bid-1',
      side: 'buy',
      price: 0.19,
      sizeBase: 100,
      postOnly: true,
    });
    const fill = next(venue.fills(), (f) => f.clientOrderId === 's1:PURR-bid-1');
    server.trade('PURR/USDC', 'sell', 0.19, 100);
    expect(await fill).toMatchObject({ asset: 'PURR', side: 'buy', price: 0.19, sizeBase: 100 });
    expect((await venue.positions()).baseByAsset).toEqual({ BTC: 0.003, PURR: 100 });
  });

  it('edits an order in place (new client id) and maps its fills to the new id', async () => {
    await venue.placeOrder({
      asset: 'BTC',
      clientOrderId: 's1:BTC-ask-5',
      side: 'sell',
      price: 101_000,
      sizeBase: 0.001,
      postOnly: true,
    });
    const edited = await venue.editOrder('BTC', 's1:BTC-ask-5', {
      newClientOrderId: 's1:BTC-ask-6',
      price: 101_500,
      sizeBase: 0.002,
    });
    expect(edited).toMatchObject({
      clientOrderId: 's1:BTC-ask-6',
      price: 101_500,
      sizeBase: 0.002,
      status: 'open',
    });
    const [wire] = server.openOrders();
    expect(wire).toMatchObject({
      cloid: toVenueClientId('s1:BTC-ask-6'),
      limitPx: 101_500,
      tif: 'Alo',
    });
    expect((await venue.openOrders()).map((o) => o.clientOrderId)).toEqual(['s1:BTC-ask-6']);
    const fill = next(venue.fills(), (f) => f.clientOrderId === 's1:BTC-ask-6');
    server.trade('BTC', 'buy', 102_000, 0.002);
    expect(await fill).toMatchObject({ side: 'sell', price: 101_500, sizeBase: 0.002 });
    const gone = await failure(
      venue.editOrder('BTC', 's1:BTC-ask-6', {
        newClientOrderId: 's1:BTC-ask-7',
        price: 101_000,
        sizeBase: 0.001,
      }),
    );
    expect(gone.kind).toBe('notFound');
  });

  it('cancels every open order of an asset', async () => {
    for (const [id, price] of [
      ['s1:BTC-bid-8', 98_000],
      ['s1:BTC-bid-9', 97_000],
    ] as const) {
      await venue.placeOrder({
        asset: 'BTC',
        clientOrderId: id,
        side: 'buy',
        price,
        sizeBase: 0.001,
        postOnly: true,
      });
    }
    await venue.placeOrder({
      asset: 'ETH',
      clientOrderId: 's1:ETH-bid-1',
      side: 'buy',
      price: 2_900,
      sizeBase: 0.01,
      postOnly: true,
    });
    expect(server.openOrders()).toHaveLength(3);
    await venue.cancelAll('BTC');
    expect(server.openOrders().map((o) => o.coin)).toEqual(['ETH']);
    await venue.cancelAll();
    expect(server.openOrders()).toEqual([]);
  });

  it('recovers from a dropped websocket: books and fills flow again', async () => {
    expect(server.dropWebsockets()).toBeGreaterThan(0);
    await subscribed('l2Book:BTC');
    const book = next(venue.books('BTC'), (b) => b.bids[0]?.[0] === 99_001);
    server.setBook('BTC', [[99_001, 1]], [[99_010, 1]]);
    await book;

    await subscribed(`userFills:${WALLET.toLowerCase()}`);
    await venue.placeOrder({
      asset: 'BTC',
      clientOrderId: 's1:BTC-bid-10',
      side: 'buy',
      price: 98_000,
      sizeBase: 0.001,
      postOnly: true,
    });
    const fill = next(venue.fills(), (f) => f.clientOrderId === 's1:BTC-bid-10');
    server.trade('BTC', 'sell', 98_000, 0.001);
    expect((await fill).sizeBase).toBe(0.001);
    // A graceful server-side close recovers as well.
    server.dropWebsockets(false);
    await subscribed('l2Book:BTC');
    const again = next(venue.books('BTC'), (b) => b.bids[0]?.[0] === 99_002);
    server.setBook('BTC', [[99_002, 1]], [[99_010, 1]]);
    await again;
    expect(logLines.some((l) => l.includes('resubscribing'))).toBe(true);
  });

  it('classifies HTTP 429 as rateLimited (with Retry-After) and 5xx as transient', async () => {
    const order = {
      asset: 'BTC',
      clientOrderId: 's1:BTC-bid-11',
      side: 'buy',
      price: 97_000,
      sizeBase: 0.001,
      postOnly: true,
    } as const;
    server.failNextRequests(1, 429, { retryAfterSec: 2, paths: ['/exchange'] });
    const limited = await failure(venue.placeOrder(order));
    expect(limited.kind).toBe('rateLimited');
    expect(limited.retryAfterMs).toBe(2_000);

    server.failNextRequests(1, 500, { paths: ['/exchange'] });
    expect((await failure(venue.placeOrder(order))).kind).toBe('transient');
    server.failNextRequests(1, 502, { paths: ['/info'] });
    expect((await failure(venue.openOrders())).kind).toBe('transient');
    expect(server.openOrders()).toEqual([]);
  });

  it('never puts credential values in error messages or log lines', async () => {
    server.failNextAction(`User or API Wallet ${WALLET.toLowerCase()} does not exist.`);
    const error = await failure(
      venue.placeOrder({
        asset: 'BTC',
        clientOrderId: 's1:BTC-bid-12',
        side: 'buy',
        price: 97_000,
        sizeBase: 0.001,
        postOnly: true,
      }),
    );
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('User or API Wallet');
    const everything = [...errorMessages, ...logLines].join('\n').toLowerCase();
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(everything).not.toContain(secret.toLowerCase());
  });
});

describe('CcxtVenue public trades and order updates', () => {
  const USER = WALLET.toLowerCase();

  /** Everything `stream` emits from now on, until the test ends. */
  function collect<T>(stream: Observable<T>): { values: T[]; stop: () => void } {
    const values: T[] = [];
    const subscription = stream.subscribe((v) => values.push(v));
    return { values, stop: () => subscription.unsubscribe() };
  }

  /** Place a post-only BTC limit order. */
  function place(clientOrderId: string, side: 'buy' | 'sell', price: number, sizeBase: number) {
    return venue.placeOrder({ asset: 'BTC', clientOrderId, side, price, sizeBase, postOnly: true });
  }

  it('streams public trades with the aggressor side, size, price and venue time', async () => {
    server.setBook('BTC', [[99_000, 1]], [[99_100, 1]]);
    expect(server.openOrders()).toEqual([]);
    const tape = collect(venue.trades('BTC'));
    try {
      await place('s1:BTC-bid-20', 'buy', 97_500, 0.002);
      serverMs += 1_000;
      // Another participant sells 0.003 down to 97 400: our bid takes 0.002, the rest trades at
      // the limit with others.
      const last = next(venue.trades('BTC'), (t) => t.price === 97_400);
      const made = server.trade('BTC', 'sell', 97_400, 0.003);
      await last;
      // (A late resubscription snapshot of an earlier test may add older trades: not compared.)
      expect(tape.values.filter((t) => t.tsMs === serverMs)).toEqual([
        {
          asset: 'BTC',
          venue: 'hl-test',
          price: 97_500,
          sizeBase: 0.002,
          takerSide: 'sell',
          tsMs: serverMs,
          tradeId: String(made[0]?.tid),
        },
        {
          asset: 'BTC',
          venue: 'hl-test',
          price: 97_400,
          sizeBase: 0.001,
          takerSide: 'sell',
          tsMs: serverMs,
          tradeId: String(Number(made[0]?.tid) + 1),
        },
      ]);
      // A buyer lifting the book without us: one trade, taker side buy.
      const lifted = next(venue.trades('BTC'), (t) => t.price === 99_100);
      server.trade('BTC', 'buy', 99_100, 0.5);
      expect(await lifted).toMatchObject({ takerSide: 'buy', sizeBase: 0.5 });
      // Our crossing (non post-only) order prints trades with our side as the aggressor.
      const crossed = next(venue.trades('BTC'), (t) => t.price === 99_100 && t.sizeBase === 0.001);
      await venue.placeOrder({
        asset: 'BTC',
        clientOrderId: 's1:BTC-bid-21',
        side: 'buy',
        price: 99_200,
        sizeBase: 0.001,
        postOnly: false,
      });
      expect(await crossed).toMatchObject({ takerSide: 'buy' });
      expect(new Set(tape.values.map((t) => t.tradeId)).size).toBe(tape.values.length);
    } finally {
      tape.stop();
    }
  });

  it('drops and logs trades with bad prices or sizes; the stream goes on', async () => {
    const tape = collect(venue.trades('BTC'));
    try {
      const tid = server.peekNextTid() + 1_000;
      const trade = (over: Record<string, unknown>) => ({
        coin: 'BTC',
        side: 'B',
        px: '99000.0',
        sz: '0.01',
        time: serverMs,
        hash: '0x00',
        users: [USER, USER],
        ...over,
      });
      const good = next(venue.trades('BTC'), (t) => t.tradeId === String(tid + 3));
      server.printTrades('BTC', [
        trade({ tid, px: '-1.0' }),
        trade({ tid: tid + 1, sz: '0.0' }),
        trade({ tid: tid + 2, px: null }),
        trade({ tid: tid + 3 }),
      ]);
      expect(await good).toMatchObject({ price: 99_000, sizeBase: 0.01, takerSide: 'buy' });
      expect(tape.values.map((t) => t.tradeId)).toEqual([String(tid + 3)]);
      expect(logLines.some((l) => l.includes('dropped a trade with invalid'))).toBe(true);
      // A trade ccxt cannot parse fails every pending watch on the socket: the loops resubscribe
      // and the streams go on (what arrives meanwhile is delivered with the next message).
      const resubscribes = () => logLines.filter((l) => l.includes('"stream":"trades BTC"')).length;
      const failedBefore = resubscribes();
      server.printTrades('BTC', [trade({ tid: tid + 4, px: 'abc' })]);
      const after = next(venue.trades('BTC'), (t) => Number(t.tradeId) > tid + 4);
      let printed = tid + 5;
      const timer = setInterval(() => server.printTrades('BTC', [trade({ tid: printed++ })]), 20);
      try {
        expect(await after).toMatchObject({ price: 99_000, sizeBase: 0.01 });
      } finally {
        clearInterval(timer);
      }
      expect(resubscribes()).toBeGreaterThan(failedBefore);
    } finally {
      tape.stop();
    }
  });

  it('reports our orders: place -> open, cancel -> canceled, fill -> filled, with engine ids', async () => {
    server.setBook('BTC', [[99_000, 1]], [[99_100, 1]]);
    const updates = collect(venue.orderUpdates());
    try {
      const opened = next(venue.orderUpdates(), (o) => o.clientOrderId === 's1:BTC-bid-30');
      const placed = await place('s1:BTC-bid-30', 'buy', 97_000, 0.001);
      expect(await opened).toEqual({ ...placed, status: 'open' });

      const canceled = next(
        venue.orderUpdates(),
        (o) => o.clientOrderId === 's1:BTC-bid-30' && o.status === 'canceled',
      );
      await venue.cancelOrder('BTC', 's1:BTC-bid-30');
      expect(await canceled).toMatchObject({ venueOrderId: placed.venueOrderId, filledBase: 0 });

      const ask = await place('s1:BTC-ask-31', 'sell', 101_000, 0.002);
      const filled = next(
        venue.orderUpdates(),
        (o) => o.clientOrderId === 's1:BTC-ask-31' && o.status === 'filled',
      );
      // Hyperliquid reports no partial fill on orderUpdates: fills() does.
      server.trade('BTC', 'buy', 101_000, 0.001);
      server.trade('BTC', 'buy', 101_000, 0.001);
      expect(await filled).toEqual({
        asset: 'BTC',
        clientOrderId: 's1:BTC-ask-31',
        venueOrderId: ask.venueOrderId,
        side: 'sell',
        price: 101_000,
        sizeBase: 0.002,
        filledBase: 0.002,
        status: 'filled',
      });

      const rejected = next(
        venue.orderUpdates(),
        (o) => o.clientOrderId === 's1:BTC-bid-32' && o.status === 'rejected',
      );
      expect((await failure(place('s1:BTC-bid-32', 'buy', 99_100, 0.001))).kind).toBe('rejected');
      expect(await rejected).toMatchObject({ side: 'buy', price: 99_100, filledBase: 0 });

      await place('s1:BTC-bid-33', 'buy', 96_000, 0.001);
      const replaced = next(venue.orderUpdates(), (o) => o.clientOrderId === 's1:BTC-bid-34');
      await venue.editOrder('BTC', 's1:BTC-bid-33', {
        newClientOrderId: 's1:BTC-bid-34',
        price: 96_500,
        sizeBase: 0.001,
      });
      expect(await replaced).toMatchObject({ status: 'open', price: 96_500 });
      await venue.cancelAll('BTC');

      const story = updates.values
        .filter((o: VenueOrder) => /^s1:BTC-(bid|ask)-3\d$/.test(o.clientOrderId))
        .map((o) => `${o.clientOrderId} ${o.status}`);
      expect(story).toEqual([
        's1:BTC-bid-30 open',
        's1:BTC-bid-30 canceled',
        's1:BTC-ask-31 open',
        's1:BTC-ask-31 filled',
        's1:BTC-bid-32 rejected',
        's1:BTC-bid-33 open',
        's1:BTC-bid-33 canceled',
        's1:BTC-bid-34 open',
        's1:BTC-bid-34 canceled',
      ]);
    } finally {
      updates.stop();
    }
  });

  it('recovers trades and order updates after a dropped websocket, without repeating trades', async () => {
    const tape = collect(venue.trades('BTC'));
    const updates = collect(venue.orderUpdates());
    try {
      for (const abrupt of [true, false]) {
        const before = tape.values.length;
        expect(server.dropWebsockets(abrupt)).toBeGreaterThan(0);
        await subscribed('trades:BTC');
        await subscribed(`orderUpdates:${USER}`);
        const id = `s1:BTC-bid-${abrupt ? 40 : 41}`;
        const opened = next(venue.orderUpdates(), (o) => o.clientOrderId === id);
        await place(id, 'buy', 95_000, 0.001);
        expect((await opened).status).toBe('open');
        serverMs += 1_000;
        const printed = next(venue.trades('BTC'), (t) => t.tsMs === serverMs);
        const filled = next(
          venue.orderUpdates(),
          (o) => o.clientOrderId === id && o.status === 'filled',
        );
        const [fill] = server.trade('BTC', 'sell', 95_000, 0.001);
        expect(await printed).toMatchObject({ tradeId: String(fill?.tid), takerSide: 'sell' });
        expect((await filled).filledBase).toBe(0.001);
        // The resubscription's snapshot of recent trades was not emitted again.
        expect(tape.values.slice(before).map((t: MarketTrade) => t.tradeId)).toEqual([
          String(fill?.tid),
        ]);
      }
      expect(updates.values.map((o) => `${o.clientOrderId} ${o.status}`)).toEqual([
        's1:BTC-bid-40 open',
        's1:BTC-bid-40 filled',
        's1:BTC-bid-41 open',
        's1:BTC-bid-41 filled',
      ]);
      expect(logLines.some((l) => l.includes('"stream":"trades BTC"'))).toBe(true);
      expect(logLines.some((l) => l.includes('"stream":"orders"'))).toBe(true);
    } finally {
      tape.stop();
      updates.stop();
    }
  });
});

describe('CcxtVenue configuration errors', () => {
  it('refuses paper mode without a test server or sandbox, and live mode without credentials', async () => {
    const paper = new CcxtVenue(
      { ...venueConfig(server), urls: undefined },
      { nowMs: () => 0, env: ENV },
    );
    expect((await failure(paper.connect())).kind).toBe('fatal');
    const live = new CcxtVenue(
      { ...venueConfig(server), mode: 'live', credentials: undefined },
      { nowMs: () => 0, env: ENV },
    );
    expect((await failure(live.connect())).message).toContain('live mode needs credentials');
  });

  it('names a missing variable, not its value; reports an unknown exchange as fatal', async () => {
    const missing = new CcxtVenue(venueConfig(server), {
      nowMs: () => 0,
      env: { TEST_HL_WALLET: WALLET },
    });
    const error = await failure(missing.connect());
    expect(error.kind).toBe('fatal');
    expect(error.message).toContain('TEST_HL_KEY');
    const unknown = new CcxtVenue(
      { ...venueConfig(server), exchange: 'nosuchexchange' },
      { nowMs: () => 0, env: ENV },
    );
    expect((await failure(unknown.connect())).message).toContain('nosuchexchange');
  });
});

describe('credentials', () => {
  const base = { name: 'v', mode: 'paper' as const };

  it('reads a JSON file and names the file and field on errors, never a value', async () => {
    const files: Record<string, string> = {
      '/ok.json': JSON.stringify({ walletAddress: WALLET, privateKey: PRIVATE_KEY }),
      '/bad.json': `{"privateKey": ${PRIVATE_KEY}}`,
      '/empty.json': JSON.stringify({ privateKey: '' }),
      '/odd.json': JSON.stringify({ urls: PRIVATE_KEY }),
    };
    const readFile = async (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
      return text;
    };
    const ok = await loadCredentials({ ...base, credentials: { file: '/ok.json' } }, { readFile });
    expect(ok.fields).toEqual({ walletAddress: WALLET, privateKey: PRIVATE_KEY });
    for (const [path, expected] of [
      ['/bad.json', 'credentials file /bad.json is not valid JSON'],
      ['/empty.json', "field 'privateKey' must be a non-empty string"],
      ['/odd.json', "unknown ccxt credential field 'urls'"],
      ['/none.json', 'credentials file /none.json cannot be read (ENOENT)'],
    ] as const) {
      const error = await failure(
        loadCredentials({ ...base, credentials: { file: path } }, { readFile }),
      );
      expect(error.kind).toBe('fatal');
      expect(error.message).toContain(expected);
    }
  });

  it('loads nothing in paper mode without credentials; requires them in live mode', async () => {
    expect((await loadCredentials(base)).fields).toEqual({});
    const error = await failure(loadCredentials({ ...base, mode: 'live' }));
    expect(error.message).toContain('live mode needs credentials');
  });

  it('redacts credential values, hex keys and key=value secrets', () => {
    const text = `wallet ${WALLET.toLowerCase()} key ${PRIVATE_KEY.slice(2)} apiKey=abc123 ok`;
    const out = redactSecrets(text, [WALLET]);
    for (const secret of [...SECRETS, 'abc123'])
      expect(out.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(out).toContain('ok');
  });
});

describe('classifyError', () => {
  it('maps ccxt error classes to venue error kinds', () => {
    const cases: Array<[Error, string]> = [
      [new NetworkError('x'), 'transient'],
      [new RequestTimeout('x'), 'transient'],
      [
        new ExchangeNotAvailable('hyperliquid POST http://h/info 503 Service Unavailable'),
        'transient',
      ],
      [new RateLimitExceeded('x'), 'rateLimited'],
      [new DDoSProtection('x'), 'rateLimited'],
      [new InvalidOrder('x'), 'rejected'],
      [new InsufficientFunds('x'), 'rejected'],
      [new OrderImmediatelyFillable('x'), 'rejected'],
      [new OrderNotFound('x'), 'notFound'],
      [new AuthenticationError('x'), 'fatal'],
      [new PermissionDenied('x'), 'fatal'],
      [new BadSymbol('x'), 'fatal'],
      [new NotSupported('x'), 'fatal'],
      [
        new ExchangeError('hyperliquid POST http://h/exchange 429 Too Many Requests'),
        'rateLimited',
      ],
      [new Error('socket hang up'), 'transient'],
    ];
    for (const [error, kind] of cases)
      expect([error.constructor.name, classifyError(error, 'v').kind]).toEqual([
        error.constructor.name,
        kind,
      ]);
  });

  it('keeps retryAfterMs for rate limits only and strips secrets from messages', () => {
    const limited = classifyError(new RateLimitExceeded('slow down'), 'v', { retryAfterMs: 1_500 });
    expect(limited.retryAfterMs).toBe(1_500);
    expect(
      classifyError(new NetworkError('x'), 'v', { retryAfterMs: 1_500 }).retryAfterMs,
    ).toBeUndefined();
    const leaky = classifyError(new AuthenticationError(`bad key ${PRIVATE_KEY}`), 'v', {
      secrets: [PRIVATE_KEY],
    });
    expect(leaky.message).not.toContain(PRIVATE_KEY.slice(2));
    expect(parseRetryAfterMs('3', 0)).toBe(3_000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfterMs(undefined, 0)).toBeUndefined();
  });
});
