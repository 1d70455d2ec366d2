import { z } from 'zod';
import { DEFAULT_PARAM_BOUNDS, type ParamBounds, type RealRange } from './bounds.js';

/**
 * Current envelope version; messages with any other `v` are rejected (v1, unsigned, since every
 * publisher moved to v2). See `codec.ts` for the signed wire form.
 */
export const ENVELOPE_VERSION = 2 as const;

/** Message types carried on the bus. */
export const MESSAGE_TYPES = [
  'snapshot',
  'fill',
  'params',
  'control',
  'portfolio-params',
  'inventory',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Largest portfolio in a `portfolio-params` message, assets (bounds the matrix to 64 x 64). */
export const MAX_PORTFOLIO_ASSETS = 64;
/** Largest number of assets in one shard's `inventory` message. */
export const MAX_INVENTORY_ASSETS = 256;

// z.number() rejects NaN and +-Infinity in zod 4; JSON "1e999" parses to Infinity and is rejected.
const finite = () => z.number();
const positive = () => z.number().positive();
const nonEmpty = () => z.string().min(1).max(128);
/** Epoch milliseconds. */
const epochMs = () => z.number().int().nonnegative();

const quoteSideSchema = z.strictObject({
  /** Quote price, quote currency. */
  price: positive(),
  /** Quote size, lots. */
  lots: positive(),
});

export const assetSnapshotSchema = z.strictObject({
  asset: nonEmpty(),
  /** Mid price, quote currency. */
  mid: positive(),
  quotes: z.strictObject({ bid: quoteSideSchema.nullable(), ask: quoteSideSchema.nullable() }),
  /** Signed portfolio inventory, lots. */
  inventoryLots: finite(),
  pnl: z.strictObject({
    /** Realized PnL, quote currency. */
    realized: finite(),
    /** Mark-to-mid PnL of the open inventory, quote currency. */
    unrealized: finite(),
  }),
});

export const snapshotPayloadSchema = z.strictObject({ assets: z.array(assetSnapshotSchema) });

export const fillPayloadSchema = z.strictObject({
  id: nonEmpty(),
  asset: nonEmpty(),
  venue: nonEmpty(),
  side: z.enum(['buy', 'sell']),
  /** Fill price, quote currency. */
  price: positive(),
  /** Fill size, lots. */
  lots: positive(),
  role: z.enum(['maker', 'taker']),
  /** Fee paid, quote currency (negative for a rebate). */
  fee: finite(),
  /** Venue fill time, epoch ms. */
  ts: epochMs(),
});

export const controlPayloadSchema = z.strictObject({
  command: z.enum(['kill', 'resume']),
  /** One asset, or every asset when absent. */
  asset: nonEmpty().optional(),
  reason: z.string().max(1000).optional(),
});

function realIn(range: RealRange) {
  const base = range.minExclusive ? z.number().gt(range.min) : z.number().gte(range.min);
  return base.lte(range.max);
}

/** Parameter-update payload schema for the given bounds. */
export function makeParamsPayloadSchema(bounds: ParamBounds = DEFAULT_PARAM_BOUNDS) {
  const assetParams = z.strictObject({
    asset: nonEmpty(),
    sigma: realIn(bounds.sigma),
    A: realIn(bounds.A),
    k: realIn(bounds.k),
    gamma: realIn(bounds.gamma),
    phi: realIn(bounds.phi).optional(),
    qMax: z.number().int().gte(bounds.qMax.min).lte(bounds.qMax.max),
    /** The regime these parameters are for, by name (assets quoted with regime switching). */
    regime: nonEmpty().optional(),
  });
  return z.strictObject({
    /** At most MAX_PORTFOLIO_ASSETS entries: a deployment quotes a few dozen assets at most. */
    assets: z.array(assetParams).min(1).max(MAX_PORTFOLIO_ASSETS),
    /** The update is stale (must not be applied) at or after this time, epoch ms. */
    validUntil: epochMs(),
  });
}

/** An n x n matrix of finite numbers, n = the number of assets named next to it. */
const matrixSchema = (entry: z.ZodNumber) =>
  z.array(z.array(entry).max(MAX_PORTFOLIO_ASSETS)).max(MAX_PORTFOLIO_ASSETS);

/**
 * Portfolio parameters for the multi-asset policy (issue 10): one risk aversion and either the
 * correlation of mid changes (used with each asset's configured `sigma`) or the covariance.
 * Shape and finiteness are checked here; positive semi-definiteness is the consumer's check.
 */
export function makePortfolioParamsPayloadSchema(bounds: ParamBounds = DEFAULT_PARAM_BOUNDS) {
  return z
    .strictObject({
      /** Asset symbols, in the order of the matrix rows and columns. */
      assets: z.array(nonEmpty()).min(1).max(MAX_PORTFOLIO_ASSETS),
      /** Risk aversion of the book, per unit of quote currency. */
      gamma: realIn(bounds.portfolioGamma),
      /** Correlation of mid changes, entries in [-1, 1]. */
      correlation: matrixSchema(z.number().gte(-1).lte(1)).optional(),
      /** Covariance Sigma, quote currency^2 per second per (asset unit)^2. */
      covariance: matrixSchema(
        z.number().gte(-bounds.covarianceAbsMax).lte(bounds.covarianceAbsMax),
      ).optional(),
      /** The update is stale (must not be applied) at or after this time, epoch ms. */
      validUntil: epochMs(),
    })
    .superRefine((p, ctx) => {
      if (new Set(p.assets).size !== p.assets.length) {
        ctx.addIssue({ code: 'custom', path: ['assets'], message: 'expected distinct assets' });
      }
      const given = (['correlation', 'covariance'] as const).filter((k) => p[k] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: given.length === 0 ? ['correlation'] : ['covariance'],
          message: 'give exactly one of correlation or covariance',
        });
        return;
      }
      const key = given[0]!;
      const rows = p[key]!;
      const n = p.assets.length;
      if (rows.length !== n) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `expected ${n} rows (one per asset), got ${rows.length}`,
        });
      }
      rows.forEach((row, i) => {
        if (row.length !== n) {
          ctx.addIssue({
            code: 'custom',
            path: [key, i],
            message: `expected ${n} entries, got ${row.length}`,
          });
        }
      });
    });
}

