import { Writable } from 'node:stream';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { InventoryBook } from '../src/engine/inventoryBook.js';
import { KillSwitch } from '../src/engine/killSwitch.js';
import { createLogger } from '../src/engine/logger.js';
import { createEngineMetrics } from '../src/metrics/engineMetrics.js';
import type { VenueFill } from '../src/venues/Venue.js';
import { GatedLedger, tempFileLedger } from './support/ledgers.js';
import { makeFill } from './support/redis.js';

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) await d();
});

const LOT_SIZE_BASE = { BTC: 0.01, ETH: 0.1 };

/** Yield to the event loop until `cond` holds (the test's timeout bounds it). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

/** Let every queued fill through the gate, one append at a time, until the book is idle. */
async function drain(book: InventoryBook, ledger: GatedLedger): Promise<void> {
  while (book.queued > 0) {
    ledger.release();
    await new Promise((r) => setImmediate(r));
  }
  await book.idle();
}

/** Non-zero entries only (the portfolio lists every asset it has seen, flat ones as 0). */
const nonZero = (lots: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(lots).filter(([, v]) => v !== 0));

/** An inventory book over a real file ledger behind a gate, recovered and recording. */
async function openBook(options: { onApplied?: (fill: VenueFill) => void } = {}) {
  const file = await tempFileLedger();
  disposers.push(file.dispose);
  const ledger = new GatedLedger(file.ledger);
  const killSwitch = new KillSwitch();
  const logLines: Array<{ msg: string }> = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      logLines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const book = new InventoryBook({
    ledger,
    lotSizeBase: LOT_SIZE_BASE,
    midPrices: () => ({ BTC: 100, ETH: 10 }),
    onApplied: options.onApplied ?? (() => {}),
    killSwitch,
    metrics: createEngineMetrics(),
    log: createLogger({ level: 'debug', destination }),
    recorder: { sleep: async () => {} },
  });
  await book.recover([]);
  const inventory = () => firstValueFrom(book.inventory$);
  return { book, ledger, killSwitch, inventory, logLines };
}

