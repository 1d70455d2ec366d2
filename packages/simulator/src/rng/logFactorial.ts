const SMALL = [
  0,
  0,
  Math.LN2,
  1.791759469228055,
  3.1780538303479458,
  4.787491742782046,
  6.579251212010101,
  8.525161361065415,
  10.60460290274525,
  12.801827480081469,
];
const HALF_LN_2PI = 0.9189385332046728;

/** `ln(k!)` for an integer `k >= 0`: a table below 10, Stirling's series (error < 1e-12) above. */
export function logFactorial(k: number): number {
  if (k < 10) return SMALL[k]!;
  const x = k + 1;
  const r = 1 / x;
  const r2 = r * r;
  return (
    (x - 0.5) * Math.log(x) -
    x +
    HALF_LN_2PI +
    r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)))
  );
}
