import type { z } from 'zod';
import { DEFAULT_PARAM_BOUNDS, type ParamBounds } from './bounds.js';
import { BUS_KEY_ENV, BUS_KEY_FILE_FIELD, type BusKey } from './busKey.js';
import { type BusError, busError } from './errors.js';
import {
  ENVELOPE_VERSION,
  type Message,
  makeMessageSchema,
  requiresSignature,
} from './messages.js';

/** `signed`: the message carried a valid signature by this codec's key. */
export type DecodeResult =
  | { ok: true; message: Message; signed: boolean }
  | { ok: false; error: BusError };
export type EncodeResult = { ok: true; raw: string } | { ok: false; error: BusError };

/** Largest encoded message accepted, bytes of JSON text (a 64-asset covariance is ~100 KB). */
export const MAX_MESSAGE_CHARS = 1_000_000;

/**
 * Encodes/decodes bus messages against one set of parameter bounds, signing with `key` when one
 * is given. Never throws.
 *
 * Wire form (envelope v2, the stream field `m`): `{"v":2,"body":"<JSON of the message>","sig":
 * "<hex>"}`. `sig` is HMAC-SHA256 over the exact bytes of `body` (see `BusKey.sign`), absent when
 * the publisher has no key. A message that `requiresSignature` is rejected without a valid one
 * (`UNSIGNED`), a message with a wrong signature always (`BAD_SIGNATURE`).
 */
export interface Codec {
  encode(message: Message): EncodeResult;
  decode(raw: string): DecodeResult;
}

export interface CodecOptions {
  /** Signs every message published and checks signatures received; null: neither. */
  readonly key?: BusKey | null;
}

function firstIssue(error: z.ZodError, prefix = ''): BusError {
  const issue = error.issues[0];
  if (issue === undefined) return busError('INVALID_MESSAGE', prefix, 'invalid message');
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  return busError('INVALID_MESSAGE', path, issue.message);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: BusError } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    const detail = e instanceof Error ? e.message : 'invalid JSON';
    return { ok: false, error: busError('INVALID_JSON', '', detail) };
  }
}

function versionError(v: unknown): BusError {
  const got = v === undefined ? 'nothing' : JSON.stringify(v).slice(0, 40);
  return busError('UNSUPPORTED_VERSION', 'v', `expected ${ENVELOPE_VERSION}, got ${got}`);
}

export function createCodec(
  bounds: ParamBounds = DEFAULT_PARAM_BOUNDS,
  options: CodecOptions = {},
): Codec {
  const schema = makeMessageSchema(bounds);
  const key = options.key ?? null;
  const validate = (
    value: unknown,
  ): { ok: true; message: Message } | { ok: false; error: BusError } => {
    if (!isRecord(value)) {
      return { ok: false, error: busError('INVALID_MESSAGE', '', 'expected a JSON object') };
    }
    if (value.v !== ENVELOPE_VERSION) return { ok: false, error: versionError(value.v) };
    const parsed = schema.safeParse(value);
    return parsed.success
      ? { ok: true, message: parsed.data as Message }
      : { ok: false, error: firstIssue(parsed.error) };
  };
  return {
    encode(message) {
      const checked = validate(message);
      if (!checked.ok) return checked;
      const body = JSON.stringify(checked.message);
      const wire: { v: number; body: string; sig?: string } = { v: ENVELOPE_VERSION, body };
      if (key !== null) wire.sig = key.sign(body);
      return { ok: true, raw: JSON.stringify(wire) };
    },
    decode(raw) {
      if (raw.length > MAX_MESSAGE_CHARS) {
        return {
          ok: false,
          error: busError(
            'TOO_LARGE',
            '',
            `${raw.length} characters, at most ${MAX_MESSAGE_CHARS}`,
          ),
        };
      }
      const outer = parseJson(raw);
      if (!outer.ok) return outer;
      const wire = outer.value;
      if (!isRecord(wire)) {
        return { ok: false, error: busError('INVALID_MESSAGE', '', 'expected a JSON object') };
      }
      if (wire.v !== ENVELOPE_VERSION) return { ok: false, error: versionError(wire.v) };
      const { body, sig } = wire;
      if (typeof body !== 'string') {
        return {
          ok: false,
          error: busError('INVALID_MESSAGE', 'body', 'expected the message as a JSON string'),
        };
      }
      if (sig !== undefined && typeof sig !== 'string') {
        return { ok: false, error: busError('INVALID_MESSAGE', 'sig', 'expected a hex string') };
      }
      const extra = Object.keys(wire).find((k) => k !== 'v' && k !== 'body' && k !== 'sig');
      if (extra !== undefined) {
        return {
          ok: false,
          error: busError(
            'INVALID_MESSAGE',
            '',
            `unrecognized key ${JSON.stringify(extra.slice(0, 40))}`,
          ),
        };
      }
      // Checked before the body is even parsed: a forged message costs one HMAC, nothing more.
      let signed = false;
      if (sig !== undefined && key !== null) {
        if (!key.verify(body, sig)) {
          return {
            ok: false,
            error: busError('BAD_SIGNATURE', 'sig', 'does not match the bus key'),
          };
        }
        signed = true;
      }
      const inner = parseJson(body);
      if (!inner.ok)
        return {
          ok: false,
          error: { ...inner.error, path: 'body', message: `body: ${inner.error.message}` },
        };
      const checked = validate(inner.value);
      if (!checked.ok) return checked;
      if (!signed && requiresSignature(checked.message)) {
        const why =
          key === null
            ? `this process has no bus key to check it (set ${BUS_KEY_ENV} or ${BUS_KEY_FILE_FIELD})`
            : 'it carries none';
        return {
          ok: false,
          error: busError(
            'UNSIGNED',
            'sig',
            `${checked.message.type} messages must be signed with the bus key; ${why}`,
          ),
        };
      }
      return { ok: true, message: checked.message, signed };
    },
  };
}

const defaultCodec = createCodec();

/** Validates and serializes a message with the default bounds, unsigned. */
export function encode(message: Message): EncodeResult {
  return defaultCodec.encode(message);
}

/** Parses and validates a raw bus message with the default bounds and no key; never throws. */
export function decode(raw: string): DecodeResult {
  return defaultCodec.decode(raw);
}
