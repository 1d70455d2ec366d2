import type { L2Event, PriceLevel } from '@mm/simulator';
import {
  MAX_DECIMALS,
  MAX_LEVELS,
  MAX_RECORD_BYTES,
  POW10,
  RAW_F64,
  TAG_BOOK,
  TAG_BUY,
  TAG_SELL,
} from './format.js';

const MAX_EXACT = 2 ** 53;

/** Smallest `d` such that `x` is exactly `n / 10^d` for an integer `n` below 2^53; -1 if none. */
function decimalsOf(x: number): number {
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const n = Math.round(x * POW10[d]!);
    if (Math.abs(n) < MAX_EXACT && n / POW10[d]! === x) return d;
  }
  return -1;
}

/** Encodes events into `.mmb` records (see `format.ts`) in a reusable buffer. */
export class MmbEncoder {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  /** Encode one event; returns the record's bytes (valid until the next call). */
  encode(e: L2Event): Uint8Array {
    this.pos = 0;
    if (e.type === 'book') {
      if (e.bids.length > MAX_LEVELS || e.asks.length > MAX_LEVELS)
        throw new RangeError(`a book record holds at most ${MAX_LEVELS} levels a side`);
      this.ensure(MAX_RECORD_BYTES);
      this.u8(TAG_BOOK);
      this.f64(e.t);
      const d = this.decimals(e.bids, e.asks);
      this.u8(d);
      this.varint(e.bids.length);
      this.varint(e.asks.length);
      this.side(e.bids, d, true);
      this.side(e.asks, d, false);
    } else {
      this.ensure(64);
      this.u8(e.side === 'buy' ? TAG_BUY : TAG_SELL);
      this.f64(e.t);
      const dp = decimalsOf(e.px);
      const ds = decimalsOf(e.sz);
      const d = dp < 0 || ds < 0 ? RAW_F64 : Math.max(dp, ds);
      if (d === RAW_F64 || !this.fits(e.px, d) || !this.fits(e.sz, d)) {
        this.u8(RAW_F64);
        this.f64(e.px);
        this.f64(e.sz);
      } else {
        this.u8(d);
        this.zigzag(Math.round(e.px * POW10[d]!));
        this.varint(Math.round(e.sz * POW10[d]!));
      }
    }
    return this.buf.subarray(0, this.pos);
  }

  private decimals(bids: readonly PriceLevel[], asks: readonly PriceLevel[]): number {
    let d = 0;
    for (const side of [bids, asks])
      for (const [px, sz] of side) {
        const a = decimalsOf(px);
        const b = decimalsOf(sz);
        if (a < 0 || b < 0 || sz < 0) return RAW_F64;
        d = Math.max(d, a, b);
      }
    for (const side of [bids, asks])
      for (const [px, sz] of side) if (!this.fits(px, d) || !this.fits(sz, d)) return RAW_F64;
    return d;
  }

  private fits(x: number, d: number): boolean {
    const n = Math.round(x * POW10[d]!);
    return Math.abs(n) < MAX_EXACT && n / POW10[d]! === x;
  }

  private side(levels: readonly PriceLevel[], d: number, isBid: boolean): void {
    if (d === RAW_F64) {
      for (const [px, sz] of levels) {
        this.f64(px);
        this.f64(sz);
      }
      return;
    }
    const scale = POW10[d]!;
    let prev = 0;
    for (let i = 0; i < levels.length; i++) {
      const [px, sz] = levels[i]!;
      const n = Math.round(px * scale);
      if (i === 0) this.zigzag(n);
      else {
        const step = isBid ? prev - n : n - prev;
        if (!(step > 0)) throw new RangeError('book levels must be strictly ordered, best first');
        this.varint(step);
      }
      prev = n;
      this.varint(Math.round(sz * scale));
    }
  }

  private ensure(bytes: number): void {
    if (this.buf.length >= bytes) return;
    this.buf = new Uint8Array(bytes);
    this.view = new DataView(this.buf.buffer);
  }

  private u8(x: number): void {
    this.buf[this.pos++] = x;
  }

  private f64(x: number): void {
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }

  /** LEB128 of a non-negative integer below 2^53 (arithmetic, not 32-bit shifts). */
  private varint(n: number): void {
    let v = n;
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  private zigzag(n: number): void {
    this.varint(n >= 0 ? 2 * n : -2 * n - 1);
  }
}
