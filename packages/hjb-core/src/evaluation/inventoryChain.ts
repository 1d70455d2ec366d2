/**
 * A stationary inventory policy as a continuous-time birth-death chain on `q = -qMax..qMax`
 * (DESIGN 3.9), index `i = q + qMax`: up (a bid fill, or a taker buy) at `upRatePerSec[i]`, down
 * (an ask fill, or a taker sell) at `downRatePerSec[i]`, and the expected running reward
 * `rewardPerSec[i]` of the objective while at `q` (quote currency per second for one-lot fills):
 * spreads captured net of fees, minus taker costs, plus the drift's `mu q`, minus `phi q^2`.
 */
export interface InventoryChain {
  readonly qMax: number;
  readonly upRatePerSec: Float64Array;
  readonly downRatePerSec: Float64Array;
  readonly rewardPerSec: Float64Array;
}

/** Per-level controls of a policy (price units from the mid; NaN: side not quoted). */
export interface LevelControls {
  readonly qMax: number;
  readonly bidDeltaPrice: Float64Array;
  readonly askDeltaPrice: Float64Array;
  /** Rate-form taker trades, lots per second (0 when none). */
  readonly takerBuyRatePerSec: Float64Array;
  readonly takerSellRatePerSec: Float64Array;
}

/** The market and objective a chain is built against (exponential fills, DESIGN 3.3 and 3.9). */
export interface ChainMarket {
  /** `lambda(d) = A exp(-k d)`: fills per second at the mid, decay per price unit. */
  aPerSec: number;
  kPerPrice: number;
  /** Running penalty, price units per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Drift of the mid, price units per second: holding q lots earns `mu q` per second. */
  muPerLotSec: number;
  /** Mid used for fees, price units. */
  midPrice: number;
  /** Maker and taker fees, fractions of notional (bps / 1e4). */
  makerFeeRate: number;
  takerFeeRate: number;
  /** Half the market spread paid by a taker trade, price units (0 for a flat book). */
  takerHalfSpreadPrice: number;
}

/**
 * The chain of per-level controls: a bid at distance `d` fills at `A exp(-k d)` and earns
 * `d - (mid - d) makerFee`; an ask earns `d - (mid + d) makerFee`; a taker buy costs
 * `halfSpread + (mid + halfSpread) takerFee` per lot (a sell alike). Nothing up at `+qMax`,
 * nothing down at `-qMax` (the inventory bound). Throws a RangeError naming a bad input.
 */
export function inventoryChainOf(controls: LevelControls, market: ChainMarket): InventoryChain {
  const { qMax } = controls;
  if (!Number.isInteger(qMax) || qMax < 1)
    throw new RangeError(`qMax must be an integer >= 1, got ${qMax}`);
  const n = 2 * qMax + 1;
  for (const key of [
    'bidDeltaPrice',
    'askDeltaPrice',
    'takerBuyRatePerSec',
    'takerSellRatePerSec',
  ] as const)
    if (controls[key].length !== n)
      throw new RangeError(`${key} must have ${n} levels, got ${controls[key].length}`);
  for (const key of ['aPerSec', 'kPerPrice', 'midPrice'] as const)
    if (!(market[key] > 0) || !Number.isFinite(market[key]))
      throw new RangeError(`${key} must be finite and > 0, got ${market[key]}`);
  const { aPerSec: A, kPerPrice: k, phiPerLot2Sec: phi, muPerLotSec: mu, midPrice: mid } = market;
  const half = market.takerHalfSpreadPrice;
  const takerCost = half + (mid + half) * market.takerFeeRate;
  const up = new Float64Array(n);
  const down = new Float64Array(n);
  const reward = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = i - qMax;
    let r = mu * q - phi * q * q;
    const db = controls.bidDeltaPrice[i]!;
    const da = controls.askDeltaPrice[i]!;
    const nb = positiveRate(controls.takerBuyRatePerSec[i]!);
    const ns = positiveRate(controls.takerSellRatePerSec[i]!);
    if (i < n - 1) {
      const lb = Number.isFinite(db) ? A * Math.exp(-k * db) : 0;
      up[i] = lb + nb;
      r += lb * (db - (mid - db) * market.makerFeeRate) - nb * takerCost;
    }
    if (i > 0) {
      const la = Number.isFinite(da) ? A * Math.exp(-k * da) : 0;
      down[i] = la + ns;
      r += la * (da - (mid + da) * market.makerFeeRate) - ns * takerCost;
    }
    reward[i] = r;
  }
  return { qMax, upRatePerSec: up, downRatePerSec: down, rewardPerSec: reward };
}

function positiveRate(x: number): number {
  return x > 0 && Number.isFinite(x) ? x : 0;
}
