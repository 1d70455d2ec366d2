import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFillLedger } from '../../src/portfolio/FileFillLedger.js';
import type { FillLedger } from '../../src/portfolio/FillLedger.js';
import type { VenueFill } from '../../src/venues/Venue.js';

/** A real file ledger in a fresh temp dir; `dispose` closes it and removes the dir. */
export async function tempFileLedger(): Promise<{
  ledger: FileFillLedger;
  dispose: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'mm-book-'));
  const ledger = await FileFillLedger.open({ dir, name: 'test' });
  return {
    ledger,
    dispose: async () => {
      await ledger.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A real ledger whose appends wait at a gate the test opens (`release`), or fail while `down` is
 * set: the states a fill passes through between arrival and durability, without timing.
 */
export class GatedLedger implements FillLedger {
  appends = 0;
  down: Error | null = null;
  private waiting: Array<() => void> = [];
  private closed = false;

  constructor(private readonly inner: FillLedger) {}

  /** Appends waiting at the gate. */
  get held(): number {
    return this.waiting.length;
  }

  /** Let every waiting append through. */
  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  async append(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    this.appends++;
    if (!this.closed) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.down) throw this.down;
    return this.inner.append(fill);
  }

  load(): Promise<VenueFill[]> {
    return this.inner.load();
  }

  get skipped() {
    return this.inner.skipped;
  }

  lastFillTsMs(venue: string): number | null {
    return this.inner.lastFillTsMs(venue);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.release();
    await this.inner.close();
  }
}
