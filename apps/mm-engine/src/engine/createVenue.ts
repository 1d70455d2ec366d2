import type { SchedulerLike } from 'rxjs';
import type { AssetConfig, VenueConfig } from '../config/engineConfigSchema.js';
import { SimVenue } from '../venues/sim/SimVenue.js';
import type { Venue } from '../venues/Venue.js';
import type { Logger } from './logger.js';

export interface VenueContext {
  scheduler: SchedulerLike;
  /** Epoch milliseconds. */
  nowMs: () => number;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Signed positions the venue starts with, base units (the simulated venue's state from the ledger). */
  initialPositionsBase: Record<string, number>;
}

/**
 * The venue a config entry describes: the simulated venue, or a ccxt exchange (ccxt, 60 MB, is
 * imported only when a config names one).
 */
export async function createVenue(
  config: VenueConfig,
  assets: ReadonlyArray<AssetConfig>,
  ctx: VenueContext,
): Promise<Venue> {
  switch (config.kind) {
    case 'sim':
      return new SimVenue(config, assets, {
        scheduler: ctx.scheduler,
        initialPositionsBase: ctx.initialPositionsBase,
      });
    case 'ccxt': {
      const { CcxtVenue } = await import('../venues/ccxt/CcxtVenue.js');
      return new CcxtVenue(config, {
        nowMs: ctx.nowMs,
        env: ctx.env,
        logger: ctx.logger.child({ venue: config.name }),
      });
    }
  }
}
