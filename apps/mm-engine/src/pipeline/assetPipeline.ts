import type { Policy } from '@mm/hjb-core';
import {
  asyncScheduler,
  catchError,
  combineLatest,
  concat,
  defer,
  distinctUntilChanged,
  EMPTY,
  ignoreElements,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  type SchedulerLike,
  scan,
  startWith,
  switchMap,
  tap,
  timer,
} from 'rxjs';
import type { AssetState } from '../model/assetState.js';
import type { BookEvent } from '../model/book.js';
import { type LiveQuotes, NO_LIVE_QUOTES } from '../model/liveQuotes.js';
import type { OrderAction } from '../model/orderAction.js';
import type { PortfolioInventory } from '../model/portfolioInventory.js';
import { NO_QUOTES, type QuoteIntent, type QuoteSide } from '../model/quote.js';
import { diffQuotes } from './orderDiff.js';
import { intentFromControl } from './quoteIntent.js';
import { type RiskDecision, type RiskLimits, riskGate } from './riskGate.js';
import { initialAssetState, makeStateReducer, type StateReducerOptions } from './stateReducer.js';

/** The instrument facts the pipeline quotes with. */
export interface PipelineAsset {
  symbol: string;
  /** Price increment, price units. */
  tickSize: number;
  /** Base amount of one lot. */
  lotSizeBase: number;
  /** Size of each resting quote, lots. */
  quoteSizeLots: number;
}

export interface AssetPipelineOptions {
  asset: PipelineAsset;
  /** Book snapshots, `tMs` on the scheduler's clock (the venue adapter stamps receive time). */
  book$: Observable<BookEvent>;
  /** Shared inventory; should replay its current value to late subscribers (restarts resubscribe). */
  inventory$: Observable<PortfolioInventory>;
  /** Kill switch; `true` cancels everything for this asset and keeps it flat until `false`. */
  killSwitch$: Observable<boolean>;
  policy: Policy;
  /**
   * Decides the quotes of a ready state instead of `policy` (the portfolio decision: whole-book
   * state in, this leg's quotes out, prices already on the tick); `policy` is then unused.
   */
  quote?: (state: AssetState, inventory: PortfolioInventory, tSec: number) => QuoteIntent;
  limits: RiskLimits;
  /** Live quotes within this many ticks of the desired price stay (default 0). */
  toleranceTicks?: number;
  reducer?: StateReducerOptions;
  /** Session start on the scheduler's clock, for the policy's `tSec` (default 0). */
  sessionStartMs?: number;
  /** Delay before the n-th consecutive restart, milliseconds (default 1 s doubling to 30 s). */
  backoffMs?: (failures: number) => number;
  /** Clock and timers (stale-data timeout, restart backoff); tests pass a `TestScheduler`. */
  scheduler?: SchedulerLike;
  /**
   * Sides whose live order is gone without the pipeline's doing (filled, rejected by the venue):
   * each emission forgets that side's live order, so the next decision places it again. It does
   * not trigger a decision by itself (no hot loop on repeated rejections).
   */
  resync$?: Observable<QuoteSide>;
  /** Observes each risk decision (metrics: pull reasons, stale data); must not throw. */
  onDecision?: (decision: RiskDecision, state: AssetState) => void;
  /** Observes each failure before the restart backoff (logs, metrics); must not throw. */
  onRestart?: (message: string, failures: number) => void;
}

interface DiffState {
  live: LiveQuotes;
  nextSeq: number;
  killed: boolean;
  actions: OrderAction[];
}

const defaultBackoffMs = (failures: number) => Math.min(1000 * 2 ** (failures - 1), 30_000);

/**
 * One asset's quoting pipeline: books -> `scan(reducer)` -> policy -> risk gate -> diff against the
 * quotes last sent -> order actions. The state is re-checked once `staleDataTimeoutMs` passes with
 * no book, so stale quotes are pulled. An error anywhere in this asset's stream emits a
 * `cancelAll` for the asset, then the pipeline restarts after a backoff with fresh state (client
 * order ids keep increasing); other assets' pipelines are separate observables and unaffected.
 */
