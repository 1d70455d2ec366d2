import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InProcessTransport } from '@mm/contracts';
import ccxt from 'ccxt';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseEngineConfig } from '../src/config/engineConfigSchema.js';
import { loadEngineConfig } from '../src/config/loadEngineConfig.js';
import { Engine } from '../src/engine/Engine.js';
import { createLogger } from '../src/engine/logger.js';
import { HyperliquidServer } from './support/hyperliquidServer.js';

/** The example configs of ccxt venues in paper mode (examples/venues/). */
const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/venues/', import.meta.url));
const EXAMPLES = ['hyperliquid-paper.yaml', 'binance-paper.yaml', 'bybit-paper.yaml'];

/** Throwaway test credentials (a well-known example key; never funded), as in ccxtVenue.test.ts. */
const WALLET = '0x8Ba1f109551bD432803012645Ac136ddd64DBA72';
const PRIVATE_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';

/** The part of a ccxt.pro exchange class the check uses. */
type ProExchangeClass = new (
  options: object,
) => {
  has: Record<string, unknown>;
  setSandboxMode(enabled: boolean): void;
};

/** Bounded wait for a condition that an event (an order reaching the server) makes true. */
async function until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  for (let waited = 0; !done(); waited += 50) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(EXAMPLES)('examples/venues/%s', (file) => {
  const full = path.join(EXAMPLES_DIR, file);

  it('is a valid engine config: ccxt venues in paper mode on the testnet, keys only from the environment', async () => {
    const config = await loadEngineConfig(full);
    expect(config.venues.length).toBeGreaterThan(0);
    for (const venue of config.venues) {
      expect(venue.kind).toBe('ccxt');
      if (venue.kind !== 'ccxt') continue;
      expect(venue.mode).toBe('paper');
      expect(venue.sandbox).toBe(true);
      expect(venue.urls).toBeUndefined();
      expect(Object.keys(venue.symbols).sort()).toEqual(config.assets.map((a) => a.symbol).sort());
      expect(venue.credentials?.file).toBeUndefined();
      expect(
        Object.values(venue.credentials?.env ?? {}).every((v) => /^[A-Z][A-Z0-9_]*$/.test(v)),
      ).toBe(true);
      // the exchange exists in ccxt.pro, streams books and our trades, and has a testnet
      const Exchange = (ccxt.pro as unknown as Record<string, ProExchangeClass>)[venue.exchange];
      expect(Exchange, `ccxt.pro.${venue.exchange}`).toBeDefined();
      const exchange = new Exchange!({ options: venue.options ?? {} });
      expect(exchange.has.watchOrderBook).toBe(true);
      expect(exchange.has.watchMyTrades).toBe(true);
      expect(() => exchange.setSandboxMode(true)).not.toThrow();
    }
  });
});

describe('examples/venues/hyperliquid-paper.yaml against the local Hyperliquid-protocol server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('quotes both assets on both sides, then stops with no order left', async () => {
    const server = await HyperliquidServer.start({ user: WALLET });
    cleanups.push(() => server.close());
    const ledgerDir = await mkdtemp(path.join(tmpdir(), 'mm-example-hl-'));
    cleanups.push(() => rm(ledgerDir, { recursive: true, force: true }));

    // The example as shipped, pointed at the local server instead of the testnet.
    const raw = parseYaml(
      await readFile(path.join(EXAMPLES_DIR, 'hyperliquid-paper.yaml'), 'utf8'),
    ) as {
      venues: Record<string, unknown>[];
    } & Record<string, unknown>;
    const config = parseEngineConfig({
      ...raw,
      venues: raw.venues.map((v) => ({
        ...v,
        sandbox: false,
        urls: { rest: server.restUrl, ws: server.wsUrl },
        options: { ws: { backoff: { base: 10 } } },
      })),
      metrics: { enabled: false },
      ledger: { dir: ledgerDir },
    });
    const engine = await Engine.start(config, {
      logger: createLogger({ level: process.env.DEBUG_EXAMPLE ? 'debug' : 'silent' }),
      transport: new InProcessTransport(),
      env: { HL_WALLET_ADDRESS: WALLET, HL_PRIVATE_KEY: PRIVATE_KEY },
    });
    let stopped = false;
    cleanups.push(async () => {
      if (!stopped) await engine.stop('test cleanup');
    });

    // A live market pushes books continuously: re-send both every 200 ms (the engine pulls its
    // quotes when no book arrives within staleDataTimeoutMs).
    const pushBooks = () => {
      server.setBook('BTC', [[99_990, 1.5]], [[100_010, 2]]);
      server.setBook('ETH', [[2_999.5, 10]], [[3_000.5, 10]]);
    };
    const ticker = setInterval(pushBooks, 200);
    cleanups.push(async () => clearInterval(ticker));
    for (const key of ['l2Book:BTC', 'l2Book:ETH'])
      if (server.subscriberCount(key) === 0) await server.waitForSubscription(key);
    pushBooks();

    const sides = () => new Set(server.openOrders().map((o) => `${o.coin} ${o.side}`));
    await until('a bid and an ask on BTC and ETH', () =>
      ['BTC B', 'BTC A', 'ETH B', 'ETH A'].every((s) => sides().has(s)),
    );
    for (const o of server.openOrders()) {
      const [bestBid, bestAsk] = o.coin === 'BTC' ? [99_990, 100_010] : [2_999.5, 3_000.5];
      // post-only quotes rest on their side of the book, in the example's lot size
      if (o.side === 'B') expect(o.limitPx).toBeLessThan(bestAsk);
      else expect(o.limitPx).toBeGreaterThan(bestBid);
      expect(o.origSz).toBeCloseTo(o.coin === 'BTC' ? 0.0002 : 0.005, 10);
    }

    const report = await engine.stop('test done');
    stopped = true;
    expect(report.leftoverOrders).toBe(0);
    expect(server.openOrders()).toEqual([]);
  }, 90_000);
});
