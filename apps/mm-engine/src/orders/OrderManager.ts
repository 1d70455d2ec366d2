import type { SchedulerLike } from 'rxjs';
import type { OrderAction } from '../model/orderAction.js';
import type { QuoteSide } from '../model/quote.js';
import {
  type OrderRequest,
  type OrderSide,
  type Venue,
  VenueError,
  type VenueFill,
  type VenueOrder,
} from '../venues/Venue.js';
import type { OrderEvent, OrderEventKind, OrderOp } from './orderEvent.js';

export type { OrderEvent, OrderEventKind, OrderOp } from './orderEvent.js';

import {
  backoffMs,
  errorKind,
  errorMessage,
  isDuplicateIdRejection,
  isRetryable,
} from './retry.js';
import { schedulerDelay } from './schedulerDelay.js';
import { TokenBucket } from './tokenBucket.js';

export interface OrderManagerOptions {
  venue: Venue;
  /** Base-currency amount of one lot of `asset` (actions are in lots, the venue in base). */
  lotSizeBase: (asset: string) => number;
  /** Send maker-only orders. */
  postOnly: boolean;
  /** Token-bucket rate of venue order calls (place, edit, cancel, each attempt), per second. */
  maxOrdersPerSec: number;
  /** Token-bucket capacity, calls (default `max(1, maxOrdersPerSec)`). */
  burstOrders?: number;
  /** Attempts per venue call on `transient` / `rateLimited`, including the first. */
  maxAttempts: number;
  /** First retry delay, doubled per attempt, milliseconds. */
  retryBaseMs: number;
  /** Clock and timers (`asyncScheduler` in the engine; virtual time in tests). */
  scheduler: SchedulerLike;
  /** Replace by `editOrder` (default: when the venue supports it); else cancel, then place. */
  useEdit?: boolean;
  /** Every order event, synchronously; must not throw. */
  onEvent?: (event: OrderEvent) => void;
}

/** Counters since construction, plus the current queue. */
export interface OrderManagerStats {
  sent: number;
  acked: number;
  rejected: number;
  retries: number;
  failed: number;
  rateLimited: number;
  canceled: number;
  /** Queued actions superseded by a newer one for the same side before they were sent. */
  coalesced: number;
  /** Times a side waited for a rate-limit token. */
  throttled: number;
  /** Sides with queued (not yet sent) work. */
  queued: number;
  /** Sides with work in progress (sending, waiting for a token or a retry). */
  busy: number;
}

/** The order wanted on a side. */
interface Target {
  clientOrderId: string;
  price: number;
  sizeBase: number;
}

/** Queued work of a side: rest `target` there, or rest nothing. */
type Work = { kind: 'order'; target: Target } | { kind: 'empty' };
const EMPTY: Work = Object.freeze({ kind: 'empty' });

/** An acknowledged order and the call sequence number at which it was acknowledged. */
interface Tracked {
  order: VenueOrder;
  ackSeq: number;
}

/** One (asset, side): its live order, queued work and worker. */
interface Slot {
  readonly asset: string;
  readonly side: QuoteSide;
  readonly venueSide: OrderSide;
  live: Tracked | null;
  pending: Work | null;
  running: boolean;
  /** Bumped by `cancelAll`: work started before it must not leave an order behind. */
  epoch: number;
}

type Step =
  | { op: 'place'; target: Target }
  | { op: 'cancel'; order: VenueOrder }
  | { op: 'edit'; from: VenueOrder; target: Target };

/** After a step: go on with the current work, drop it, or empty the side instead. */
type Outcome = 'continue' | 'stop' | 'empty';

const SIZE_EPS = 1e-9;

