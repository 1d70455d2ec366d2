/**
 * One side's fill intensity, and the optimisation of a quote against it.
 *
 * Units: quote distances `deltaPrice` in price units from the mid (positive = behind the mid,
 * i.e. a bid below it or an ask above it); rates in fills (lots) per second; the marginal value
 * `p = h(q +- 1) - h(q)` in price units per lot (the value of holding one more, or one fewer, lot).
 *
 * The Hamiltonian is `H(p) = sup_d rate(d) * g(d + p)` where `g` is the gain of one fill: `g(x) = x`
 * for a risk-neutral maker, `g(x) = (1 - e^(-xi x)) / xi` for GLFT model A. Not quoting (value 0) is
 * always allowed, so `H >= 0`.
 */
export interface IntensityModel {
  /** Short identifier for logs and tables. */
  readonly name: string;
  /** Fill intensity (fills per second) of a quote resting `deltaPrice` from the mid. */
  ratePerSec(deltaPrice: number): number;
  /** The maximiser `d*(p)`; `Infinity` when not quoting is optimal. */
  optimalDelta(p: number): number;
  /** `H(p)`, value per second (price units per lot per second) of quoting optimally. */
  hamiltonian(p: number): number;
  /** `H'(p)` (envelope theorem: the rate at the optimum times `g'`), fills per second. */
  hamiltonianSlope(p: number): number;
  /** `H(p)`, with `H'(p)` written to `slopeOut[at]`: one evaluation for Newton's inner loop. */
  hamiltonianWithSlope(p: number, slopeOut: Float64Array, at: number): number;
}
