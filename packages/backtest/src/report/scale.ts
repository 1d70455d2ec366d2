/** A map from data values to pixels along one axis, with its tick values. */
export interface Scale {
  (value: number): number;
  domain: readonly [number, number];
  ticks: readonly number[];
  log: boolean;
}

/** Finite extent of several arrays, `[NaN, NaN]` when none of the values is finite. */
export function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/** Round numbers (1, 2, 5 times a power of ten) spanning [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => (hi - lo) / s <= count) ?? 10 * power;
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/**
 * Linear scale from `[lo, hi]` (padded by `pad` of the span, widened when degenerate, extended
 * to the surrounding nice ticks) to pixels `[r0, r1]`.
 */
export function linearScale(
  [lo, hi]: readonly [number, number],
  [r0, r1]: readonly [number, number],
  pad = 0.04,
  count = 5,
): Scale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi === lo) {
    const w = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 1;
    lo -= w;
    hi += w;
  } else {
    const p = (hi - lo) * pad;
    lo -= p;
    hi += p;
  }
  const ticks = niceTicks(lo, hi, count);
  const f = (v: number) => r0 + ((v - lo) / (hi - lo)) * (r1 - r0);
  return Object.assign(f, { domain: [lo, hi] as const, ticks, log: false });
}

/** Base-10 log scale for positive data; ticks at powers of ten (and 2, 5 when few decades). */
export function logScale(
  [lo, hi]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): Scale {
  if (!(lo > 0) || !(hi > 0)) [lo, hi] = [0.1, 10];
  let a = Math.log10(lo);
  let b = Math.log10(hi);
  if (b - a < 1e-9) {
    a -= 0.5;
    b += 0.5;
  } else {
    const p = (b - a) * 0.06;
    a -= p;
    b += p;
  }
  const ticks: number[] = [];
  const decades = b - a;
  const mantissas = decades < 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(a); e <= Math.ceil(b); e++)
    for (const m of mantissas) {
      const v = m * 10 ** e;
      const lv = Math.log10(v);
      if (lv >= a - 1e-9 && lv <= b + 1e-9) ticks.push(v);
    }
  const f = (v: number) => r0 + ((Math.log10(v) - a) / (b - a)) * (r1 - r0);
  return Object.assign(f, { domain: [10 ** a, 10 ** b] as const, ticks, log: true });
}
