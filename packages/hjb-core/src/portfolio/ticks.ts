/**
 * Prices on a tick grid. `n * tick` is written as `n / m` when `tick = 1/m` for an integer `m`
 * (0.1, 0.01, ...), which gives the correctly rounded decimal (100.1, not 100.10000000000001).
 */

/** Relative slack for a price that is on the grid up to representation error. */
const ON_GRID = 1e-9;

/** The price of tick number `n`. */
export function tickPrice(n: number, tickSize: number): number {
  const inverse = 1 / tickSize;
  const m = Math.round(inverse);
  return m >= 1 && Math.abs(inverse - m) <= ON_GRID * m ? n / m : n * tickSize;
}

/** The largest grid price <= `price` (a bid rounded away from crossing). */
export function floorToTick(price: number, tickSize: number): number {
  return tickPrice(Math.floor(price / tickSize + ON_GRID), tickSize);
}

/** The smallest grid price >= `price` (an ask rounded away from crossing). */
export function ceilToTick(price: number, tickSize: number): number {
  return tickPrice(Math.ceil(price / tickSize - ON_GRID), tickSize);
}

/** The highest grid price strictly below `price` (one tick inside an ask touch). */
export function tickBelow(price: number, tickSize: number): number {
  return tickPrice(Math.ceil(price / tickSize - ON_GRID) - 1, tickSize);
}

/** The lowest grid price strictly above `price` (one tick inside a bid touch). */
export function tickAbove(price: number, tickSize: number): number {
  return tickPrice(Math.floor(price / tickSize + ON_GRID) + 1, tickSize);
}

/**
 * `sizeLots` (lots of `assetLotSizeBase` units) rounded down to a whole number of the venue's lot
 * (`venueLotSizeBase` units), returned in asset lots.
 */
export function roundSizeLots(
  sizeLots: number,
  assetLotSizeBase: number,
  venueLotSizeBase: number,
): number {
  if (assetLotSizeBase === venueLotSizeBase) return Math.floor(sizeLots + ON_GRID);
  const venueLots = Math.floor((sizeLots * assetLotSizeBase) / venueLotSizeBase + ON_GRID);
  return (venueLots * venueLotSizeBase) / assetLotSizeBase;
}
