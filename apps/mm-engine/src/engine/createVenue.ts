import type { AssetConfig, SimVenueConfig, VenueConfig } from '@mm/config';
import type { Logger } from '@mm/telemetry';
import type { SchedulerLike } from 'rxjs';
import { SimVenue } from '../venues/sim/SimVenue.js';
import type { Venue } from '../venues/Venue.js';

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
        initialPositionsBase: simStartingPositionsBase(config, assets, ctx.initialPositionsBase),
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

/**
 * Where a simulated venue starts, base units: the config's `initialPositionLots` (a starting
 * position, as a real account has one; with an empty ledger that is all) plus the ledger's fills
 * on this venue, so a restart continues where the last session stopped. The opening position is
 * not a fill and never enters the ledger: the engine adopts the difference between the venue and
 * the ledger at every start (`InventoryBook.adoptVenuePositions`), so it is counted once.
 */
export function simStartingPositionsBase(
  config: SimVenueConfig,
  assets: ReadonlyArray<AssetConfig>,
  ledgerPositionsBase: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = { ...ledgerPositionsBase };
  for (const [asset, lots] of Object.entries(config.initialPositionLots)) {
    const lot = assets.find((a) => a.symbol === asset)?.lotSizeBase;
    if (lot === undefined) {
      throw new Error(`config.venues[${config.name}].initialPositionLots.${asset}: unknown asset`);
    }
    out[asset] = (out[asset] ?? 0) + lots * lot;
  }
  return out;
}
