import type { SeedControl, SeedState } from './SeedState.js';
import { seedTakerRatePerSec, seedUrgency } from './urgency.js';

/**
 * The seed's `applyStateAdjustments` (docs/math.md §11), with `b = baseHalfSpreadBps`, `M = qMaxLots`,
 * `Q = inventoryLots`, starting from `b` bps on both sides:
 * 1) drift: `a = -muHat b/2`; if `a > 0` bid += a, else ask -= a (upward drift widens the ask);
 * 2) risk: both offsets times `1 + min(|Q|/M, 1)^2`;
 * 3) skew: `s = clamp(Q/M, -1, 1) b/2`; ask -= s, bid += s (long: tighter ask, wider bid);
 * 4) floor each offset at `0.2 b`;
 * 5) urgency `u = min(|Q|/M, 1)^3`; if `u > 0.7`, taker rate `(u - 0.7) 10` lots/s on the
 *    reducing side (sell when long, buy when short).
 * `muHat` is the dimensionless drift signal of `SeedState`. Offsets in bps of the mid.
 */
export function applyStateAdjustments(state: SeedState): SeedControl {
  const { baseHalfSpreadBps: b, qMaxLots: m, inventoryLots: q, muHat } = state;
  let bid = b;
  let ask = b;

  const a = -muHat * b * 0.5;
  if (a > 0) bid += a;
  else ask -= a;

  const x = Math.min(Math.abs(q) / m, 1);
  const riskMult = 1 + x * x;
  bid *= riskMult;
  ask *= riskMult;

  const s = Math.min(Math.max(q / m, -1), 1) * b * 0.5;
  ask -= s;
  bid += s;

  const floor = 0.2 * b;
  bid = Math.max(bid, floor);
  ask = Math.max(ask, floor);

  const takerRate = seedTakerRatePerSec(seedUrgency(q, m));
  return {
    bidDeltaBps: bid,
    askDeltaBps: ask,
    takerBuyRatePerSec: q < 0 ? takerRate : 0,
    takerSellRatePerSec: q > 0 ? takerRate : 0,
  };
}