/**
 * Sends one venue's order actions. Work is serialized per (asset, side), and a side keeps only
 * its newest queued action: a newer action supersedes a queued one (place X then replace X->Y is
 * place Y; replace A->X then replace X->Y is replace A->Y; place X then cancel X is nothing),
 * because each action is read as "the order this side should rest" (or "nothing") and the worker
 * moves the acknowledged order there: place when nothing rests, replace (edit, or cancel then
 * place) when another order rests, cancel when nothing is wanted. Actions submitted in one
 * synchronous burst are coalesced before anything is sent.
 *
 * Venue calls spend tokens of a bucket (`maxOrdersPerSec`, capacity `burstOrders`); a side
 * waiting for a token keeps coalescing. `transient` and `rateLimited` failures are retried with
 * exponential backoff (`retryBaseMs * 2^(n-1)`, at least `retryAfterMs`) up to `maxAttempts`.
 * No duplicate orders: after a transient failure of a place (or edit) the client order id is
 * looked up in `venue.openOrders(asset)` and the order adopted when found; a "duplicate" rejection
 * of a re-sent place means the first attempt was placed. `rejected` is not retried; `notFound` on
 * a cancel means done.
 */
export class OrderManager {
  private readonly venue: Venue;
  private readonly options: OrderManagerOptions;
  private readonly scheduler: SchedulerLike;
  private readonly bucket: TokenBucket;
  private readonly useEdit: boolean;
  private readonly slots = new Map<string, Slot>();
  /** Client order ids with a call in progress (their venue state is unknown). */
  private readonly inFlight = new Set<string>();
  /** Fills of in-flight ids seen before their acknowledgement, base units. */
  private readonly earlyFills = new Map<string, number>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly counters = {
    sent: 0,
    acked: 0,
    rejected: 0,
    retries: 0,
    failed: 0,
    rateLimited: 0,
    canceled: 0,
    coalesced: 0,
    throttled: 0,
  };
  private seq = 0;
  private busyCalls = 0;

