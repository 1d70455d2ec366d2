import {
  applyStateAdjustments,
  glftGueantParams,
  glftProblem,
  gueantQuote,
  type HjbProblem,
  NoTradeValue,
  optimizeControl,
  priceToBps,
  type QuoteTable,
  type SeedControl,
  type SeedState,
  seedEvaluationContext,
  solveAt,
  solveStationary,
  takeAction,
} from '@mm/hjb-core';
import type { Command } from 'commander';
import { type AssetQuoteModel, assetQuoteModel, flatBookMid } from '../quotes/assetModel.js';
import {
  configuredQuotes,
  configuredQuoteTable,
  parseAssetValues,
} from '../quotes/configuredQuotes.js';
import { formatTextTable, type TextTable } from '../quoteTable.js';
import { DEFAULT_CONFIG_PATH, withFile } from './run.js';
import { EXIT_BAD_INPUT } from './solve.js';

/** Rows shown at most (the inventory grid is thinned to fit). */
const MAX_ROWS = 25;

/** Inventory levels to show: 0, +-step, ..., and always +-qMax. */
export function displayLevels(qMax: number, maxRows = MAX_ROWS): number[] {
  const step = Math.max(1, Math.ceil((2 * qMax + 1) / maxRows));
  const levels = new Set<number>([-qMax, qMax]);
  for (let q = 0; q < qMax; q += step) {
    levels.add(q);
    levels.add(-q);
  }
  return [...levels].sort((a, b) => a - b);
}

/** The comparison table of one asset model's quotes per inventory level. */
export function levelQuoteTable(model: AssetQuoteModel): TextTable {
  const { midPrice, glft, shortHorizonSec } = model;
  const problem = glftProblem(glft);
  const stationary = solveStationary(problem).table;
  const finite = solveAt(problem, shortHorizonSec, 0);
  const gueant = glftGueantParams(glft);
  const bps = (deltaPrice: number | null) =>
    deltaPrice === null || !Number.isFinite(deltaPrice)
      ? '-'
      : priceToBps(deltaPrice, midPrice).toFixed(3);
  const exactCells = (table: QuoteTable, q: number) => {
    const i = q + glft.qMax;
    return [bps(table.bidDelta[i]!), bps(table.askDelta[i]!), takeAction(table.take[i]!) ?? ''];
  };
  const seedCells = (control: SeedControl, q: number) => [
    q < glft.qMax ? control.bidDeltaBps.toFixed(3) : '-',
    q > -glft.qMax ? control.askDeltaBps.toFixed(3) : '-',
    takerCell(control),
  ];
  const rows = displayLevels(glft.qMax).map((q) => {
    const closed = gueantQuote(gueant, q);
    const state = seedState(model, problem, q);
    const ctx = seedEvaluationContext(state, new NoTradeValue(state), problem);
    return [
      String(q),
      ...exactCells(stationary, q),
      ...exactCells(finite, q),
      bps(q < glft.qMax ? closed.bidDeltaPrice : null),
      bps(q > -glft.qMax ? closed.askDeltaPrice : null),
      ...seedCells(optimizeControl(state, ctx).control, q),
      ...seedCells(applyStateAdjustments(state), q),
    ];
  });
  return {
    rowLabel: 'q',
    groups: [
      { title: 'exact stationary', columns: ['bid', 'ask', 'take'] },
      { title: `exact T=${shortHorizonSec}s, t=0`, columns: ['bid', 'ask', 'take'] },
      { title: 'Gueant approx', columns: ['bid', 'ask'] },
      { title: 'seed grid search', columns: ['bid', 'ask', 'taker/s'] },
      { title: 'seed heuristic', columns: ['bid', 'ask', 'taker/s'] },
    ],
    rows,
  };
}

/**
 * The seed's state at inventory `q`: its base half spread `b` is the model's static optimal
 * distance, its value function the no-trade value over the short horizon, at t = 0, no drift.
 */
function seedState(model: AssetQuoteModel, problem: HjbProblem, q: number): SeedState {
  const { midPrice, glft } = model;
  const staticDeltaPrice = gueantStatic(model);
  return {
    inventoryLots: q,
    qMaxLots: glft.qMax,
    midPrice,
    marketSpreadBps: model.marketSpreadBps,
    imbalance: 0.5,
    muHat: 0,
    tSec: 0,
    horizonSec: model.shortHorizonSec,
    baseHalfSpreadBps: priceToBps(staticDeltaPrice, midPrice),
    phiPerLot2Sec: problem.phiPerLot2Sec,
    takerFeeBps: model.takerFeeBps,
    lambda0PerSec: glft.aPerSec, // unused: the grid scores with the model's own intensities
    betaPerBps: 0.1, // unused, the seed default
  };
}

/** Gueant's `c1`: the optimal distance at zero inventory without the skew, price units. */
function gueantStatic(model: AssetQuoteModel): number {
  const g = glftGueantParams(model.glft);
  const { bidDeltaPrice, askDeltaPrice } = gueantQuote(g, 0);
  return (bidDeltaPrice + askDeltaPrice) / 2;
}

