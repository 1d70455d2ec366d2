/** Escape text for HTML/SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * A number for display: `digits` significant digits, exponent form outside [1e-3, 1e6),
 * '–' for `NaN`, '∞' for infinities, and no trailing zeros.
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const s =
    a >= 1e6 || a < 1e-3
      ? x.toExponential(digits - 1).replace(/\.?0+e/, 'e')
      : Number(x.toPrecision(digits)).toString();
  return s.replace('-', '−');
}

/** A coordinate for SVG output: 2 decimals, no exponent. */
export function coord(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Object.is(r, -0) ? '0' : r.toString();
}
