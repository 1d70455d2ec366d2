/**
 * Drawdown of a P&L series: `dd(t) = pnl(t) - max_{s <= t} pnl(s)`, quote currency, always <= 0
 * (0 at a running peak). Non-finite values carry the previous peak and give `NaN` at their index.
 */
export function drawdownSeries(pnl: ArrayLike<number>): Float64Array {
  const out = new Float64Array(pnl.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < pnl.length; i++) {
    const v = pnl[i]!;
    if (!Number.isFinite(v)) {
      out[i] = Number.NaN;
      continue;
    }
    if (v > peak) peak = v;
    out[i] = v - peak;
  }
  return out;
}

/**
 * Maximum drawdown: the largest fall of P&L from a running peak, `max_t (max_{s <= t} pnl(s) -
 * pnl(t))`, quote currency, >= 0; 0 for a series that never falls (or has no finite value).
 */
export function maxDrawdown(pnl: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < pnl.length; i++) {
    const v = pnl[i]!;
    if (!Number.isFinite(v)) continue;
    if (v > peak) peak = v;
    else if (peak - v > worst) worst = peak - v;
  }
  return worst;
}
