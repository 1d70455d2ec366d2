import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BusKey,
  createCodec,
  DEFAULT_PARAM_BOUNDS,
  decode,
  encode,
  MAX_MESSAGE_CHARS,
  requiresSignature,
  streamNames,
} from '../src/index.js';
import { control, fill, messageArb, params, portfolioParams } from './support/arbitraries.js';
import { TEST_KEY_TEXT, wire } from './support/wire.js';

const key = BusKey.fromText(TEST_KEY_TEXT, 'test');
const signing = createCodec(DEFAULT_PARAM_BOUNDS, { key });

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

/** `base` with one edit applied to a deep copy, signed with the test key in the v2 wire form. */
// biome-ignore lint/suspicious/noExplicitAny: the edits poke at untyped JSON on purpose
function edited(base: unknown, edit: (o: Record<string, any>) => void): string {
  const o = JSON.parse(JSON.stringify(base));
  edit(o);
  return wire(o, TEST_KEY_TEXT);
}

describe('codec round trip', () => {
  it('decode(encode(m)) equals m for arbitrary valid messages, signed with the key', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const raw = signing.encode(m);
        if (!raw.ok) throw new Error(raw.error.message);
        expect(signing.decode(raw.raw)).toEqual({ ok: true, message: m, signed: true });
      }),
    );
  });

  it('the wire form is {v: 2, body, sig} with sig = HMAC-SHA256 over "mm-bus/v2\\n" + body', () => {
    const r = signing.encode(params());
    if (!r.ok) throw new Error(r.error.message);
    const sent = JSON.parse(r.raw) as { v: number; body: string; sig: string };
    expect(Object.keys(sent)).toEqual(['v', 'body', 'sig']);
    expect(sent.v).toBe(2);
    expect(JSON.parse(sent.body)).toEqual(params());
    // the independent implementation in support/wire.ts signs the same body with the same bytes
    expect(sent.sig).toBe(JSON.parse(wire(JSON.parse(sent.body), TEST_KEY_TEXT)).sig);
    // without a key there is no signature
    expect(Object.keys(JSON.parse(mustEncode(fill('a'))))).toEqual(['v', 'body']);
  });

  it('encode refuses an invalid message instead of serializing it', () => {
    const bad = fill('x');
    (bad.payload as { price: number }).price = Number.NaN;
    const r = encode(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe('payload.price');
  });
});

describe('signatures', () => {
  it('params, portfolio-params, inventory and resume need a signature; kill, fill and snapshot do not', () => {
    expect(requiresSignature(params())).toBe(true);
    expect(requiresSignature(portfolioParams())).toBe(true);
    expect(requiresSignature(control('resume'))).toBe(true);
    expect(requiresSignature(control('kill'))).toBe(false);
    expect(requiresSignature(fill('a'))).toBe(false);
  });

  it('an unsigned params message is rejected as UNSIGNED, with or without a key at the reader', () => {
    expect(rejectionOf(wire(params()), signing)).toMatchObject({ code: 'UNSIGNED', path: 'sig' });
    const noKey = rejectionOf(wire(params(), TEST_KEY_TEXT));
    expect(noKey.code).toBe('UNSIGNED');
    expect(noKey.message).toMatch(/MM_BUS_KEY or redis\.busKeyFile/);
  });

  it('a wrong key, a flipped body byte or a malformed signature: BAD_SIGNATURE, even for a kill', () => {
    const other = 'another-key-of-enough-bytes-000000';
    expect(rejectionOf(wire(params(), other), signing).code).toBe('BAD_SIGNATURE');
    expect(rejectionOf(wire(control('kill'), other), signing).code).toBe('BAD_SIGNATURE');
    const good = JSON.parse(wire(params(), TEST_KEY_TEXT));
    const tampered = JSON.stringify({ ...good, body: good.body.replace('"A":140', '"A":1400') });
    expect(rejectionOf(tampered, signing).code).toBe('BAD_SIGNATURE');
    const short = JSON.stringify({ ...good, sig: good.sig.slice(2) });
    expect(rejectionOf(short, signing).code).toBe('BAD_SIGNATURE');
  });

  it('an unsigned kill is accepted (fail safe), marked unsigned; a signed one is marked signed', () => {
    expect(signing.decode(wire(control('kill')))).toEqual({
      ok: true,
      message: control('kill'),
      signed: false,
    });
    expect(signing.decode(wire(control('resume'), TEST_KEY_TEXT))).toMatchObject({
      ok: true,
      signed: true,
    });
    expect(rejectionOf(wire(control('resume')), signing).code).toBe('UNSIGNED');
  });

  it('the signature covers the exact body bytes: re-spaced JSON with the same value fails', () => {
    const good = JSON.parse(wire(params(), TEST_KEY_TEXT));
    const respaced = JSON.stringify({ ...good, body: JSON.stringify(params(), null, 1) });
    expect(rejectionOf(respaced, signing).code).toBe('BAD_SIGNATURE');
  });

  it('keys: at least 16 bytes; the key never prints', () => {
    expect(() => BusKey.fromText('short', 'MM_BUS_KEY')).toThrow(
      /^MM_BUS_KEY: the bus key must be at least 16 bytes, got 5/,
    );
    const text = `${String(key)} ${JSON.stringify({ key })} ${inspect(key)}`;
    expect(text).not.toContain(TEST_KEY_TEXT);
    expect(text).toContain('BusKey(test)');
  });
});