describe('InventoryBook pending exposure', () => {
  it('counts a fill as pending lots from arrival until durable, then as inventory', async () => {
    const { book, ledger, inventory } = await openBook();
    // 0.5 BTC at 0.01 BTC per lot: 50 lots.
    book.receive(makeFill({ fillId: 'b1', side: 'buy', sizeBase: 0.5 }));
    await until(() => ledger.held === 1);
    const before = await inventory();
    expect(nonZero(before.lotsByAsset)).toEqual({});
    expect(before.pendingLotsByAsset).toEqual({ BTC: 50 });
    await drain(book, ledger);
    const after = await inventory();
    expect(nonZero(after.lotsByAsset)).toEqual({ BTC: 50 });
    expect(after.pendingLotsByAsset).toBeUndefined();
    expect(book.fillsRecorded).toBe(1);
  });

  it('nets buys and sells per asset, in lots of each asset', async () => {
    const { book, ledger, inventory } = await openBook();
    book.receive(makeFill({ fillId: 'b', side: 'buy', sizeBase: 0.3 })); // +30 BTC lots
    book.receive(makeFill({ fillId: 's', side: 'sell', sizeBase: 0.1 })); // -10 BTC lots
    book.receive(makeFill({ fillId: 'e', asset: 'ETH', side: 'sell', sizeBase: 0.25 })); // -2.5
    const pending = (await inventory()).pendingLotsByAsset!;
    expect(pending.BTC).toBeCloseTo(20, 12);
    expect(pending.ETH).toBeCloseTo(-2.5, 12);
    await drain(book, ledger);
    const after = await inventory();
    expect(after.pendingLotsByAsset).toBeUndefined();
    expect(after.lotsByAsset.BTC).toBeCloseTo(20, 12);
    expect(after.lotsByAsset.ETH).toBeCloseTo(-2.5, 12);
  });

  it('a duplicate fill leaves the pending lots and changes no inventory', async () => {
    const { book, ledger, inventory } = await openBook();
    const fill = makeFill({ fillId: 'dup', side: 'buy', sizeBase: 0.2 });
    book.receive(fill);
    book.receive(fill);
    expect((await inventory()).pendingLotsByAsset).toEqual({ BTC: 40 });
    await drain(book, ledger);
    const after = await inventory();
    expect(after.pendingLotsByAsset).toBeUndefined();
    expect(nonZero(after.lotsByAsset)).toEqual({ BTC: 20 });
    expect(book.fillsRecorded).toBe(1);
  });

  it('an invalid fill leaves the pending lots; a non-finite size is never counted', async () => {
    const { book, ledger, inventory, logLines } = await openBook();
    book.receive(makeFill({ fillId: 'neg', price: -1, sizeBase: 0.1 }));
    expect((await inventory()).pendingLotsByAsset).toEqual({ BTC: 10 });
    book.receive(makeFill({ fillId: 'nan', sizeBase: Number.NaN }));
    expect((await inventory()).pendingLotsByAsset).toEqual({ BTC: 10 });
    await drain(book, ledger);
    const after = await inventory();
    expect(after.pendingLotsByAsset).toBeUndefined();
    expect(nonZero(after.lotsByAsset)).toEqual({});
    expect(logLines.filter((l) => l.msg === 'fill rejected')).toHaveLength(2);
  });

  it('while the ledger is down: quotes pulled, the fill stays pending; applied once it is back', async () => {
    const { book, ledger, inventory, killSwitch } = await openBook();
    ledger.down = new Error('ECONNREFUSED');
    book.receive(makeFill({ fillId: 'out', side: 'sell', sizeBase: 0.05 }));
    while (!killSwitch.killed) {
      ledger.release();
      await new Promise((r) => setImmediate(r));
    }
    expect(killSwitch.state.global.get('ledger')).toBe('ECONNREFUSED');
    expect((await inventory()).pendingLotsByAsset).toEqual({ BTC: -5 });
    ledger.down = null;
    await drain(book, ledger);
    expect(killSwitch.killed).toBe(false);
    const after = await inventory();
    expect(after.pendingLotsByAsset).toBeUndefined();
    expect(nonZero(after.lotsByAsset)).toEqual({ BTC: -5 });
  });

  it('an error after a fill is durable keeps it in the portfolio, pulls no quotes and counts it once', async () => {
    let calls = 0;
    const { book, ledger, inventory, killSwitch, logLines } = await openBook({
      onApplied: () => {
        calls++;
        throw new Error('bus rejected the fill');
      },
    });
    book.receive(makeFill({ fillId: 'x', side: 'buy', sizeBase: 0.1 }));
    await drain(book, ledger);
    expect(calls).toBe(1);
    expect(killSwitch.killed).toBe(false);
    const after = await inventory();
    expect(nonZero(after.lotsByAsset)).toEqual({ BTC: 10 });
    expect(after.pendingLotsByAsset).toBeUndefined();
    expect(logLines.map((l) => l.msg)).toContain(
      'fill durable in the ledger, but applying it failed',
    );
  });

  it('fills received before recovery are recorded right after it', async () => {
    const file = await tempFileLedger();
    disposers.push(file.dispose);
    const book = new InventoryBook({
      ledger: file.ledger,
      lotSizeBase: LOT_SIZE_BASE,
      midPrices: () => ({}),
      onApplied: () => {},
      killSwitch: new KillSwitch(),
      metrics: createEngineMetrics(),
      log: createLogger({ level: 'silent' }),
    });
    book.receive(makeFill({ fillId: 'early', sizeBase: 0.02 }));
    expect(book.queued).toBe(0);
    await book.recover([]);
    await book.idle();
    expect(book.portfolio.inventoryLots('BTC', LOT_SIZE_BASE.BTC)).toBeCloseTo(2, 12);
    expect((await file.ledger.load()).map((f) => f.fillId)).toEqual(['early']);
  });
});
