import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The recordings copied into the repository (data/real, see its README). */
export const REAL = resolve(here, '../../../data/real');
export const FIXTURES = resolve(here, 'fixtures');
export const BTC = resolve(REAL, 'usdm_btcusdt_20240808.gz');
export const ETH = resolve(REAL, 'usdm_ethusdt_20240808.gz');
export const HYPERLIQUID = resolve(REAL, 'hyperliquid_btcusd_20250126.gz');
