import type { QuoteTable } from './QuoteTable.js';

/**
 * The long-horizon (ergodic) solution: `h(t, q) ~ g (T - t) + h(q)` as `T - t -> infinity`.
 * `table.h` is normalised so that `h(0) = 0`; `valuePerSec` is `g`, the optimal long-run value
 * per second (price units per lot per second).
 */
export interface StationarySolution {
  table: QuoteTable;
  valuePerSec: number;
  /** Newton / Perron iterations used. */
  iterations: number;
}
