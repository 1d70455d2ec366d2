import type { z } from 'zod';
import { DEFAULT_PARAM_BOUNDS, type ParamBounds } from './bounds.js';
import { type BusError, busError } from './errors.js';
import { ENVELOPE_VERSION, type Message, makeMessageSchema } from './messages.js';

export type DecodeResult = { ok: true; message: Message } | { ok: false; error: BusError };
export type EncodeResult = { ok: true; raw: string } | { ok: false; error: BusError };

/** Encodes/decodes bus messages against one set of parameter bounds. Never throws. */
export interface Codec {
  encode(message: Message): EncodeResult;
  decode(raw: string): DecodeResult;
}

function firstIssue(error: z.ZodError): BusError {
  const issue = error.issues[0];
  if (issue === undefined) return busError('INVALID_MESSAGE', '', 'invalid message');
  const path = issue.path.map(String).join('.');
  return busError('INVALID_MESSAGE', path, issue.message);
}

export function createCodec(bounds: ParamBounds = DEFAULT_PARAM_BOUNDS): Codec {
  const schema = makeMessageSchema(bounds);
  const validate = (
    value: unknown,
  ): { ok: true; message: Message } | { ok: false; error: BusError } => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, error: busError('INVALID_MESSAGE', '', 'expected a JSON object') };
    }
    const v = (value as { v?: unknown }).v;
    if (v !== ENVELOPE_VERSION) {
      return {
        ok: false,
        error: busError(
          'UNSUPPORTED_VERSION',
          'v',
          `expected ${ENVELOPE_VERSION}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
        ),
      };
    }
    const parsed = schema.safeParse(value);
    return parsed.success
      ? { ok: true, message: parsed.data as Message }
      : { ok: false, error: firstIssue(parsed.error) };
  };
  return {
    encode(message) {
      const checked = validate(message);
      return checked.ok ? { ok: true, raw: JSON.stringify(checked.message) } : checked;
    },
    decode(raw) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        return {
          ok: false,
          error: busError('INVALID_JSON', '', e instanceof Error ? e.message : 'invalid JSON'),
        };
      }
      return validate(value);
    },
  };
}

const defaultCodec = createCodec();

/** Validates and serializes a message with the default bounds. */
export function encode(message: Message): EncodeResult {
  return defaultCodec.encode(message);
}

/** Parses and validates a raw bus message with the default bounds; never throws. */
export function decode(raw: string): DecodeResult {
  return defaultCodec.decode(raw);
}
