import fc from 'fast-check';
import type { Message } from '../../src/index.js';

const noNegZero = (x: number) => !Object.is(x, -0);
const finite = fc.double({ min: -1e12, max: 1e12, noNaN: true }).filter(noNegZero);
const positive = (max = 1e9) => fc.double({ min: 1e-9, max, noNaN: true });
const name = fc.string({ minLength: 1, maxLength: 12 });
const epochMs = fc.integer({ min: 0, max: 4_102_444_800_000 });

const quoteSide = fc.option(fc.record({ price: positive(), lots: positive(1e6) }), { nil: null });

const snapshotPayload = fc.record({
  assets: fc.array(
    fc.record({
      asset: name,
      mid: positive(),
      quotes: fc.record({ bid: quoteSide, ask: quoteSide }),
      inventoryLots: finite,
      pnl: fc.record({ realized: finite, unrealized: finite }),
    }),
    { maxLength: 4 },
  ),
});

const fillPayload = fc.record({
  id: name,
  asset: name,
  venue: name,
  side: fc.constantFrom('buy' as const, 'sell' as const),
  price: positive(),
  lots: positive(1e6),
  role: fc.constantFrom('maker' as const, 'taker' as const),
  fee: finite,
  ts: epochMs,
});

const paramsPayload = fc.record({
  assets: fc.array(
    fc.record(
      {
        asset: name,
        sigma: positive(1e6),
        A: positive(1e4),
        k: positive(1e6),
        gamma: positive(1e3),
        phi: fc.double({ min: 0, max: 1e6, noNaN: true }).filter(noNegZero),
        qMax: fc.integer({ min: 1, max: 10_000 }),
      },
      { requiredKeys: ['asset', 'sigma', 'A', 'k', 'gamma', 'qMax'] },
    ),
    { minLength: 1, maxLength: 4 },
  ),
  validUntil: epochMs,
});

const controlPayload = fc.record(
  {
    command: fc.constantFrom('kill' as const, 'resume' as const),
    asset: name,
    reason: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: ['command'] },
);

/** A portfolio of n distinct assets with an n x n matrix (entries in [-1, 1] fit both kinds). */
const portfolioPayload = fc
  .uniqueArray(name, { minLength: 1, maxLength: 5 })
  .chain((assets) =>
    fc.record({
      assets: fc.constant(assets),
      gamma: positive(1e3),
      matrix: fc.array(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }).filter(noNegZero), {
          minLength: assets.length,
          maxLength: assets.length,
        }),
        { minLength: assets.length, maxLength: assets.length },
      ),
      kind: fc.constantFrom('correlation' as const, 'covariance' as const),
      validUntil: epochMs,
    }),
  )
  .map(({ matrix, kind, ...rest }) => ({ ...rest, [kind]: matrix }));

const inventoryPayload = fc.record({
  shard: name,
  seq: fc.nat(),
  assets: fc.dictionary(name, finite, { maxKeys: 4 }),
});

const base = { v: fc.constant(2 as const), ts: epochMs, source: name };

/** Arbitrary valid bus message under the default bounds. */
export const messageArb: fc.Arbitrary<Message> = fc.oneof(
  fc.record({ ...base, type: fc.constant('snapshot' as const), payload: snapshotPayload }),
  fc.record({ ...base, type: fc.constant('fill' as const), payload: fillPayload }),
  fc.record({ ...base, type: fc.constant('params' as const), payload: paramsPayload }),
  fc.record({ ...base, type: fc.constant('control' as const), payload: controlPayload }),
  fc.record({
    ...base,
    type: fc.constant('portfolio-params' as const),
    payload: portfolioPayload,
  }) as fc.Arbitrary<Message>,
  fc.record({ ...base, type: fc.constant('inventory' as const), payload: inventoryPayload }),
);

/** A valid fill message with the given id. */
export function fill(id: string, ts = 1_700_000_000_000): Message {
  return {
    v: 2,
    type: 'fill',
    ts,
    source: 'test',
    payload: {
      id,
      asset: 'BTC',
      venue: 'hyperliquid',
      side: 'buy',
      price: 50_000.5,
      lots: 2,
      role: 'maker',
      fee: -0.01,
      ts,
    },
  };
}

/** A valid parameter update. */
export function params(): Message {
  return {
    v: 2,
    type: 'params',
    ts: 1_700_000_000_000,
    source: 'optimizer',
    payload: {
      assets: [{ asset: 'BTC', sigma: 2.5, A: 140, k: 1.5, gamma: 0.1, phi: 0.001, qMax: 10 }],
      validUntil: 1_700_000_060_000,
    },
  };
}

/** A valid portfolio-params message over BTC and ETH (correlation 0.6). */
export function portfolioParams(): Message {
  return {
    v: 2,
    type: 'portfolio-params',
    ts: 1_700_000_000_000,
    source: 'optimizer',
    payload: {
      assets: ['BTC', 'ETH'],
      gamma: 1e-4,
      correlation: [
        [1, 0.6],
        [0.6, 1],
      ],
      validUntil: 1_700_000_060_000,
    },
  };
}

/** A control message. */
export function control(command: 'kill' | 'resume', asset?: string): Message {
  return {
    v: 2,
    type: 'control',
    ts: 1_700_000_000_000,
    source: 'cli',
    payload: { command, ...(asset === undefined ? {} : { asset }), reason: 'test' },
  };
}
