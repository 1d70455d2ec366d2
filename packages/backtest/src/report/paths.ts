import { coord } from './format.js';

/**
 * Indices to draw of a series of `n` points, at most about `4 * buckets`: per bucket of
 * consecutive points the first, last, lowest and highest (min-max decimation keeps spikes).
 */
export function decimate(y: ArrayLike<number>, buckets: number): number[] {
  const n = y.length;
  if (n <= 4 * buckets) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets);
    if (end <= start) continue;
    let iMin = start;
    let iMax = start;
    for (let i = start; i < end; i++) {
      const v = y[i]!;
      if (v < y[iMin]! || Number.isNaN(y[iMin]!)) iMin = i;
      if (v > y[iMax]! || Number.isNaN(y[iMax]!)) iMax = i;
    }
    for (const i of [start, iMin, iMax, end - 1].sort((p, q) => p - q))
      if (out[out.length - 1] !== i) out.push(i);
  }
  return out;
}

/**
 * SVG path data through the points (x[i], y[i]) mapped by `sx`, `sy`; a non-finite value breaks
 * the line. `step`: hold each value until the next x (inventory, resting quotes).
 */
export function linePath(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  sx: (v: number) => number,
  sy: (v: number) => number,
  options: { step?: boolean; buckets?: number } = {},
): string {
  const idx = decimate(y, options.buckets ?? 600);
  const parts: string[] = [];
  let pen = false;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    const xv = x[i]!;
    const yv = y[i]!;
    if (!Number.isFinite(xv) || !Number.isFinite(yv)) {
      if (pen && options.step && Number.isFinite(xv)) parts.push(`H${coord(sx(xv))}`);
      pen = false;
      continue;
    }
    const px = coord(sx(xv));
    const py = coord(sy(yv));
    if (!pen) parts.push(`M${px} ${py}`);
    else if (options.step) parts.push(`H${px}`, `V${py}`);
    else parts.push(`L${px} ${py}`);
    pen = true;
  }
  // a lone point still gets a visible mark
  if (parts.length === 1) parts.push('h0.01');
  return parts.join('');
}

/**
 * SVG path data of the area between two step lines `lower[i] <= upper[i]` (each value held
 * until the next x): one closed polygon per run of points where both are finite.
 */
export function stepBandPath(
  x: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  sx: (v: number) => number,
  sy: (v: number) => number,
  buckets = 600,
): string {
  const n = x.length;
  const width = new Float64Array(n);
  for (let i = 0; i < n; i++) width[i] = upper[i]! - lower[i]!;
  const idx = decimate(width, buckets);
  const out: string[] = [];
  let run: number[] = [];
  const flush = (endX: number) => {
    if (run.length === 0) return;
    const end = Number.isFinite(endX) ? endX : x[run[run.length - 1]!]!;
    const top: string[] = [];
    const bottom: string[] = [];
    for (let j = 0; j < run.length; j++) {
      const i = run[j]!;
      const xa = coord(sx(x[i]!));
      const xb = coord(sx(j + 1 < run.length ? x[run[j + 1]!]! : end));
      top.push(`${xa} ${coord(sy(upper[i]!))}`, `${xb} ${coord(sy(upper[i]!))}`);
      bottom.push(`${xb} ${coord(sy(lower[i]!))}`, `${xa} ${coord(sy(lower[i]!))}`);
    }
    out.push(`M${top.join('L')}L${bottom.reverse().join('L')}Z`);
    run = [];
  };
  for (const i of idx) {
    if (Number.isFinite(x[i]!) && Number.isFinite(lower[i]!) && Number.isFinite(upper[i]!))
      run.push(i);
    else flush(x[i]!);
  }
  flush(x[n - 1]!);
  return out.join('');
}
