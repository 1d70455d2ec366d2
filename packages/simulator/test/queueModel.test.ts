import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRng,
  logProbability,
  powerProbability,
  probQueue,
  riskAverseQueue,
} from '../src/index.js';

const rng = createRng(1);

describe('queue position models (base units)', () => {
  it('an order joins the back of its level; a level not shown is an unknown (infinite) queue', () => {
    expect(probQueue().join(7).frontQty).toBe(7);
    expect(probQueue().join(Number.NaN).frontQty).toBe(Number.POSITIVE_INFINITY);
  });

  it('trades consume the queue ahead first', () => {
    for (const m of [probQueue(), riskAverseQueue()]) {
      const pos = m.join(5);
      m.onTrade(pos, 3);
      expect(pos.frontQty).toBe(2);
      m.onTrade(pos, 2.5);
      expect(pos.frontQty).toBe(-0.5); // half a lot past us: a 1-lot order fills (the engine's rule)
    }
  });

  it('a size decrease already explained by trades is not a cancel', () => {
    const m = probQueue();
    const pos = m.join(5); // level 5 + 5 behind us later
    m.onDepthChange(pos, 5, 10, rng); // 5 joined behind
    m.onTrade(pos, 2); // level 10 -> 8 by the trade
    m.onDepthChange(pos, 10, 8, rng);
    expect(pos.frontQty).toBe(3);
  });

  it('risk-averse: cancels never advance us, but the front cannot exceed the level', () => {
    const m = riskAverseQueue();
    const pos = m.join(10);
    m.onDepthChange(pos, 10, 20, rng);
    m.onDepthChange(pos, 20, 12, rng);
    expect(pos.frontQty).toBe(10);
    m.onDepthChange(pos, 12, 4, rng);
    expect(pos.frontQty).toBe(4);
  });

  it("probabilistic (hftbacktest's expected update): front' = front - (1 - p) c + min(back - p c, 0)", () => {
    const f = powerProbability(2);
    // front 6, back 2: p = P(cancel behind) = 4 / (4 + 36) = 0.1; a cancel of 1 moves us 0.9
    expect(f(6, 2)).toBeCloseTo(0.1, 12);
    const m = probQueue({ probability: f });
    const pos = m.join(6);
    m.onDepthChange(pos, 8, 7, rng);
    expect(pos.frontQty).toBeCloseTo(5.1, 12);
    // a cancel bigger than the queue behind: the excess must have come from ahead
    const pos2 = m.join(6);
    m.onDepthChange(pos2, 8, 3, rng); // c = 5, p = 0.1: 6 - 4.5 + min(2 - 0.5, 0) = 1.5
    expect(pos2.frontQty).toBeCloseTo(1.5, 12);
  });

  it('the further back we stand, the more a cancel advances us (power and log shapes)', () => {
    for (const f of [powerProbability(3), logProbability()]) {
      const m = probQueue({ probability: f });
      const near = m.join(2); // 2 ahead, 8 behind
      const far = m.join(8); // 8 ahead, 2 behind
      m.onDepthChange(near, 10, 9, rng);
      m.onDepthChange(far, 10, 9, rng);
      expect(2 - near.frontQty).toBeLessThan(8 - far.frontQty);
    }
  });

  it('invariants: 0 <= front <= level size after any depth change; sampled mean = expected update', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (front, back, cut, sampled) => {
          const prev = front + back;
          const next = prev * cut;
          const m = probQueue({ sampled });
          const pos = m.join(front);
          m.onDepthChange(pos, prev, next, rng);
          expect(pos.frontQty).toBeGreaterThanOrEqual(0);
          expect(pos.frontQty).toBeLessThanOrEqual(next + 1e-9);
          expect(pos.frontQty).toBeLessThanOrEqual(front + 1e-9);
        },
      ),
    );
    // front 6, back 4, cancel 2: p = 64 / (64 + 216); sampled moves 2 w.p. 1 - p, else 0
    const r = createRng(2);
    const sampled = probQueue({ sampled: true });
    const expected = probQueue();
    const e = expected.join(6);
    expected.onDepthChange(e, 10, 8, r);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const pos = sampled.join(6);
      sampled.onDepthChange(pos, 10, 8, r);
      sum += pos.frontQty;
    }
    expect(sum / n).toBeCloseTo(e.frontQty, 1);
  });
});