export function assetPipeline(options: AssetPipelineOptions): Observable<OrderAction> {
  const { asset, policy, limits } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const reducer = makeStateReducer(options.reducer);
  const toleranceTicks = options.toleranceTicks ?? 0;
  const sessionStartMs = options.sessionStartMs ?? 0;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;

  const decide = (state: AssetState, inventory: PortfolioInventory, killSwitch: boolean) => {
    const nowMs = scheduler.now();
    const inventoryLots = inventory.lotsByAsset[asset.symbol] ?? 0;
    const tSec = (nowMs - sessionStartMs) / 1000;
    const intent = !state.ready
      ? NO_QUOTES
      : options.quote
        ? options.quote(state, inventory, tSec)
        : intentFromControl(
            policy.decide({
              inventoryLots,
              midPrice: state.midPrice,
              marketSpreadPrice: state.marketSpreadPrice,
              imbalance: state.imbalance,
              driftPerSec: state.driftPerSec,
              tSec,
            }),
            state.midPrice,
            asset.quoteSizeLots,
          );
    const decision = riskGate({
      intent,
      state,
      inventoryLots: inventoryLots + (inventory.pendingLotsByAsset?.[asset.symbol] ?? 0),
      portfolioNotional: inventory.grossNotional,
      lotSizeBase: asset.lotSizeBase,
      limits,
      nowMs,
      killSwitch,
    });
    options.onDecision?.(decision, state);
    return decision;
  };

  const step = (acc: DiffState, decision: RiskDecision, forget: Set<QuoteSide>): DiffState => {
    if (forget.size > 0) {
      const live = { ...acc.live };
      for (const side of forget) live[side] = null;
      forget.clear();
      acc = { ...acc, live };
    }
    if (decision.reasons.includes('killSwitch')) {
      const actions: OrderAction[] = acc.killed
        ? []
        : [{ kind: 'cancelAll', asset: asset.symbol, reason: 'killSwitch' }];
      return { live: NO_LIVE_QUOTES, nextSeq: acc.nextSeq, killed: true, actions };
    }
    const diff = diffQuotes({
      asset: asset.symbol,
      desired: decision.intent,
      live: acc.live,
      tickSize: asset.tickSize,
      toleranceTicks,
      nextSeq: acc.nextSeq,
    });
    return { ...diff, killed: false };
  };

  const core = (startSeq: number): Observable<DiffState> => {
    const state$ = options.book$.pipe(scan(reducer, initialAssetState));
    const clocked$ = state$.pipe(
      switchMap((s) =>
        concat(of(s), timer(limits.staleDataTimeoutMs, scheduler).pipe(map(() => s))),
      ),
    );
    const kill$ = options.killSwitch$.pipe(startWith(false), distinctUntilChanged());
    const forget = new Set<QuoteSide>();
    const marks$ = (options.resync$ ?? EMPTY).pipe(
      tap((side) => forget.add(side)),
      ignoreElements(),
    );
    const decisions$ = combineLatest([clocked$, options.inventory$, kill$]).pipe(
      map(([state, inventory, kill]) => decide(state, inventory, kill)),
      scan((acc: DiffState, decision: RiskDecision) => step(acc, decision, forget), {
        live: NO_LIVE_QUOTES,
        nextSeq: startSeq,
        killed: false,
        actions: [],
      }),
    );
    return merge(marks$, decisions$);
  };

  return defer(() => {
    // Per subscription: the id sequence survives restarts; failures count consecutive errors.
    let nextSeq = 0;
    let failures = 0;
    const run = (): Observable<OrderAction> =>
      core(nextSeq).pipe(
        tap((acc) => {
          nextSeq = acc.nextSeq;
          failures = 0;
        }),
        mergeMap((acc) => acc.actions),
        catchError((error: unknown) => {
          failures += 1;
          const message = error instanceof Error ? error.message : String(error);
          options.onRestart?.(message, failures);
          const cancelAll: OrderAction = {
            kind: 'cancelAll',
            asset: asset.symbol,
            reason: `error: ${message}`,
          };
          return concat(of(cancelAll), timer(backoffMs(failures), scheduler).pipe(switchMap(run)));
        }),
      );
    return run();
  });
}
