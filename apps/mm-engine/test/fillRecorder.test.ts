import { afterEach, describe, expect, it } from 'vitest';
import { type FillOutcome, FillRecorder } from '../src/engine/fillRecorder.js';
import { tempFileLedger } from './support/ledgers.js';
import { makeFill } from './support/redis.js';

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of disposers.splice(0)) await d();
});

async function ledger() {
  const t = await tempFileLedger();
  disposers.push(t.dispose);
  return t.ledger;
}

describe('FillRecorder', () => {
  it('appends each fill once before applying it, in arrival order, and drops duplicates', async () => {
    const l = await ledger();
    const applied: string[] = [];
    const outcomes: FillOutcome['kind'][] = [];
    const recorder = new FillRecorder({
      ledger: l,
      apply: (f) => applied.push(f.fillId),
      onOutcome: (o) => outcomes.push(o.kind),
    });
    for (const id of ['a', 'b', 'a', 'c']) recorder.record(makeFill({ fillId: id }));
    expect(recorder.queued).toBe(4);
    await recorder.idle();
    expect(applied).toEqual(['a', 'b', 'c']);
    expect(outcomes).toEqual(['applied', 'applied', 'duplicate', 'applied']);
    expect((await l.load()).map((f) => f.fillId)).toEqual(['a', 'b', 'c']);
    expect(recorder.queued).toBe(0);
  });

  it('an exception in apply after a successful append is reported once, not taken for a ledger outage', async () => {
    const l = await ledger();
    let appends = 0;
    const counting = Object.create(l) as typeof l;
    counting.append = (f) => {
      appends++;
      return l.append(f);
    };
    const health: boolean[] = [];
    const outcomes: FillOutcome[] = [];
    const applied: string[] = [];
    const recorder = new FillRecorder({
      ledger: counting,
      apply: (f) => {
        applied.push(f.fillId);
        if (f.fillId === 'boom') throw new Error('publish failed');
      },
      onOutcome: (o) => outcomes.push(o),
      onLedgerHealth: (h) => health.push(h.up),
      sleep: async () => {},
    });
    recorder.record(makeFill({ fillId: 'boom' }));
    recorder.record(makeFill({ fillId: 'next' }));
    await recorder.idle();
    // Before the fix: the throw counted as an outage (health down, quotes pulled), the retry found
    // the fill a duplicate and it was reported as one, never applied again.
    expect(health).toEqual([]);
    expect(appends).toBe(2);
    expect(applied).toEqual(['boom', 'next']);
    expect(outcomes.map((o) => o.kind)).toEqual(['applyFailed', 'applied']);
    const failed = outcomes[0];
    expect(failed?.kind === 'applyFailed' && failed.error.message).toBe('publish failed');
  });

  it('retries a failing append until the ledger is back, reporting down then up once each', async () => {
    const l = await ledger();
    let failures = 2;
    const flaky = Object.create(l) as typeof l;
    flaky.append = (f) => {
      if (failures-- > 0) return Promise.reject(new Error('ECONNREFUSED'));
      return l.append(f);
    };
    const health: boolean[] = [];
    const applied: string[] = [];
    const recorder = new FillRecorder({
      ledger: flaky,
      apply: (f) => applied.push(f.fillId),
      onLedgerHealth: (h) => health.push(h.up),
      sleep: async () => {},
    });
    recorder.record(makeFill({ fillId: 'x' }));
    await recorder.idle();
    expect(health).toEqual([false, true]);
    expect(applied).toEqual(['x']);
  });

  it('an invalid fill is reported and skipped without retry', async () => {
    const l = await ledger();
    const outcomes: FillOutcome['kind'][] = [];
    const recorder = new FillRecorder({
      ledger: l,
      apply: () => {},
      onOutcome: (o) => outcomes.push(o.kind),
    });
    recorder.record(makeFill({ fillId: 'bad', sizeBase: Number.NaN }));
    recorder.record(makeFill({ fillId: 'good' }));
    await recorder.idle();
    expect(outcomes).toEqual(['invalid', 'applied']);
  });
});