function takerCell(control: SeedControl): string {
  if (control.takerBuyRatePerSec > 0) return `buy ${control.takerBuyRatePerSec.toFixed(2)}`;
  if (control.takerSellRatePerSec > 0) return `sell ${control.takerSellRatePerSec.toFixed(2)}`;
  return '';
}

/** The paragraph printed above the per-level table of one asset, wrapped at `width` columns. */
export function levelTableHeader(model: AssetQuoteModel, width = 96): string {
  const { glft, midPrice, shortHorizonSec: T } = model;
  const text =
    `mm quotes: what each policy quotes for ${model.name} as configured: sigma ` +
    `${glft.sigmaPerSqrtSec} price units/sqrt(s), fills A*exp(-k*d) with A = ${glft.aPerSec}/s and ` +
    `k = ${glft.kPerPrice} per price unit, gamma = xi = ${glft.gamma} per (price unit x lot), ` +
    `clips of ${glft.lotSize} lot(s), |q| <= ${glft.qMax} clips, crossing the spread costs ` +
    `${glft.takerCostPerLot.toPrecision(4)} in price (half a tick + ${model.takerFeeBps} bps fee). ` +
    `Each row is an inventory q in clips; bid and ask are distances from the mid (${midPrice}) ` +
    `in bps, "-" where the side is not quoted. "exact" solves the HJB: "stationary" is the ` +
    `long-run optimum (what the engine's exact policy quotes, here with taker trades allowed), ` +
    `"T=${T}s" the optimum with ${T} s left and no terminal penalty. "Gueant approx" is the ` +
    `closed form of Gueant (2017, eqs. 4.6/4.7). The seed's baselines score the same fills with ` +
    `its no-trade value over ${T} s: a 5x5 grid of multipliers on the static half spread, and its ` +
    `heuristic adjustments. "take" is a taker trade the exact policy makes now; "taker/s" is the ` +
    `seed's taker rate, lots per second.`;
  return wrap(text, width);
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

interface QuotesFlags {
  config: string;
  inventory?: string;
  mid?: string;
  asset?: string;
}

function fail(message: string): void {
  process.stderr.write(`mm quotes: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = EXIT_BAD_INPUT;
}

async function printQuotes(flags: QuotesFlags): Promise<void> {
  const { EngineConfigError, loadEngineConfig } = await import('@mm/engine');
  let config: Awaited<ReturnType<typeof loadEngineConfig>>;
  try {
    config = await loadEngineConfig(flags.config);
  } catch (e) {
    if (e instanceof EngineConfigError) return fail(withFile(flags.config, e.message));
    throw e;
  }
  const symbols = config.assets.map((a) => a.symbol);
  let inventory: Record<string, number> = {};
  let mids: Record<string, number> = {};
  try {
    if (flags.inventory !== undefined) {
      inventory = parseAssetValues(
        '--inventory',
        flags.inventory,
        symbols,
        Number.isFinite,
        'a finite number of lots',
      );
    }
    if (flags.mid !== undefined) {
      mids = parseAssetValues(
        '--mid',
        flags.mid,
        symbols,
        (x) => x > 0 && Number.isFinite(x),
        'a price > 0',
      );
    }
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  if (flags.asset !== undefined) {
    const asset = config.assets.find((a) => a.symbol === flags.asset);
    if (asset === undefined) {
      return fail(
        `option "--asset": '${flags.asset}' is not an asset of this config (${symbols.join(', ')})`,
      );
    }
    const mid = flatBookMid(config, asset.symbol, mids);
    if (mid === undefined)
      return fail(`asset ${asset.symbol}: no mid price; pass --mid ${asset.symbol}=PRICE`);
    const model = assetQuoteModel(config, asset, mid);
    process.stdout.write(
      `${levelTableHeader(model)}\n\n${formatTextTable(levelQuoteTable(model), color)}\n`,
    );
    return;
  }
  let table: TextTable;
  try {
    table = configuredQuoteTable(configuredQuotes(config, inventory, mids));
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const header = wrap(
    `mm quotes: what the engine quotes for each asset of ${flags.config} at a flat book ` +
      '(one tick wide, balanced, no drift) and the inventory given (lots; --inventory), from each ' +
      "asset's configured policy and model. Prices in quote currency; distances from the mid in " +
      'price units and bps; "-" where a side does not rest. --asset SYMBOL compares the ' +
      'policies per inventory level.',
    96,
  );
  process.stdout.write(`${header}\n\n${formatTextTable(table, color)}\n`);
}

/** Register `mm quotes`. */
export function addQuotesCommand(program: Command): void {
  program
    .command('quotes')
    .description("print the quotes of the engine config's models at a flat book")
    .option('--config <file>', 'engine config, YAML or JSON', DEFAULT_CONFIG_PATH)
    .option(
      '--inventory <lots>',
      'inventory per asset, lots: BTC=2,ETH=-1 or 2,-1,0 (config order)',
    )
    .option('--mid <prices>', "mid per asset (default: the simulated venues' initialMidPrice)")
    .option('--asset <symbol>', 'one asset: every policy per inventory level')
    .action(async (flags: QuotesFlags) => {
      await printQuotes(flags);
    });
}
