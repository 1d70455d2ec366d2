import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, DEFAULT_PARAM_BOUNDS, decode, encode, streamNames } from '../src/index.js';
import { fill, messageArb, params } from './support/arbitraries.js';

function mustEncode(m: unknown): string {
  const r = encode(m as never);
  if (!r.ok) throw new Error(r.error.message);
  return r.raw;
}

/** Decodes `raw` and returns the error, failing the test when it was accepted. */
function rejectionOf(raw: string, codec = { decode }) {
  const r = codec.decode(raw);
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('accepted');
  expect(r.error.name).toBe('ContractError');
  return r.error;
}

/** JSON of `base` with one edit applied to a deep copy. */
// biome-ignore lint/suspicious/noExplicitAny: the edits poke at untyped JSON on purpose
function edited(base: unknown, edit: (o: Record<string, any>) => void): string {
  const o = JSON.parse(JSON.stringify(base));
  edit(o);
  return JSON.stringify(o);
}

describe('codec round trip', () => {
  it('decode(encode(m)) equals m for arbitrary valid messages', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const r = decode(mustEncode(m));
        expect(r).toEqual({ ok: true, message: m });
      }),
    );
  });

  it('encode refuses an invalid message instead of serializing it', () => {
    const bad = fill('x');
    (bad.payload as { price: number }).price = Number.NaN;
    const r = encode(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('payload.price');
  });
});

describe('bad messages are rejected with the field named, never thrown', () => {
  it('invalid JSON', () => {
    const e = rejectionOf('{"v":1,');
    expect(e.code).toBe('INVALID_JSON');
  });

  it('non-object JSON', () => {
    expect(rejectionOf('42').code).toBe('INVALID_MESSAGE');
    expect(rejectionOf('null').code).toBe('INVALID_MESSAGE');
  });

  it('wrong or missing version', () => {
    const e = rejectionOf(edited(fill('a'), (o) => (o.v = 2)));
    expect(e).toMatchObject({ code: 'UNSUPPORTED_VERSION', path: 'v' });
    expect(rejectionOf(edited(fill('a'), (o) => delete o.v)).path).toBe('v');
  });

  it('missing field', () => {
    const e = rejectionOf(edited(fill('a'), (o) => delete o.payload.venue));
    expect(e).toMatchObject({ code: 'INVALID_MESSAGE', path: 'payload.venue' });
    expect(e.message).toContain('payload.venue');
    expect(rejectionOf(edited(fill('a'), (o) => delete o.source)).path).toBe('source');
  });

  it('unknown type', () => {
    expect(rejectionOf(edited(fill('a'), (o) => (o.type = 'order'))).path).toBe('type');
  });

  it('non-finite numbers (JSON 1e999 parses to Infinity)', () => {
    const raw = mustEncode(params()).replace('"sigma":2.5', '"sigma":1e999');
    expect(rejectionOf(raw).path).toBe('payload.assets.0.sigma');
    const rawFee = mustEncode(fill('a')).replace('"fee":-0.01', '"fee":-1e999');
    expect(rejectionOf(rawFee).path).toBe('payload.fee');
  });

  it.each([
    ['sigma', 0],
    ['sigma', 1e6 * 1.0001],
    ['A', -1],
    ['A', 10_001],
    ['k', 0],
    ['gamma', 0],
    ['phi', -0.1],
    ['qMax', 0],
    ['qMax', 10_001],
    ['qMax', 2.5],
  ])('out of bounds parameter %s = %d', (field, value) => {
    const raw = edited(params(), (o) => (o.payload.assets[0][field] = value));
    expect(rejectionOf(raw).path).toBe(`payload.assets.0.${field}`);
  });

  it('accepts the bounds themselves', () => {
    const raw = edited(params(), (o) => {
      Object.assign(o.payload.assets[0], { sigma: 1e6, A: 1e4, k: 1e6, qMax: 10_000, phi: 0 });
    });
    expect(decode(raw).ok).toBe(true);
  });

  it('bounds are configurable', () => {
    const tight = createCodec({ ...DEFAULT_PARAM_BOUNDS, qMax: { min: 1, max: 5 } });
    const raw = mustEncode(params());
    expect(rejectionOf(raw, tight).path).toBe('payload.assets.0.qMax');
  });

  it('unknown fields and a params update without assets', () => {
    expect(rejectionOf(edited(fill('a'), (o) => (o.payload.extra = 1))).code).toBe(
      'INVALID_MESSAGE',
    );
    expect(rejectionOf(edited(params(), (o) => (o.payload.assets = []))).path).toBe(
      'payload.assets',
    );
    expect(rejectionOf(edited(params(), (o) => delete o.payload.validUntil)).path).toBe(
      'payload.validUntil',
    );
  });

  it('decode never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (raw) => {
        const r = decode(raw);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

describe('stream names', () => {
  it('are mm:{prefix}:{kind}', () => {
    expect(streamNames('prod')).toEqual({
      fills: 'mm:prod:fills',
      snapshots: 'mm:prod:snapshots',
      params: 'mm:prod:params',
      control: 'mm:prod:control',
    });
    expect(() => streamNames('')).toThrow(/prefix/);
  });
});