  constructor(options: OrderManagerOptions) {
    for (const [field, v] of [
      ['maxOrdersPerSec', options.maxOrdersPerSec],
      ['retryBaseMs', options.retryBaseMs],
    ] as const) {
      if (!(v > 0) || !Number.isFinite(v)) {
        throw new RangeError(`${field} must be finite and > 0, got ${v}`);
      }
    }
    if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be an integer >= 1, got ${options.maxAttempts}`);
    }
    this.venue = options.venue;
    this.options = options;
    this.scheduler = options.scheduler;
    const burst = options.burstOrders ?? Math.max(1, options.maxOrdersPerSec);
    this.bucket = new TokenBucket(options.maxOrdersPerSec, burst, this.scheduler.now());
    const canEdit = options.venue.capabilities.editOrder && options.venue.editOrder !== undefined;
    this.useEdit = (options.useEdit ?? true) && canEdit;
  }

  // ---- public API --------------------------------------------------------------------------

  /** Queue an action of the asset pipeline; never throws, never waits. */
  submit(action: OrderAction): void {
    if (action.kind === 'cancelAll') {
      this.cancelAll(action.asset).catch(() => {
        // reported as a `failed` event
      });
      return;
    }
    let work: Work;
    if (action.kind === 'cancel') {
      work = EMPTY;
    } else {
      const sizeBase = this.sizeBaseOf(action.asset, action.sizeLots);
      if (!(action.price > 0) || !Number.isFinite(action.price) || sizeBase === null) {
        this.emit('rejected', 'place', action.asset, action.side, action.clientOrderId, 0, {
          message: `invalid action: price ${action.price}, sizeLots ${action.sizeLots}`,
        });
        return;
      }
      work = {
        kind: 'order',
        target: { clientOrderId: action.clientOrderId, price: action.price, sizeBase },
      };
    }
    const slot = this.slotOf(action.asset, action.side);
    if (slot.pending !== null) this.counters.coalesced++;
    slot.pending = work;
    this.kick(slot);
  }

  /**
   * Send an immediate-or-cancel taker order (a hedge, or a quote the boundary sent across the
   * book) through the same token bucket as every call: waits for a token, one attempt only (a
   * taker order retried after a lost answer could trade twice; the fill stream tells what
   * executed). Resolves with the venue's answer (`filled`, or `canceled` with the executed part),
   * or `null` when it was rejected or failed (reported as an event, `side` the quote side the
   * order trades on: a buy is `bid`).
   */
  async take(order: {
    asset: string;
    clientOrderId: string;
    side: OrderSide;
    limitPrice: number;
    sizeLots: number;
  }): Promise<VenueOrder | null> {
    const side: QuoteSide = order.side === 'buy' ? 'bid' : 'ask';
    const sizeBase = this.sizeBaseOf(order.asset, order.sizeLots);
    const id = order.clientOrderId;
    if (!(order.limitPrice > 0) || !Number.isFinite(order.limitPrice) || sizeBase === null) {
      this.emit('rejected', 'take', order.asset, side, id, 0, {
        message: `invalid taker order: price ${order.limitPrice}, sizeLots ${order.sizeLots}`,
      });
      return null;
    }
    this.busyCalls++;
    this.inFlight.add(id);
    try {
      await this.takeToken();
      this.emit('sent', 'take', order.asset, side, id, 1);
      const answer = await this.venue.placeOrder({
        asset: order.asset,
        clientOrderId: id,
        side: order.side,
        price: order.limitPrice,
        sizeBase,
        postOnly: false,
        timeInForce: 'ioc',
      });
      this.emit('acked', 'take', order.asset, side, id, 1);
      return answer;
    } catch (error) {
      this.emit(
        errorKind(error) === 'rejected' ? 'rejected' : 'failed',
        'take',
        order.asset,
        side,
        id,
        1,
        {
          error,
        },
      );
      return null;
    } finally {
      this.inFlight.delete(id);
      this.earlyFills.delete(id);
      this.busyCalls--;
      this.checkIdle();
    }
  }

  /** The acknowledged orders of `asset` (copies). */
  live(asset: string): { bid: VenueOrder | null; ask: VenueOrder | null } {
    const of = (side: QuoteSide): VenueOrder | null => {
      const live = this.slots.get(slotKey(asset, side))?.live;
      return live ? { ...live.order } : null;
    };
    return { bid: of('bid'), ask: of('ask') };
  }

  /**
   * Cancel every order of `asset` (or of the venue) now: drops queued work, bypasses the queue
   * and the wait for a token (the call still spends one), retries like any call. Work already in
   * progress on a side cancels whatever it leaves behind. Rejects with the last error when every
   * attempt failed (after a `failed` event).
   */
  async cancelAll(asset?: string): Promise<void> {
    for (const slot of this.slots.values()) {
      if (asset !== undefined && slot.asset !== asset) continue;
      if (slot.pending !== null) this.counters.coalesced++;
      slot.pending = null;
      slot.epoch++;
    }
    const sentSeq = ++this.seq;
    this.busyCalls++;
    try {
      for (let attempt = 1; ; attempt++) {
        this.bucket.forceTake(this.scheduler.now());
        this.emit('sent', 'cancelAll', asset ?? null, null, null, attempt);
        try {
          await this.venue.cancelAll(asset);
          for (const slot of this.slots.values()) {
            if (asset !== undefined && slot.asset !== asset) continue;
            if (slot.live !== null && slot.live.ackSeq < sentSeq) slot.live = null;
          }
          this.emit('canceled', 'cancelAll', asset ?? null, null, null, attempt);
          return;
        } catch (error) {
          const kind = errorKind(error);
          if (!isRetryable(kind) || attempt >= this.options.maxAttempts) {
            this.emit('failed', 'cancelAll', asset ?? null, null, null, attempt, { error });
            throw error;
          }
          await this.backoff('cancelAll', asset ?? null, null, null, attempt, error);
        }
      }
    } finally {
      this.busyCalls--;
      this.checkIdle();
    }
  }

  /** Account a fill of our own order: a fully filled order is no longer live. */
  onFill(fill: VenueFill): void {
    const id = fill.clientOrderId;
    if (id === null || fill.venue !== this.venue.name) return;
    for (const side of ['bid', 'ask'] as const) {
      const slot = this.slots.get(slotKey(fill.asset, side));
      const live = slot?.live;
      if (slot === undefined || !live || live.order.clientOrderId !== id) continue;
      const filledBase = live.order.filledBase + fill.sizeBase;
      if (filledBase >= live.order.sizeBase * (1 - SIZE_EPS)) {
        slot.live = null;
      } else {
        slot.live = { ...live, order: { ...live.order, filledBase } };
      }
      return;
    }
    if (this.inFlight.has(id))
      this.earlyFills.set(id, (this.earlyFills.get(id) ?? 0) + fill.sizeBase);
  }

  /**
   * An order status change reported by the venue's order stream. A terminal status (filled,
   * canceled, rejected) of the live order on a side, not caused by a call of this manager in
   * flight, forgets it, so the side is placed again; an
   * open order's filled size only grows (fills may also arrive through `onFill`). Returns the side
   * whose live order is gone, or `null`.
   */
  onOrderUpdate(order: VenueOrder): QuoteSide | null {
    // An order this manager is placing, editing or canceling right now: the call's own answer
    // updates the side (its venue echo, e.g. the old id of an edit reported canceled, is not news).
    if (this.inFlight.has(order.clientOrderId)) return null;
    for (const side of ['bid', 'ask'] as const) {
      const slot = this.slots.get(slotKey(order.asset, side));
      const live = slot?.live;
      if (slot === undefined || !live || live.order.clientOrderId !== order.clientOrderId) continue;
      if (order.status === 'open') {
        if (order.filledBase > live.order.filledBase) {
          slot.live = { ...live, order: { ...live.order, filledBase: order.filledBase } };
        }
        return null;
      }
      slot.live = null;
      return side;
    }
    return null;
  }

  /**
   * Compare the venue's open orders (of `asset`, or all) with the tracked ones: cancel orders the
   * manager does not know (not live and not in flight), forget live orders the venue no longer
   * has (acknowledged before the look-up started). Cancels bypass the token wait.
   */
  async reconcile(asset?: string): Promise<{ unknownCanceled: number; missing: number }> {
    const startSeq = ++this.seq;
    this.busyCalls++;
    try {
      const open = await this.venue.openOrders(asset);
      const openIds = new Set(open.map((o) => o.clientOrderId));
      let missing = 0;
      for (const slot of this.slots.values()) {
        if (asset !== undefined && slot.asset !== asset) continue;
        const live = slot.live;
        if (live === null || live.ackSeq >= startSeq) continue;
        const id = live.order.clientOrderId;
        if (openIds.has(id) || this.inFlight.has(id)) continue;
        slot.live = null;
        missing++;
      }
      let unknownCanceled = 0;
      for (const order of open) {
        if (this.isTracked(order.clientOrderId)) continue;
        this.bucket.forceTake(this.scheduler.now());
        this.emit('sent', 'reconcile', order.asset, null, order.clientOrderId, 1);
        try {
          await this.venue.cancelOrder(order.asset, order.clientOrderId);
          unknownCanceled++;
          this.emit('canceled', 'reconcile', order.asset, null, order.clientOrderId, 1, {
            message: 'unknown order',
          });
        } catch (error) {
          if (errorKind(error) === 'notFound') continue;
          this.emit('failed', 'reconcile', order.asset, null, order.clientOrderId, 1, { error });
        }
      }
      return { unknownCanceled, missing };
    } finally {
      this.busyCalls--;
      this.checkIdle();
    }
  }

  /** Resolves once no work is queued or in progress. */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): OrderManagerStats {
    let queued = 0;
    let busy = 0;
    for (const slot of this.slots.values()) {
      if (slot.pending !== null) queued++;
      if (slot.running) busy++;
    }
    return { ...this.counters, queued, busy };
  }

  // ---- the per-side worker -----------------------------------------------------------------

  private slotOf(asset: string, side: QuoteSide): Slot {
    const key = slotKey(asset, side);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = {
        asset,
        side,
        venueSide: side === 'bid' ? 'buy' : 'sell',
        live: null,
        pending: null,
        running: false,
        epoch: 0,
      };
      this.slots.set(key, slot);
    }
    return slot;
  }

  /** Start the side's worker on the next microtask (so a synchronous burst coalesces first). */
  private kick(slot: Slot): void {
    if (slot.running) return;
    slot.running = true;
    queueMicrotask(() => {
      this.run(slot).catch((error: unknown) => {
        this.emit('failed', 'place', slot.asset, slot.side, null, 0, { error });
      });
    });
  }

  private async run(slot: Slot): Promise<void> {
    let work: Work | null = null;
    /** The side's epoch when `work` was queued: a `cancelAll` since then drops it. */
    let workEpoch = slot.epoch;
    try {
      for (;;) {
        if (slot.pending !== null) {
          work = slot.pending;
          workEpoch = slot.epoch;
          slot.pending = null;
        }
        if (work !== null && slot.epoch !== workEpoch) work = null;
        if (work === null || this.plan(slot, work) === null) {
          work = null;
          if (slot.pending === null) break;
          continue;
        }
        await this.takeToken();
        if (slot.pending !== null || slot.epoch !== workEpoch) {
          this.bucket.refund(); // superseded or dropped while waiting
          continue;
        }
        const step = this.plan(slot, work); // the live order may have changed meanwhile
        if (step === null) {
          this.bucket.refund();
          continue;
        }
        const outcome = await this.execute(slot, step);
        if (slot.epoch !== workEpoch) {
          // a cancelAll overtook this step: drop the work, cancel what it may have left
          work = null;
          if (slot.live !== null && slot.pending === null) slot.pending = EMPTY;
          continue;
        }
        if (outcome === 'stop') work = null;
        else if (outcome === 'empty') work = EMPTY;
      }
    } finally {
      slot.running = false;
      this.checkIdle();
    }
  }

  /** The next venue call moving the side towards `work`, or `null` when it is there. */
  private plan(slot: Slot, work: Work): Step | null {
    const live = slot.live?.order ?? null;
    if (work.kind === 'empty') return live ? { op: 'cancel', order: live } : null;
    const target = work.target;
    if (live === null) return { op: 'place', target };
    if (live.clientOrderId === target.clientOrderId) return null;
    return this.useEdit ? { op: 'edit', from: live, target } : { op: 'cancel', order: live };
  }

  /** Run one step (its first attempt's token is already spent). */
  private async execute(slot: Slot, step: Step): Promise<Outcome> {
    const ids =
      step.op === 'place'
        ? [step.target.clientOrderId]
        : step.op === 'cancel'
          ? [step.order.clientOrderId]
          : [step.from.clientOrderId, step.target.clientOrderId];
    for (const id of ids) this.inFlight.add(id);
    try {
      if (step.op === 'place') return await this.place(slot, step.target);
      if (step.op === 'cancel') return await this.cancel(slot, step.order);
      return await this.edit(slot, step.from, step.target);
    } finally {
      for (const id of ids) {
        this.inFlight.delete(id);
        this.earlyFills.delete(id);
      }
    }
  }

  private async place(slot: Slot, target: Target): Promise<Outcome> {
    const id = target.clientOrderId;
    const request: OrderRequest = {
      asset: slot.asset,
      clientOrderId: id,
      side: slot.venueSide,
      price: target.price,
      sizeBase: target.sizeBase,
      postOnly: this.options.postOnly,
    };
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await this.takeToken();
      this.emit('sent', 'place', slot.asset, slot.side, id, attempt);
      try {
        const order = await this.venue.placeOrder(request);
        this.adopt(slot, order);
        this.emit('acked', 'place', slot.asset, slot.side, id, attempt);
        return 'continue';
      } catch (error) {
        const kind = errorKind(error);
        const duplicate = isDuplicateIdRejection(error);
        if (kind === 'transient' || (kind === 'rejected' && (attempt > 1 || duplicate))) {
          // an earlier attempt (or this one) may have placed it
          const found = await this.lookup(slot.asset, id);
          if (found !== null) {
            this.adopt(slot, found);
            this.emit('acked', 'place', slot.asset, slot.side, id, attempt, {
              message: 'found on the venue after a failed call',
            });
            return 'continue';
          }
        }
        if (kind === 'rejected') {
          if (duplicate && attempt > 1) {
            // placed by an earlier attempt and already gone (filled or canceled)
            this.emit('acked', 'place', slot.asset, slot.side, id, attempt, {
              message: 'placed by an earlier attempt, no longer open',
            });
            return 'stop';
          }
          this.emit('rejected', 'place', slot.asset, slot.side, id, attempt, { error });
          return 'stop';
        }
        if (!isRetryable(kind) || attempt >= this.options.maxAttempts) {
          this.emit('failed', 'place', slot.asset, slot.side, id, attempt, { error });
          return 'stop';
        }
        await this.backoff('place', slot.asset, slot.side, id, attempt, error);
      }
    }
  }

  private async cancel(slot: Slot, order: VenueOrder): Promise<Outcome> {
    const id = order.clientOrderId;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await this.takeToken();
      this.emit('sent', 'cancel', slot.asset, slot.side, id, attempt);
      try {
        await this.venue.cancelOrder(slot.asset, id);
        this.forget(slot, id);
        this.emit('canceled', 'cancel', slot.asset, slot.side, id, attempt);
        return 'continue';
      } catch (error) {
        const kind = errorKind(error);
        if (kind === 'notFound') {
          this.forget(slot, id);
          this.emit('canceled', 'cancel', slot.asset, slot.side, id, attempt, {
            message: 'already gone',
          });
          return 'continue';
        }
        if (!isRetryable(kind) || attempt >= this.options.maxAttempts) {
          this.emit('failed', 'cancel', slot.asset, slot.side, id, attempt, { error });
          return 'stop';
        }
        await this.backoff('cancel', slot.asset, slot.side, id, attempt, error);
      }
    }
  }

  private async edit(slot: Slot, from: VenueOrder, target: Target): Promise<Outcome> {
    const editOrder = this.venue.editOrder?.bind(this.venue);
    if (editOrder === undefined) return this.cancel(slot, from);
    const id = target.clientOrderId;
    const change = { newClientOrderId: id, price: target.price, sizeBase: target.sizeBase };
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await this.takeToken();
      this.emit('sent', 'edit', slot.asset, slot.side, id, attempt);
      try {
        const order = await editOrder(slot.asset, from.clientOrderId, change);
        this.adopt(slot, order);
        this.emit('acked', 'edit', slot.asset, slot.side, id, attempt);
        return 'continue';
      } catch (error) {
        const kind = errorKind(error);
        if (kind === 'notFound') {
          // the old order is gone (filled): the next step places the target
          this.forget(slot, from.clientOrderId);
          return 'continue';
        }
        if (kind === 'transient' || isDuplicateIdRejection(error)) {
          const open = await this.openOrders(slot.asset);
          const amended = open?.find((o) => o.clientOrderId === id);
          if (amended !== undefined) {
            this.adopt(slot, amended);
            this.emit('acked', 'edit', slot.asset, slot.side, id, attempt, {
              message: 'found on the venue after a failed call',
            });
            return 'continue';
          }
          if (open !== null && !open.some((o) => o.clientOrderId === from.clientOrderId)) {
            this.forget(slot, from.clientOrderId);
            return 'continue';
          }
        }
        if (kind === 'rejected') {
          // the old order still rests at a price the pipeline no longer wants: empty the side
          this.emit('rejected', 'edit', slot.asset, slot.side, id, attempt, { error });
          return 'empty';
        }
        if (!isRetryable(kind) || attempt >= this.options.maxAttempts) {
          this.emit('failed', 'edit', slot.asset, slot.side, id, attempt, { error });
          return 'stop';
        }
        await this.backoff('edit', slot.asset, slot.side, id, attempt, error);
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Track `order` as the side's live order (with fills seen before its acknowledgement). */
  private adopt(slot: Slot, order: VenueOrder): void {
    const early = this.earlyFills.get(order.clientOrderId) ?? 0;
    const filledBase = Math.max(order.filledBase, early);
    if (order.status !== 'open' || filledBase >= order.sizeBase * (1 - SIZE_EPS)) {
      slot.live = null;
      return;
    }
    slot.live = { order: { ...order, filledBase }, ackSeq: ++this.seq };
  }

  private forget(slot: Slot, clientOrderId: string): void {
    if (slot.live?.order.clientOrderId === clientOrderId) slot.live = null;
  }

  private isTracked(clientOrderId: string): boolean {
    if (this.inFlight.has(clientOrderId)) return true;
    for (const slot of this.slots.values()) {
      if (slot.live?.order.clientOrderId === clientOrderId) return true;
    }
    return false;
  }

  /** The venue's open orders of `asset`, or `null` when the look-up failed. */
  private async openOrders(asset: string): Promise<VenueOrder[] | null> {
    try {
      return await this.venue.openOrders(asset);
    } catch {
      return null;
    }
  }

  /** The open order `clientOrderId` of `asset`, or `null` (also when the look-up failed). */
  private async lookup(asset: string, clientOrderId: string): Promise<VenueOrder | null> {
    const open = await this.openOrders(asset);
    return open?.find((o) => o.clientOrderId === clientOrderId) ?? null;
  }

  /** Wait for and spend one token. */
  private async takeToken(): Promise<void> {
    let waited = false;
    for (;;) {
      const now = this.scheduler.now();
      if (this.bucket.tryTake(now)) return;
      if (!waited) {
        this.counters.throttled++;
        waited = true;
      }
      await schedulerDelay(this.scheduler, this.bucket.msUntilToken(now));
    }
  }

  /** Report a retryable failure and wait before the next attempt. */
  private async backoff(
    op: OrderOp,
    asset: string | null,
    side: QuoteSide | null,
    clientOrderId: string | null,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const kind = errorKind(error);
    const retryAfterMs = error instanceof VenueError ? error.retryAfterMs : undefined;
    this.emit(
      kind === 'rateLimited' ? 'rateLimited' : 'retry',
      op,
      asset,
      side,
      clientOrderId,
      attempt,
      {
        error,
      },
    );
    await schedulerDelay(
      this.scheduler,
      backoffMs(attempt, this.options.retryBaseMs, retryAfterMs),
    );
  }

  private sizeBaseOf(asset: string, sizeLots: number): number | null {
    let lot: number;
    try {
      lot = this.options.lotSizeBase(asset);
    } catch {
      return null;
    }
    const size = Number((sizeLots * lot).toPrecision(12));
    return size > 0 && Number.isFinite(size) ? size : null;
  }

  private emit(
    kind: OrderEventKind,
    op: OrderOp,
    asset: string | null,
    side: QuoteSide | null,
    clientOrderId: string | null,
    attempt: number,
    detail: { error?: unknown; message?: string } = {},
  ): void {
    this.counters[COUNTER_OF[kind]]++;
    const onEvent = this.options.onEvent;
    if (onEvent === undefined) return;
    const message =
      detail.message ?? (detail.error === undefined ? null : errorMessage(detail.error));
    try {
      onEvent({
        kind,
        op,
        asset,
        side,
        clientOrderId,
        attempt,
        message,
        tMs: this.scheduler.now(),
      });
    } catch {
      // a listener's bug must not stop order handling
    }
  }

  private isIdle(): boolean {
    if (this.busyCalls > 0) return false;
    for (const slot of this.slots.values()) {
      if (slot.running || slot.pending !== null) return false;
    }
    return true;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

const COUNTER_OF = {
  sent: 'sent',
  acked: 'acked',
  rejected: 'rejected',
  retry: 'retries',
  failed: 'failed',
  rateLimited: 'rateLimited',
  canceled: 'canceled',
} as const satisfies Record<OrderEventKind, string>;

const slotKey = (asset: string, side: QuoteSide): string => `${asset}\u0000${side}`;
