import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssetState } from '../src/model/assetState.js';
import type { QuoteIntent } from '../src/model/quote.js';
import { type RiskGateInput, type RiskLimits, riskGate } from '../src/pipeline/riskGate.js';
import { initialAssetState, reduceBook } from '../src/pipeline/stateReducer.js';

const limits: RiskLimits = {
  positionLimitLots: 5,
  portfolioNotionalLimit: 10_000,
  staleDataTimeoutMs: 1000,
  priceBandBps: 100,
};
const state: AssetState = reduceBook(initialAssetState, {
  tMs: 0,
  bids: [[99.9, 1]],
  asks: [[100.1, 1]],
});
const intent: QuoteIntent = {
  bid: { price: 99.5, sizeLots: 1 },
  ask: { price: 100.5, sizeLots: 1 },
};
const base: RiskGateInput = {
  intent,
  state,
  inventoryLots: 0,
  portfolioNotional: 0,
  lotSizeBase: 1,
  limits,
  nowMs: 10,
  killSwitch: false,
};

describe('risk gate', () => {
  it('allows a sane intent unchanged', () => {
    expect(riskGate(base)).toEqual({ intent, reasons: [] });
  });

  it.each([
    ['killSwitch', { killSwitch: true }],
    ['notReady', { state: initialAssetState }],
    ['invalidBook', { state: { ...state, invalid: 'crossed' as const, ready: false } }],
    ['staleData', { nowMs: 1000 }],
    ['priceJump', { state: { ...state, midJumpBps: 150 } }],
    ['crossedIntent', { intent: { bid: { price: 101, sizeLots: 1 }, ask: intent.ask } }],
    ['nonFiniteIntent', { intent: { bid: { price: Number.NaN, sizeLots: 1 }, ask: null } }],
  ])('pulls both sides on %s', (reason, patch) => {
    expect(riskGate({ ...base, ...patch })).toEqual({
      intent: { bid: null, ask: null },
      reasons: [reason],
    });
  });

  it('pulls the bid at +limit and the ask at -limit', () => {
    expect(riskGate({ ...base, inventoryLots: 5 })).toEqual({
      intent: { bid: null, ask: intent.ask },
      reasons: ['positionLimit'],
    });
    expect(riskGate({ ...base, inventoryLots: -5 }).intent).toEqual({ bid: intent.bid, ask: null });
  });

  it('pulls only the risk-adding side at the portfolio notional limit', () => {
    const r = riskGate({ ...base, inventoryLots: 2, portfolioNotional: 9_950 });
    expect(r).toEqual({ intent: { bid: null, ask: intent.ask }, reasons: ['portfolioNotional'] });
  });

  it('pulls a side quoted outside the price band', () => {
    const r = riskGate({ ...base, intent: { ...intent, ask: { price: 102, sizeLots: 1 } } });
    expect(r).toEqual({ intent: { bid: intent.bid, ask: null }, reasons: ['outsideBand'] });
  });

  it('never rests a bid that could take inventory beyond +limit (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 20_000, noNaN: true }),
        (q, limit, size, notional) => {
          const r = riskGate({
            ...base,
            inventoryLots: q,
            portfolioNotional: notional,
            limits: { ...limits, positionLimitLots: limit },
            intent: {
              bid: { price: 99.5, sizeLots: size },
              ask: { price: 100.5, sizeLots: size },
            },
          });
          if (q >= limit) expect(r.intent.bid).toBeNull();
          if (q <= -limit) expect(r.intent.ask).toBeNull();
          if (r.intent.bid) expect(q + size).toBeLessThanOrEqual(limit);
          if (r.intent.ask) expect(q - size).toBeGreaterThanOrEqual(-limit);
        },
      ),
    );
  });
});
