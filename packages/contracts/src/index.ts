export { DEFAULT_PARAM_BOUNDS, type IntRange, type ParamBounds, type RealRange } from './bounds.js';
export {
  BUS_KEY_ENV,
  BUS_KEY_FILE_FIELD,
  BusKey,
  BusKeyError,
  loadBusKey,
  MIN_BUS_KEY_BYTES,
} from './busKey.js';
export {
  type Codec,
  type CodecOptions,
  createCodec,
  type DecodeResult,
  decode,
  type EncodeResult,
  encode,
  MAX_MESSAGE_CHARS,
} from './codec.js';
export {
  type Connected,
  type ConnectOptions,
  connectTransport,
  RedisUnavailableError,
} from './connectTransport.js';
export { displayUrl } from './displayUrl.js';
export { type BusError, type BusErrorCode, busError } from './errors.js';
export { InProcessTransport } from './inProcessTransport.js';
export { checkPrefix, type DeploymentKeys, keysFor } from './keys.js';
export {
  type AssetParams,
  type AssetSnapshot,
  assetSnapshotSchema,
  type ControlMessage,
  controlPayloadSchema,
  ENVELOPE_VERSION,
  type FillMessage,
  fillPayloadSchema,
  type InventoryMessage,
  inventoryPayloadSchema,
  MAX_INVENTORY_ASSETS,
  MAX_PORTFOLIO_ASSETS,
  MESSAGE_TYPES,
  type Message,
  type MessageType,
  makeMessageSchema,
  makeParamsPayloadSchema,
  makePortfolioParamsPayloadSchema,
  messageSchema,
  type ParamsMessage,
  type PortfolioParamsMessage,
  requiresSignature,
  type SnapshotMessage,
  snapshotPayloadSchema,
} from './messages.js';
export { redactSecretsOf, redactUrl } from './redactUrl.js';
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
