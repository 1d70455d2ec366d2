import type { Control, MarketState, Policy } from '@mm/hjb-core';
import { defer, merge, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { BookEvent } from '../src/model/book.js';
import type { OrderAction } from '../src/model/orderAction.js';
import type { PortfolioInventory } from '../src/model/portfolioInventory.js';
import { assetPipeline } from '../src/pipeline/assetPipeline.js';
import type { RiskLimits } from '../src/pipeline/riskGate.js';

/** Quotes 0.5 price units either side of the mid. */
const fixedPolicy: Policy = {
  name: 'heuristic',
  decide(_state: MarketState): Control {
    return {
      bidDeltaPrice: 0.5,
      askDeltaPrice: 0.5,
      bidDeltaBps: Number.NaN,
      askDeltaBps: Number.NaN,
      take: null,
      takerBuyRatePerSec: 0,
      takerSellRatePerSec: 0,
    };
  },
};

const limits: RiskLimits = {
  positionLimitLots: 5,
  portfolioNotionalLimit: 1e9,
  staleDataTimeoutMs: 1000,
  priceBandBps: 500,
};

/** A book with mid `mid`, 0.2 wide, at engine time `tMs`. */
const book = (tMs: number, mid: number): BookEvent => ({
  tMs,
  bids: [[mid - 0.1, 1]],
  asks: [[mid + 0.1, 1]],
});
const flat: PortfolioInventory = { lotsByAsset: {}, grossNotional: 0 };

const place = (asset: string, side: 'bid' | 'ask', seq: number, price: number): OrderAction => ({
  kind: 'place',
  asset,
  side,
  clientOrderId: `${asset}-${side}-${seq}`,
  price,
  sizeLots: 1,
});
const replace = (
  asset: string,
  side: 'bid' | 'ask',
  seq: number,
  old: number,
  price: number,
): OrderAction => ({
  kind: 'replace',
  asset,
  side,
  clientOrderId: `${asset}-${side}-${seq}`,
  replacesClientOrderId: `${asset}-${side}-${old}`,
  price,
  sizeLots: 1,
});
const cancel = (asset: string, side: 'bid' | 'ask', seq: number): OrderAction => ({
  kind: 'cancel',
  asset,
  side,
  clientOrderId: `${asset}-${side}-${seq}`,
});

const newScheduler = () =>
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

function pipelineFor(
  scheduler: TestScheduler,
  symbol: string,
  book$: Observable<BookEvent>,
  killSwitch$: Observable<boolean> = scheduler.createColdObservable('f', { f: false }),
  inventory$: Observable<PortfolioInventory> = scheduler.createColdObservable('i', { i: flat }),
) {
  return assetPipeline({
    asset: { symbol, tickSize: 0.1, lotSizeBase: 1, quoteSizeLots: 1 },
    book$,
    inventory$,
    killSwitch$,
    policy: fixedPolicy,
    limits,
    backoffMs: () => 5,
    scheduler,
  });
}

describe('assetPipeline (marbles)', () => {
  it('quotes follow books: place, then replace when the mid moves, nothing when it does not', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const book$ = cold('a 9ms b 9ms c', { a: book(0, 100), b: book(10, 101), c: book(20, 101) });
      expectObservable(pipelineFor(ts, 'X', book$), '^ 500ms !').toBe('(pq) 6ms (rs)', {
        p: place('X', 'bid', 0, 99.5),
        q: place('X', 'ask', 1, 100.5),
        r: replace('X', 'bid', 2, 0, 100.5),
        s: replace('X', 'ask', 3, 1, 101.5),
      });
    });
  });

  it('a resync forgets a side at the next decision only: the filled bid is placed again, the ask stays', () => {
    const ts = newScheduler();
    ts.run(({ cold, hot, expectObservable }) => {
      // Same mid throughout: without the resync nothing would be sent after the first quotes.
      const book$ = cold('a 9ms b 9ms c', { a: book(0, 100), b: book(10, 100), c: book(20, 100) });
      const resync$ = hot('---- 10ms r', { r: 'bid' as const });
      const out$ = assetPipeline({
        asset: { symbol: 'X', tickSize: 0.1, lotSizeBase: 1, quoteSizeLots: 1 },
        book$,
        inventory$: cold('i', { i: flat }),
        killSwitch$: cold('f', { f: false }),
        policy: fixedPolicy,
        limits,
        resync$,
        scheduler: ts,
      });
      expectObservable(out$, '^ 500ms !').toBe('(pq) 16ms r', {
        p: place('X', 'bid', 0, 99.5),
        q: place('X', 'ask', 1, 100.5),
        r: place('X', 'bid', 2, 99.5),
      });
    });
  });

  it('pulls the bid when inventory reaches the position limit', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const book$ = cold('a', { a: book(0, 100) });
      const inventory$ = cold('i 9ms j', {
        i: flat,
        j: { lotsByAsset: { X: 5 }, grossNotional: 500 },
      });
      const out$ = pipelineFor(ts, 'X', book$, undefined, inventory$);
      expectObservable(out$, '^ 500ms !').toBe('(pq) 6ms c', {
        p: place('X', 'bid', 0, 99.5),
        q: place('X', 'ask', 1, 100.5),
        c: cancel('X', 'bid', 0),
      });
    });
  });

  it('a stale book pulls quotes once the timeout passes without an update', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const book$ = cold('a 9ms b', { a: book(0, 100), b: book(10, 100) });
      // Last book at 10 ms; the 1000 ms timeout pulls both quotes at 1010 ms.
      expectObservable(pipelineFor(ts, 'X', book$), '^ 2000ms !').toBe('(pq) 1006ms (rs)', {
        p: place('X', 'bid', 0, 99.5),
        q: place('X', 'ask', 1, 100.5),
        r: cancel('X', 'bid', 0),
        s: cancel('X', 'ask', 1),
      });
    });
  });

  it('the kill switch emits one cancel-all and keeps the asset flat until released', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const book$ = cold('a 9ms b 19ms c 9ms d', {
        a: book(0, 100),
        b: book(10, 100),
        c: book(30, 101),
        d: book(40, 101),
      });
      const kill$ = cold('f 19ms t 24ms f', { f: false, t: true });
      expectObservable(pipelineFor(ts, 'X', book$, kill$), '^ 500ms !').toBe(
        '(pq) 16ms k 24ms (rs)',
        {
          p: place('X', 'bid', 0, 99.5),
          q: place('X', 'ask', 1, 100.5),
          k: { kind: 'cancelAll', asset: 'X', reason: 'killSwitch' },
          r: place('X', 'bid', 2, 100.5),
          s: place('X', 'ask', 3, 101.5),
        },
      );
    });
  });

  it("an error in one asset's books cancels and restarts it; another asset keeps quoting", () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      let subscriptions = 0;
      const bookA$ = defer(() =>
        subscriptions++ === 0
          ? cold<BookEvent>('a 9ms #', { a: book(0, 100) }, new Error('feed broke'))
          : cold('c', { c: book(15, 102) }),
      );
      const bookB$ = cold('a 9ms b 9ms c', { a: book(0, 50), b: book(10, 51), c: book(20, 52) });
      const out$ = merge(pipelineFor(ts, 'A', bookA$), pipelineFor(ts, 'B', bookB$));
      // A: quotes at 0, error at 10 -> cancelAll, restart after 5 ms backoff at 15 with fresh
      // state and new ids. B: quotes at 0, 10 and 20 throughout.
      expectObservable(out$, '^ 500ms !').toBe('(abcd) 4ms (eBC)(fg) 1ms (DE)', {
        a: place('A', 'bid', 0, 99.5),
        b: place('A', 'ask', 1, 100.5),
        c: place('B', 'bid', 0, 49.5),
        d: place('B', 'ask', 1, 50.5),
        e: { kind: 'cancelAll', asset: 'A', reason: 'error: feed broke' },
        B: replace('B', 'bid', 2, 0, 50.5),
        C: replace('B', 'ask', 3, 1, 51.5),
        f: place('A', 'bid', 2, 101.5),
        g: place('A', 'ask', 3, 102.5),
        D: replace('B', 'bid', 4, 2, 51.5),
        E: replace('B', 'ask', 5, 3, 52.5),
      });
    });
  });

  it('a throwing policy is contained the same way', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      let calls = 0;
      const flaky: Policy = {
        name: 'heuristic',
        decide(s) {
          calls += 1;
          if (calls === 2) throw new Error('solver exploded');
          return fixedPolicy.decide(s);
        },
      };
      const out$ = assetPipeline({
        asset: { symbol: 'X', tickSize: 0.1, lotSizeBase: 1, quoteSizeLots: 1 },
        book$: cold('a 9ms b', { a: book(0, 100), b: book(10, 101) }),
        inventory$: cold('i', { i: flat }),
        killSwitch$: cold('f', { f: false }),
        policy: flaky,
        limits,
        backoffMs: () => 5,
        scheduler: ts,
      });
      // Restart at 15 ms replays the cold books from 15 ms: a at 15, b at 25.
      expectObservable(out$, '^ 100ms !').toBe('(pq) 6ms k 4ms (rs) 6ms (tu)', {
        p: place('X', 'bid', 0, 99.5),
        q: place('X', 'ask', 1, 100.5),
        k: { kind: 'cancelAll', asset: 'X', reason: 'error: solver exploded' },
        r: place('X', 'bid', 2, 99.5),
        s: place('X', 'ask', 3, 100.5),
        t: replace('X', 'bid', 4, 2, 100.5),
        u: replace('X', 'ask', 5, 3, 101.5),
      });
    });
  });
});
