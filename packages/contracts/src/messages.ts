import { z } from 'zod';
import { DEFAULT_PARAM_BOUNDS, type ParamBounds, type RealRange } from './bounds.js';

/** Current envelope version; messages with any other `v` are rejected. */
export const ENVELOPE_VERSION = 1 as const;

/** Message types carried on the bus. */
export const MESSAGE_TYPES = ['snapshot', 'fill', 'params', 'control'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

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
    assets: z.array(assetParams).min(1),
    /** The update is stale (must not be applied) at or after this time, epoch ms. */
    validUntil: epochMs(),
  });
}

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
  ]);
}

export const messageSchema = makeMessageSchema();

export type Message = z.infer<typeof messageSchema>;
export type SnapshotMessage = Extract<Message, { type: 'snapshot' }>;
export type FillMessage = Extract<Message, { type: 'fill' }>;
export type ParamsMessage = Extract<Message, { type: 'params' }>;
export type ControlMessage = Extract<Message, { type: 'control' }>;
export type AssetSnapshot = z.infer<typeof assetSnapshotSchema>;
export type AssetParams = ParamsMessage['payload']['assets'][number];
