export { DEFAULT_PARAM_BOUNDS, type IntRange, type ParamBounds, type RealRange } from './bounds.js';
export {
  type Codec,
  createCodec,
  type DecodeResult,
  decode,
  type EncodeResult,
  encode,
} from './codec.js';
export { type Connected, type ConnectOptions, connectTransport } from './connectTransport.js';
export { displayUrl } from './displayUrl.js';
export { type BusError, type BusErrorCode, busError } from './errors.js';
export { InProcessTransport } from './inProcessTransport.js';
export {
  type AssetParams,
  type AssetSnapshot,
  assetSnapshotSchema,
  type ControlMessage,
  controlPayloadSchema,
  ENVELOPE_VERSION,
  type FillMessage,
  fillPayloadSchema,
  MESSAGE_TYPES,
  type Message,
  type MessageType,
  makeMessageSchema,
  makeParamsPayloadSchema,
  messageSchema,
  type ParamsMessage,
  type SnapshotMessage,
  snapshotPayloadSchema,
} from './messages.js';
export { RedisTransport, type RedisTransportOptions, STREAM_FIELD } from './redisTransport.js';
export { type StreamNames, streamFor, streamNames } from './streams.js';
export type {
  MessageHandler,
  RejectLogger,
  SubscribeOptions,
  Subscription,
  Transport,
  TransportKind,
  TransportOptions,
  TransportStats,
} from './transport.js';
