import {
  carteaJaimungalProblem,
  type GlftModelParams,
  glftGueantParams,
  glftProblem,
  gueantApproxValue,
  gueantQuote,
  type HjbProblem,
  type QuoteTable,
  seedBookProblem,
  solveAt,
  solveStationary,
  type TakeAction,
  takeAction,
} from '@mm/hjb-core';
import type { Command } from 'commander';
import { type MultiAnswer, solveMulti } from '../multiSolve.js';
import { parseSolveRequest, type SolveRequest } from '../solveSchema.js';

/** One inventory level of the answer; distances from the mid in price units, null = no quote. */
export interface SolveRow {
  q: number;
  bid: number | null;
  ask: number | null;
  /** Value `h(q)`, price units per lot. */
  h: number;
  take: TakeAction;
}

/** The `mm solve` answer: one row per level, `q = -qMax..qMax` ascending. */
export interface SolveAnswer {
  quotes: SolveRow[];
}

/** Exit codes: 2 for bad input (usage), 1 when a valid problem cannot be solved. */
export const EXIT_BAD_INPUT = 2;
export const EXIT_SOLVER_FAILED = 1;

/**
 * Solve one checked request: the exact table (stationary or at `t`), Gueant's closed form, or
 * the multi-asset closed form (quotes at one inventory vector).
 */
export function solveRequest(request: SolveRequest): SolveAnswer | MultiAnswer {
  if (request.model === 'multi') return solveMulti(request);
  if (request.model === 'glft-approx') return gueantAnswer(glftParams(request));
  const problem = problemOf(request);
  const table =
    request.T === undefined
      ? solveStationary(problem).table
      : solveAt(problem, request.T, request.t ?? 0);
  return answerOf(table);
}

/** The reduced HJB problem of an exact model. */
export function problemOf(
  request: Exclude<SolveRequest, { model: 'glft-approx' | 'multi' }>,
): HjbProblem {
  switch (request.model) {
    case 'glft':
      return glftProblem({
        ...glftParams(request),
        ...(request.takerCost === undefined ? {} : { takerCostPerLot: request.takerCost }),
      });
    case 'cj':
      return carteaJaimungalProblem({
        kappaPerPrice: request.kappa,
        lambdaPerSec: request.lambda,
        phiPerLot2Sec: request.phi,
        alphaPerLot2: request.alpha,
        muPerLotSec: request.mu ?? 0,
        qMax: request.qMax,
        ...(request.takerCost === undefined ? {} : { takerCostPerLot: request.takerCost }),
      });
    case 'seed':
      return seedBookProblem({
        lambda0PerSec: request.lambda0,
        betaPerBps: request.beta,
        midPrice: request.mid,
        spreadBps: request.spreadBps,
        imbalance: request.imbalance ?? 0.5,
        phiPerLot2Sec: request.phi,
        muPerLotSec: request.mu ?? 0,
        takerFeeBps: request.takerFeeBps ?? 2,
        alphaPerLot2: request.alpha ?? 0,
        qMax: request.qMax,
      });
  }
}

function glftParams(
  request: Extract<SolveRequest, { model: 'glft' | 'glft-approx' }>,
): GlftModelParams {
  return {
    sigmaPerSqrtSec: request.sigma,
    aPerSec: request.A,
    kPerPrice: request.k,
    gamma: request.gamma,
    xi: request.xi ?? request.gamma,
    lotSize: request.Delta ?? 1,
    qMax: request.qMax,
  };
}

/** Gueant's closed form per level; no bid at +qMax, no ask at -qMax, never takes. */
function gueantAnswer(params: GlftModelParams): SolveAnswer {
  const gp = glftGueantParams(params);
  const quotes: SolveRow[] = [];
  for (let q = -params.qMax; q <= params.qMax; q++) {
    const { bidDeltaPrice, askDeltaPrice } = gueantQuote(gp, q);
    if (!Number.isFinite(bidDeltaPrice) || !Number.isFinite(askDeltaPrice))
      throw new Error(`the closed form is not finite at q = ${q} for these parameters`);
    quotes.push({
      q,
      bid: q < params.qMax ? bidDeltaPrice : null,
      ask: q > -params.qMax ? askDeltaPrice : null,
      h: gueantApproxValue(gp, q),
      take: null,
    });
  }
  return { quotes };
}