describe('bad messages are rejected with the field named, never thrown', () => {
  it('invalid JSON, outside and inside', () => {
    expect(rejectionOf('{"v":2,').code).toBe('INVALID_JSON');
    expect(rejectionOf(JSON.stringify({ v: 2, body: '{"v":2,' }))).toMatchObject({
      code: 'INVALID_JSON',
      path: 'body',
    });
  });

  it('non-object JSON', () => {
    expect(rejectionOf('42').code).toBe('INVALID_MESSAGE');
    expect(rejectionOf('null').code).toBe('INVALID_MESSAGE');
    expect(rejectionOf(JSON.stringify({ v: 2, body: 42 })).path).toBe('body');
  });

  it('wrong or missing version: v1 (the unsigned format) is rejected', () => {
    const v1 = JSON.stringify({ ...fill('a'), v: 1 });
    expect(rejectionOf(v1)).toMatchObject({ code: 'UNSUPPORTED_VERSION', path: 'v' });
    expect(rejectionOf(wire(fill('a'), null, 3)).path).toBe('v');
    expect(rejectionOf(edited(fill('a'), (o) => (o.v = 1))).path).toBe('v');
    expect(rejectionOf(edited(fill('a'), (o) => delete o.v)).path).toBe('v');
  });

  it('missing field', () => {
    const e = rejectionOf(edited(fill('a'), (o) => delete o.payload.venue));
    expect(e).toMatchObject({ code: 'INVALID_MESSAGE', path: 'payload.venue' });
    expect(e.message).toContain('payload.venue');
    expect(rejectionOf(edited(fill('a'), (o) => delete o.source)).path).toBe('source');
  });

  it('unknown type, unknown wire key', () => {
    expect(rejectionOf(edited(fill('a'), (o) => (o.type = 'order'))).path).toBe('type');
    expect(rejectionOf(JSON.stringify({ ...JSON.parse(wire(fill('a'))), x: 1 })).code).toBe(
      'INVALID_MESSAGE',
    );
  });

  it('non-finite numbers (JSON 1e999 parses to Infinity)', () => {
    const raw = wire(params(), TEST_KEY_TEXT);
    const body = JSON.parse(raw).body.replace('"sigma":2.5', '"sigma":1e999');
    expect(rejectionOf(wire(JSON.parse(body), TEST_KEY_TEXT), signing).path).toBe(
      'payload.assets.0.sigma',
    );
    const fee = JSON.stringify({
      v: 2,
      body: JSON.stringify(fill('a')).replace('"fee":-0.01', '"fee":-1e999'),
    });
    expect(rejectionOf(fee).path).toBe('payload.fee');
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
    expect(rejectionOf(raw, signing).path).toBe(`payload.assets.0.${field}`);
  });

  it('accepts the bounds themselves', () => {
    const raw = edited(params(), (o) => {
      Object.assign(o.payload.assets[0], { sigma: 1e6, A: 1e4, k: 1e6, qMax: 10_000, phi: 0 });
    });
    expect(signing.decode(raw).ok).toBe(true);
  });

  it('bounds are configurable', () => {
    const tight = createCodec({ ...DEFAULT_PARAM_BOUNDS, qMax: { min: 1, max: 5 } }, { key });
    expect(rejectionOf(wire(params(), TEST_KEY_TEXT), tight).path).toBe('payload.assets.0.qMax');
  });

  it('unknown fields and a params update without assets', () => {
    expect(rejectionOf(edited(fill('a'), (o) => (o.payload.extra = 1))).code).toBe(
      'INVALID_MESSAGE',
    );
    expect(
      rejectionOf(
        edited(params(), (o) => (o.payload.assets = [])),
        signing,
      ).path,
    ).toBe('payload.assets');
    expect(
      rejectionOf(
        edited(params(), (o) => delete o.payload.validUntil),
        signing,
      ).path,
    ).toBe('payload.validUntil');
  });

  it('portfolio-params: one matrix, n x n for n assets, entries in range, distinct assets', () => {
    // biome-ignore lint/suspicious/noExplicitAny: edits of untyped JSON
    const p = (edit: (o: Record<string, any>) => void) =>
      rejectionOf(edited(portfolioParams(), edit), signing);
    expect(signing.decode(wire(portfolioParams(), TEST_KEY_TEXT)).ok).toBe(true);
    expect(p((o) => delete o.payload.correlation).path).toBe('payload.correlation');
    expect(p((o) => (o.payload.covariance = o.payload.correlation)).path).toBe(
      'payload.covariance',
    );
    expect(p((o) => o.payload.correlation.pop()).message).toMatch(
      /^payload\.correlation: expected 2 rows/,
    );
    expect(p((o) => o.payload.correlation[1].push(0)).path).toBe('payload.correlation.1');
    expect(p((o) => (o.payload.correlation[0][1] = 1.5)).path).toBe('payload.correlation.0.1');
    expect(p((o) => (o.payload.assets = ['BTC', 'BTC'])).path).toBe('payload.assets');
    expect(p((o) => (o.payload.gamma = 0)).path).toBe('payload.gamma');
  });

  it('a message over 1 MB is refused before it is parsed', () => {
    const big = wire({ ...fill('a'), source: 'x'.repeat(MAX_MESSAGE_CHARS) });
    expect(rejectionOf(big).code).toBe('TOO_LARGE');
  });

  it('deeply nested JSON is rejected, not a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(rejectionOf(JSON.stringify({ v: 2, body: deep })).code).toBe('INVALID_MESSAGE');
    expect(rejectionOf(deep).code).toBe('INVALID_MESSAGE');
  });

  it('decode never throws on arbitrary strings or values in the wire form', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.json().map((j) => wire(JSON.parse(j), TEST_KEY_TEXT)),
        ),
        (raw) => {
          const r = signing.decode(raw);
          expect(typeof r.ok).toBe('boolean');
        },
      ),
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
      inventory: 'mm:prod:inventory',
    });
    expect(() => streamNames('')).toThrow(/prefix/);
  });
});