/**
 * One shard's inventory (issue 15): lots per asset after the shard's fill number `seq` (a
 * consumer keeps the highest `seq` per shard and ignores older messages).
 */
export const inventoryPayloadSchema = z
  .strictObject({
    shard: nonEmpty(),
    /** The shard's fill sequence number this inventory includes, counting from 0. */
    seq: z.number().int().nonnegative(),
    /** Signed inventory per asset, lots. */
    assets: z.record(nonEmpty(), finite()),
  })
  .refine((p) => Object.keys(p.assets).length <= MAX_INVENTORY_ASSETS, {
    path: ['assets'],
    message: `expected at most ${MAX_INVENTORY_ASSETS} assets`,
  });

const envelopeBase = {
  v: z.literal(ENVELOPE_VERSION),
  /** Publish time, epoch ms. */
  ts: epochMs(),
  /** Publisher identity, e.g. `engine:shard-0` or `optimizer`. */
  source: nonEmpty(),
};

/** Envelope schema `{v, type, ts, source, payload}` for the given parameter bounds. */
export function makeMessageSchema(bounds: ParamBounds = DEFAULT_PARAM_BOUNDS) {
  return z.discriminatedUnion('type', [
    z.strictObject({
      ...envelopeBase,
      type: z.literal('snapshot'),
      payload: snapshotPayloadSchema,
    }),
    z.strictObject({ ...envelopeBase, type: z.literal('fill'), payload: fillPayloadSchema }),
    z.strictObject({
      ...envelopeBase,
      type: z.literal('params'),
      payload: makeParamsPayloadSchema(bounds),
    }),
    z.strictObject({ ...envelopeBase, type: z.literal('control'), payload: controlPayloadSchema }),
    z.strictObject({
      ...envelopeBase,
      type: z.literal('portfolio-params'),
      payload: makePortfolioParamsPayloadSchema(bounds),
    }),
    z.strictObject({
      ...envelopeBase,
      type: z.literal('inventory'),
      payload: inventoryPayloadSchema,
    }),
  ]);
}

/**
 * Whether a message is accepted only with a valid signature: whatever steers an engine does
 * (parameters, inventory from other shards, a resume). A kill does not: anyone who can write to
 * the bus may stop quoting (failing safe), only a key holder may start it again.
 */
export function requiresSignature(message: Message): boolean {
  switch (message.type) {
    case 'params':
    case 'portfolio-params':
    case 'inventory':
      return true;
    case 'control':
      return message.payload.command !== 'kill';
    case 'fill':
    case 'snapshot':
      return false;
  }
}

export const messageSchema = makeMessageSchema();

export type Message = z.infer<typeof messageSchema>;
export type SnapshotMessage = Extract<Message, { type: 'snapshot' }>;
export type FillMessage = Extract<Message, { type: 'fill' }>;
export type ParamsMessage = Extract<Message, { type: 'params' }>;
export type ControlMessage = Extract<Message, { type: 'control' }>;
export type PortfolioParamsMessage = Extract<Message, { type: 'portfolio-params' }>;
export type InventoryMessage = Extract<Message, { type: 'inventory' }>;
export type AssetSnapshot = z.infer<typeof assetSnapshotSchema>;
export type AssetParams = ParamsMessage['payload']['assets'][number];