/** Rows of a quote table; throws when a value is not finite (the solve failed numerically). */
export function answerOf(table: QuoteTable): SolveAnswer {
  const quotes: SolveRow[] = [];
  for (let i = 0; i < table.h.length; i++) {
    const h = table.h[i]!;
    if (!Number.isFinite(h)) throw new Error(`non-finite value h(${i - table.qMax}) = ${h}`);
    quotes.push({
      q: i - table.qMax,
      bid: finiteOrNull(table.bidDelta[i]!),
      ask: finiteOrNull(table.askDelta[i]!),
      h,
      take: takeAction(table.take[i]!),
    });
  }
  return { quotes };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** What a run prints, and its exit code. */
export interface SolveOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Largest `qMax` of a finite-horizon exact solve (`T` given) without `--force`: the stiff
 * integrator's steps grow with qMax and each costs O(qMax), so the work grows as qMax^2 (about
 * 1 s at 1000 on one core, minutes at 4000; bench/). Stationary solves are linear and unbounded
 * here (up to the schema's `MAX_QMAX`).
 */
export const MAX_FINITE_HORIZON_QMAX = 1000;
/** Most bytes read from stdin: a problem is one small JSON object. */
export const MAX_STDIN_BYTES = 1 << 20;

/** Refusal of a request whose cost is out of bounds (one line naming the field), or null. */
export function costRefusal(request: SolveRequest): string | null {
  if (request.model === 'multi' || request.model === 'glft-approx') return null;
  if (request.T === undefined || request.qMax <= MAX_FINITE_HORIZON_QMAX) return null;
  return (
    `field "qMax": ${request.qMax} is above ${MAX_FINITE_HORIZON_QMAX}, the limit of a finite-horizon exact solve ` +
    '(T given; the work grows as qMax^2): omit T for the stationary solution, or add --force'
  );
}

/** The whole command on a stdin text: one JSON line on stdout, or one line on stderr. */
export function runSolve(stdinText: string, options: { force?: boolean } = {}): SolveOutcome {
  const parsed = parseSolveRequest(stdinText);
  if (!parsed.ok)
    return { exitCode: EXIT_BAD_INPUT, stdout: '', stderr: `mm solve: ${parsed.message}\n` };
  const refusal = options.force ? null : costRefusal(parsed.request);
  if (refusal !== null)
    return { exitCode: EXIT_BAD_INPUT, stdout: '', stderr: `mm solve: ${refusal}\n` };
  let answer: SolveAnswer | MultiAnswer;
  try {
    answer = solveRequest(parsed.request);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // A RangeError from a builder means the schema let a bad value through: still bad input.
    const exitCode = err instanceof RangeError ? EXIT_BAD_INPUT : EXIT_SOLVER_FAILED;
    const prefix = exitCode === EXIT_BAD_INPUT ? 'mm solve: ' : 'mm solve: solver failed: ';
    return { exitCode, stdout: '', stderr: `${prefix}${message.replace(/\s+/g, ' ')}\n` };
  }
  return { exitCode: 0, stdout: `${JSON.stringify(answer)}\n`, stderr: '' };
}

/** Stdin as text, or null when it is longer than `maxBytes` (reading stops there). */
async function readStdin(maxBytes = MAX_STDIN_BYTES): Promise<string | null> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Register `mm solve` on the program. */
export function addSolveCommand(program: Command): void {
  program
    .command('solve')
    .description(
      'read one JSON problem (model glft | cj | glft-approx | seed | multi) on stdin, write the ' +
        'optimal quotes (per inventory level; multi: per asset at the given inventory) as JSON ' +
        'on stdout',
    )
    .option(
      '--force',
      `solve even above the cost bound (finite horizon: qMax > ${MAX_FINITE_HORIZON_QMAX})`,
    )
    .action(async (flags: { force?: boolean }) => {
      if (process.stdin.isTTY) {
        process.stderr.write('mm solve: expected a JSON problem on stdin (pipe it in)\n');
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      const text = await readStdin();
      if (text === null) {
        process.stderr.write(
          `mm solve: stdin: more than ${MAX_STDIN_BYTES} bytes; a problem is one small JSON object\n`,
        );
        process.exitCode = EXIT_BAD_INPUT;
        // stop at once: the rest of stdin is not read
        setTimeout(() => process.exit(), 50).unref();
        return;
      }
      const outcome = runSolve(text, flags);
      if (outcome.stdout) process.stdout.write(outcome.stdout);
      if (outcome.stderr) process.stderr.write(outcome.stderr);
      // exitCode, not exit(): a large answer on a pipe must be flushed first.
      process.exitCode = outcome.exitCode;
    });
}
