/**
 * The mid sampled on a fixed time grid (previous tick): at each multiple `k * sampleSec` of the
 * epoch that the data spans, the last mid seen at or before it. The grid is anchored at absolute
 * multiples so that files recorded at the same time share grid points (for correlations).
 */
export class MidGrid {
  /** Grid index of the first sample (`k`, time `k * sampleSec`). */
  firstIndex = Number.NaN;
  readonly mids: number[] = [];
  private mid = Number.NaN;
  private next = Number.NaN; // index of the next grid point to fill

  constructor(readonly sampleSec: number) {
    if (!(sampleSec > 0) || !Number.isFinite(sampleSec))
      throw new RangeError(`sampleSec must be finite and > 0, got ${sampleSec}`);
  }

  /** A new mid at `tSec` (times non-decreasing). */
  update(tSec: number, mid: number): void {
    this.advance(tSec);
    this.mid = mid;
    if (Number.isNaN(this.next)) {
      this.next = Math.floor(tSec / this.sampleSec) + 1;
      this.firstIndex = this.next;
    }
  }

  /** Fill the grid points up to `tSec` with the mid in force. */
  advance(tSec: number): void {
    if (Number.isNaN(this.next)) return;
    const last = Math.floor(tSec / this.sampleSec);
    while (this.next <= last) {
      this.mids.push(this.mid);
      this.next++;
    }
  }

  /** Times of the samples, seconds. */
  times(): number[] {
    return this.mids.map((_, i) => (this.firstIndex + i) * this.sampleSec);
  }
}
