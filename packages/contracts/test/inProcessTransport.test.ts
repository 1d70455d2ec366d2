import { describe, expect, it } from 'vitest';
import { BusKey, InProcessTransport, type Message, streamNames } from '../src/index.js';
import { fill, params } from './support/arbitraries.js';

const streams = streamNames('unit');

describe('InProcessTransport', () => {
  it('delivers asynchronously, after publish returns', async () => {
    const t = new InProcessTransport({ onReject: () => {}, key: BusKey.ephemeral() });
    const got: Message[] = [];
    t.subscribe(streams.params, (m) => got.push(m));
    expect(t.publish(streams.params, params())).toBe(true);
    expect(got).toHaveLength(0);
    await t.flush();
    expect(got).toEqual([params()]);
    await t.close();
  });

  it('rejects poisoned raw messages, counts them, and keeps delivering', async () => {
    const errors: string[] = [];
    const t = new InProcessTransport({ onReject: (e) => errors.push(e.error.path) });
    const got: Message[] = [];
    t.subscribe(streams.fills, (m) => got.push(m));
    t.appendRaw(streams.fills, JSON.stringify({ v: 7, body: JSON.stringify(fill('x')) }));
    t.publish(streams.fills, fill('ok'));
    await t.flush();
    expect(got.map((m) => (m.payload as { id: string }).id)).toEqual(['ok']);
    expect(t.stats().rejected).toBe(1);
    expect(errors).toEqual(['v']);
    await t.close();
  });

  it('without a key, params published in this process are refused on receipt (unsigned)', async () => {
    const codes: string[] = [];
    const t = new InProcessTransport({ onReject: (e) => codes.push(e.error.code) });
    const got: Message[] = [];
    t.subscribe(streams.params, (m) => got.push(m));
    t.publish(streams.params, params());
    await t.flush();
    expect(got).toEqual([]);
    expect(codes).toEqual(['UNSIGNED']);
    expect(t.stats()).toMatchObject({ rejected: 1, unsigned: 1 });
    await t.close();
  });

  it('refuses invalid messages at publish and drops oldest when full', async () => {
    const t = new InProcessTransport({ queueCapacity: 2, onReject: () => {} });
    const bad = fill('bad');
    (bad.payload as { lots: number }).lots = Number.POSITIVE_INFINITY;
    expect(t.publish(streams.fills, bad)).toBe(false);
    for (let i = 0; i < 5; i++) t.publish(streams.fills, fill(`f${i}`));
    const got: string[] = [];
    t.subscribe(streams.fills, (m) => got.push((m.payload as { id: string }).id));
    await t.flush();
    expect(got).toEqual(['f3', 'f4']);
    expect(t.stats()).toMatchObject({ invalidPublished: 1, dropped: 3, published: 2 });
    await t.close();
  });

  it('a throwing handler does not stop other handlers', async () => {
    const t = new InProcessTransport({ onReject: () => {} });
    let n = 0;
    t.subscribe(streams.fills, () => {
      throw new Error('boom');
    });
    t.subscribe(streams.fills, () => n++);
    t.publish(streams.fills, fill('a'));
    await t.flush();
    expect(n).toBe(1);
    expect(t.stats().handlerErrors).toBe(1);
    await t.close();
  });
});
