import type { EngineStatus } from '@mm/engine';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../src/statusTable.js';
import { parseStatusBlocks } from './fixtures/engine/engineHarness.js';

const ASSETS = [
  { symbol: 'BTC', lotSizeBase: 0.001, tickSize: 0.5 },
  { symbol: 'SOL', lotSizeBase: 0.5, tickSize: 0.005 },
];

function status(killed = false): EngineStatus {
  return {
    transport: 'redis',
    killed,
    killReasons: killed ? ['shutdown: SIGINT'] : [],
    fills: 12,
    ledgerQueued: 0,
    assets: [
      {
        asset: 'BTC',
        midPrice: 60_000.25,
        inventoryLots: -2,
        realizedQuote: 1.5,
        unrealizedQuote: -0.25,
        quotes: [
          { venue: 'sim-a', bid: 59_990.5, ask: 60_010 },
          { venue: 'sim-b', bid: 59_991, ask: null },
        ],
        volPerSqrtSec: 6,
        regime: null,
      },
      {
        asset: 'SOL',
        midPrice: 150.0125,
        inventoryLots: 3,
        realizedQuote: -0.5,
        unrealizedQuote: 0.05,
        quotes: [{ venue: 'sim-a', bid: 149.995, ask: 150.03 }],
        volPerSqrtSec: 0.015,
        regime: null,
      },
    ],
    portfolio: { model: 'multi', risk: 0.012345, realizedQuote: 1, unrealizedQuote: -0.2 },
  };
}

describe('the status table of mm run / mm start', () => {
  const text = formatStatus(status(), ASSETS);
  const lines = text.split('\n');

  it('has a unit on every money and size column', () => {
    expect(lines[1]).toMatch(
      /asset\s+venue\s+mid \(quote\)\s+bid \(quote\)\s+ask \(quote\)\s+inv \(lots\)\s+notional \(quote\)\s+realized \(quote\)\s+open P&L \(quote\)/,
    );
  });

  it("shows each venue's own quotes, to the tick's decimals", () => {
    const [block] = parseStatusBlocks(`${text}\n`);
    const btc = block!.rows.find((r) => r.asset === 'BTC')!;
    expect(btc.venues).toEqual([
      { venue: 'sim-a', bid: 59_990.5, ask: 60_010 },
      { venue: 'sim-b', bid: 59_991, ask: null },
    ]);
    expect(btc.bid).toBe(59_991); // the best over venues
    expect(text).toContain('60010.0'); // tick 0.5: one decimal
    expect(text).toContain('149.995'); // tick 0.005: three decimals
    expect(text).toContain('60000.25'); // the mid: one more
  });

  it('adds portfolio totals: notional = inventory x lot x mid, P&L = realized + open', () => {
    // BTC -2 x 0.001 x 60000.25 = -120.0005; SOL 3 x 0.5 x 150.0125 = 225.01875
    const total = lines.find((l) => l.trimStart().startsWith('total'))!;
    expect(total).toMatch(/net 105\.02\s+1\.00\s+-0\.20$/);
    const portfolio = lines.at(-1)!;
    expect(portfolio).toBe(
      "  portfolio (multi): P&L 0.80 (realized 1.00 + open -0.20), gross notional 345.02, net 105.02 (quote currency); risk q'Sigma q 0.01235 (quote^2/s)",
    );
    expect(parseStatusBlocks(`${text}\n`)[0]!.portfolio).toBe(portfolio.trim());
  });

  it('says when the kill switch holds', () => {
    expect(formatStatus(status(true), ASSETS).split('\n')[0]).toBe(
      'transport redis | fills 12 | KILLED (shutdown: SIGINT)',
    );
  });
});
