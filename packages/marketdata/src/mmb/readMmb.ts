import { closeSync, openSync, readSync } from 'node:fs';
import type { L2Event, PriceLevel } from '@mm/simulator';
import { DataFormatError } from '../io/DataFormatError.js';
import {
  MAX_DECIMALS,
  MAX_LEVELS,
  MAX_RECORD_BYTES,
  MMB_HEADER_BYTES,
  MMB_MAGIC,
  MMB_VERSION,
  POW10,
  RAW_F64,
  TAG_BOOK,
  TAG_BUY,
  TAG_SELL,
} from './format.js';

/** Bytes read from the file at a time. */
const CHUNK_BYTES = 1 << 20;

/** Whether the file starts with the `.mmb` magic. */
export function isMmb(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === MMB_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/**
 * Stream the events of a `.mmb` file (see `format.ts`), synchronously, reading it in 1 MiB
 * chunks: memory stays bounded (one chunk plus one record) whatever the file's size. A bad
 * header, an unknown tag or a truncated record throws `DataFormatError` naming the file and the
 * record number (as "line").
 */
export function* readMmb(path: string): Generator<L2Event> {
  const fd = openSync(path, 'r');
  let record = 0;
  try {
    const buf = new Uint8Array(CHUNK_BYTES + MAX_RECORD_BYTES);
    const view = new DataView(buf.buffer);
    let end = readSync(fd, buf, 0, CHUNK_BYTES, null);
    let eof = end < CHUNK_BYTES;
    const magic = Buffer.from(buf.subarray(0, 4)).toString('latin1');
    if (end < MMB_HEADER_BYTES || magic !== MMB_MAGIC)
      throw new DataFormatError(path, 0, 'not a .mmb file (no MMB1 header)');
    if (buf[4] !== MMB_VERSION)
      throw new DataFormatError(path, 0, `unsupported .mmb version ${buf[4]}`);
    let pos = MMB_HEADER_BYTES;
    for (;;) {
      if (!eof && end - pos < MAX_RECORD_BYTES) {
        // keep the unread tail, then fill the rest of the buffer
        buf.copyWithin(0, pos, end);
        end -= pos;
        pos = 0;
        const want = buf.length - end;
        const got = readSync(fd, buf, end, want, null);
        end += got;
        eof = got < want;
      }
      if (pos >= end) return;
      record++;
      const tag = buf[pos]!;
      const start = pos;
      if (end - pos < 10) throw new DataFormatError(path, record, 'truncated record');
      const t = view.getFloat64(pos + 1, true);
      const d = buf[pos + 9]!;
      pos += 10;
      if (d !== RAW_F64 && d > MAX_DECIMALS)
        throw new DataFormatError(path, record, `bad decimals byte ${d}`);
      const raw = d === RAW_F64;
      const scale = raw ? 1 : POW10[d]!;
      if (tag === TAG_BOOK) {
        // varint counts (small: one or two bytes)
        let nb = buf[pos++]!;
        if (nb >= 128) nb = (nb & 127) + 128 * buf[pos++]!;
        let na = buf[pos++]!;
        if (na >= 128) na = (na & 127) + 128 * buf[pos++]!;
        if (nb > MAX_LEVELS || na > MAX_LEVELS)
          throw new DataFormatError(path, record, 'bad level count');
        const sides: PriceLevel[][] = [new Array(nb), new Array(na)];
        for (let s = 0; s < 2; s++) {
          const levels = sides[s]!;
          const n = levels.length;
          const sign = s === 0 ? -1 : 1;
          let prev = 0;
          for (let i = 0; i < n; i++) {
            let px: number;
            let sz: number;
            if (raw) {
              px = view.getFloat64(pos, true);
              sz = view.getFloat64(pos + 8, true);
              pos += 16;
            } else {
              // price: zigzag (first) or step, then size; inline LEB128
              let b = buf[pos++]!;
              let v = b & 127;
              let mul = 128;
              while (b >= 128) {
                b = buf[pos++]!;
                v += (b & 127) * mul;
                mul *= 128;
              }
              prev = i === 0 ? (v % 2 === 0 ? v / 2 : -(v + 1) / 2) : prev + sign * v;
              b = buf[pos++]!;
              v = b & 127;
              mul = 128;
              while (b >= 128) {
                b = buf[pos++]!;
                v += (b & 127) * mul;
                mul *= 128;
              }
              px = prev / scale;
              sz = v / scale;
            }
            levels[i] = [px, sz];
          }
        }
        if (pos > end) throw new DataFormatError(path, record, 'truncated record');
        yield { t, type: 'book', bids: sides[0]!, asks: sides[1]! };
      } else if (tag === TAG_BUY || tag === TAG_SELL) {
        let px: number;
        let sz: number;
        if (raw) {
          if (end - pos < 16) throw new DataFormatError(path, record, 'truncated record');
          px = view.getFloat64(pos, true);
          sz = view.getFloat64(pos + 8, true);
          pos += 16;
        } else {
          let b = buf[pos++]!;
          let v = b & 127;
          let mul = 128;
          while (b >= 128) {
            b = buf[pos++]!;
            v += (b & 127) * mul;
            mul *= 128;
          }
          px = (v % 2 === 0 ? v / 2 : -(v + 1) / 2) / scale;
          b = buf[pos++]!;
          v = b & 127;
          mul = 128;
          while (b >= 128) {
            b = buf[pos++]!;
            v += (b & 127) * mul;
            mul *= 128;
          }
          sz = v / scale;
        }
        if (pos > end) throw new DataFormatError(path, record, 'truncated record');
        yield { t, type: 'trade', px, sz, side: tag === TAG_BUY ? 'buy' : 'sell' };
      } else throw new DataFormatError(path, record, `unknown record tag ${tag} at byte ${start}`);
    }
  } catch (err) {
    // a corrupt count can read past the buffer: that is a truncated or damaged record
    if (err instanceof RangeError) throw new DataFormatError(path, record, 'truncated record');
    throw err;
  } finally {
    closeSync(fd);
  }
}
