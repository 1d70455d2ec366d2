import type { DepthBin } from '../calibration/depthBins.js';
import type { VolatilityEstimate } from '../calibration/estimateVolatility.js';
import { type FillIntensityFit, predictedFillRate } from '../calibration/fitFillIntensity.js';
import { zForLevel } from '../stats/ConfidenceInterval.js';
import { axes, colorAt, FRAME, figure, legend, noData, xRange, yRange } from './chart.js';
import { coord, escapeHtml, formatNumber } from './format.js';
import { extent, linearScale, logScale } from './scale.js';

/**
 * Predicted vs realized fill rates per depth bin, log rate axis: the model `A e^{-k d}` is a
 * straight line; observed rates are points with approximate 95% Poisson intervals
 * `rate * exp(+- 1.96 / sqrt(fills))`; bins without fills are open triangles on the bottom edge.
 */
export function fillRateChart(
  bins: readonly DepthBin[],
  fit: FillIntensityFit | null,
  volatility?: VolatilityEstimate | null,
): string {
  const f = FRAME;
  const title = 'Predicted vs realized fill rates';
  const volText = volatility
    ? ` Volatility σ = ${formatNumber(volatility.sigmaPerSqrtSec)} ± ${formatNumber(volatility.sigmaStdError, 2)} ${volatility.kind === 'log' ? '(fraction)' : 'price'}/√s from ${volatility.increments} increments over ${formatNumber(volatility.durationSec)} s.`
    : '';
  const fitText = fit
    ? `Fit (${fit.method === 'wls' ? 'weighted least squares of ln rate on depth' : 'Poisson maximum likelihood'}): A = ${formatNumber(fit.aPerSec)} ± ${formatNumber(fit.aStdError, 2)} fills/s, k = ${formatNumber(fit.kPerPrice)} ± ${formatNumber(fit.kStdError, 2)} per price unit; χ² = ${formatNumber(fit.chiSquare, 3)} on ${fit.dof} dof, ${fit.fills} fills in ${fit.binsUsed} bins.`
    : 'No model fitted.';
  const caption = `Fills per second of resting time at each depth (points, 95% Poisson intervals) against the model A e<sup>−k d</sup> (line). ${escapeHtml(fitText)}${escapeHtml(volText)}`;
  if (bins.length === 0) return figure('fill-rates', title, noData(f), caption);

  const z = zForLevel(0.95);
  const depths = bins.flatMap((b) => [b.lowerPrice, b.upperPrice, b.depthPrice]);
  const [d0, d1] = extent(depths);
  const sx = linearScale([Math.max(0, d0), d1], xRange(f), 0.02);
  const positive = bins.filter((b) => b.fills > 0);
  const rates = positive.flatMap((b) => [
    b.ratePerSec * Math.exp(-z / Math.sqrt(b.fills)),
    b.ratePerSec * Math.exp(z / Math.sqrt(b.fills)),
  ]);
  const modelD = Array.from(
    { length: 81 },
    (_, i) => sx.domain[0] + ((sx.domain[1] - sx.domain[0]) * i) / 80,
  );
  const modelRates = fit ? modelD.map((d) => predictedFillRate(fit, d)) : [];
  const [r0, r1] = extent(rates, modelRates);
  const sy = logScale([r0, r1], yRange(f));
  const body: string[] = [
    axes(sx, sy, f, 'quote depth from mid (price)', 'fill rate (fills/s, log scale)'),
  ];
  const inPlot = (y: number) => Math.min(Math.max(y, f.top), f.height - f.bottom);
  if (fit) {
    const d = modelD
      .map(
        (dep, i) => `${i === 0 ? 'M' : 'L'}${coord(sx(dep))} ${coord(inPlot(sy(modelRates[i]!)))}`,
      )
      .join('');
    body.push(
      `<path class="series model" d="${d}" stroke="${colorAt(1)}" stroke-width="2"><title>model A e^(−k d)</title></path>`,
    );
  }
  const bars: string[] = [];
  const points: string[] = [];
  for (const b of bins) {
    const x = coord(sx(b.depthPrice));
    if (b.fills > 0) {
      const lo = inPlot(sy(b.ratePerSec * Math.exp(-z / Math.sqrt(b.fills))));
      const hi = inPlot(sy(b.ratePerSec * Math.exp(z / Math.sqrt(b.fills))));
      bars.push(
        `M${x} ${coord(lo)}V${coord(hi)}M${coord(Number(x) - 3)} ${coord(lo)}h6M${coord(Number(x) - 3)} ${coord(hi)}h6`,
      );
      points.push(
        `<circle class="observed" cx="${x}" cy="${coord(sy(b.ratePerSec))}" r="3.5" fill="${colorAt(0)}"><title>depth ${escapeHtml(formatNumber(b.depthPrice))}: ${escapeHtml(formatNumber(b.ratePerSec))} fills/s (${b.fills} fills in ${escapeHtml(formatNumber(b.exposureSec))} s)</title></circle>`,
      );
    } else {
      const yb = f.height - f.bottom;
      points.push(
        `<path class="zero-fills" d="M${x} ${yb - 2}l-4 -7h8Z" stroke="${colorAt(0)}"><title>depth ${escapeHtml(formatNumber(b.depthPrice))}: no fills in ${escapeHtml(formatNumber(b.exposureSec))} s</title></path>`,
      );
    }
  }
  if (bars.length > 0)
    body.push(`<path class="error-bars" d="${bars.join('')}" stroke="${colorAt(0)}"/>`);
  body.push(...points);
  body.push(
    legend(
      [
        { label: 'observed (95% CI)', color: colorAt(0), marker: true },
        ...(fit ? [{ label: 'model A e^(−k d)', color: colorAt(1) }] : []),
      ],
      f,
    ),
  );
  return figure('fill-rates', title, body.join(''), caption);
}
