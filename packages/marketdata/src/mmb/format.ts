/**
 * The `.mmb` binary event format: the L2 replay format (`@mm/simulator` L2Event) in about a
 * fifth of the bytes, read without JSON parsing.
 *
 * File: the 8-byte header `MMB1` + version (u8, 1) + 3 zero bytes, then records back to back.
 * Record: tag (u8: 1 book, 2 trade bought, 3 trade sold), `t` (f64 little-endian, seconds),
 * then a decimals byte `d` shared by the record's numbers:
 * - `d` <= 15: each price and size is the integer `round(x * 10^d)` (exact: the writer checks
 *   that dividing by `10^d` gives back the same double), written as a LEB128 varint; a trade's
 *   price and a book side's first price are zigzag varints, further prices of a side are the
 *   positive step from the previous level (bids descending, asks ascending).
 * - `d` = 255: every number is a raw f64 (values no power of ten up to 10^15 represents exactly).
 * Book: varint bid count, varint ask count, then bids best first and asks best first, each level
 * price then size. Trade: price then size.
 */
export const MMB_MAGIC = 'MMB1';
export const MMB_VERSION = 1;
export const MMB_HEADER_BYTES = 8;
export const TAG_BOOK = 1;
export const TAG_BUY = 2;
export const TAG_SELL = 3;
export const RAW_F64 = 255;
export const MAX_DECIMALS = 15;
/** Levels per side a record may hold (bounds a record's size, and so the reader's memory). */
export const MAX_LEVELS = 5000;
/** Upper bound of one record's bytes: tag, t, d, two counts, levels as raw f64 pairs. */
export const MAX_RECORD_BYTES = 1 + 8 + 1 + 2 * 5 + 2 * MAX_LEVELS * 16;
export const POW10: readonly number[] = Array.from({ length: MAX_DECIMALS + 1 }, (_, i) => 10 ** i);
