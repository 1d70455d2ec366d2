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
import { DEFAULT_MODEL, type DefaultModel } from '../defaultModel.js';
import { formatTextTable, type TextTable } from '../quoteTable.js';

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

/** The comparison table of the default model's quotes per inventory level. */
export function defaultQuoteTable(model: DefaultModel = DEFAULT_MODEL): TextTable {
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
function seedState(model: DefaultModel, problem: HjbProblem, q: number): SeedState {
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
function gueantStatic(model: DefaultModel): number {
  const g = glftGueantParams(model.glft);
  const { bidDeltaPrice, askDeltaPrice } = gueantQuote(g, 0);
  return (bidDeltaPrice + askDeltaPrice) / 2;
}

function takerCell(control: SeedControl): string {
  if (control.takerBuyRatePerSec > 0) return `buy ${control.takerBuyRatePerSec.toFixed(2)}`;
  if (control.takerSellRatePerSec > 0) return `sell ${control.takerSellRatePerSec.toFixed(2)}`;
  return '';
}

/** The paragraph printed above the table, wrapped at `width` columns. */
export function defaultTableHeader(model: DefaultModel = DEFAULT_MODEL, width = 96): string {
  const { glft, midPrice, shortHorizonSec: T } = model;
  const text =
    `mm quotes: what each policy quotes for the ` +
    `default model, ${model.name}: sigma ${glft.sigmaPerSqrtSec.toFixed(2)} USD/sqrt(s), fills ` +
    `A*exp(-k*d) with A = ${glft.aPerSec}/s and k = ${glft.kPerPrice}/USD, gamma = xi = ` +
    `${glft.gamma}/USD, |q| <= ${glft.qMax} lots, crossing the spread costs ` +
    `${glft.takerCostPerLot.toFixed(2)} USD in price (half spread + ${model.takerFeeBps} bps fee). ` +
    `Each row is an inventory q in lots; bid and ask are distances from the mid (${midPrice}) ` +
    `in bps, "-" where the side is not quoted. "exact" solves the HJB: "stationary" is the ` +
    `long-run optimum, "T=${T}s" the optimum with ${T} s left and no terminal penalty. "Gueant ` +
    `approx" is the closed form of Gueant (2017, eqs. 4.6/4.7). The seed's baselines score the ` +
    `same fills with its no-trade value over ${T} s: a 5x5 grid of multipliers on the static half ` +
    `spread, and its heuristic adjustments. "take" is a taker trade the exact policy makes now; ` +
    `"taker/s" is the seed's taker rate, lots per second.`;
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

/** Register `mm quotes`. */
export function addQuotesCommand(program: Command): void {
  program
    .command('quotes')
    .description('print the optimal quotes of the default model per inventory level')
    .action(() => {
      const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
      const out = `${defaultTableHeader()}\n\n${formatTextTable(defaultQuoteTable(), color)}\n`;
      process.stdout.write(out);
    });
}
