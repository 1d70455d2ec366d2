/** Who provided liquidity: our resting quote (maker) or our crossing order (taker). */
export type Role = 'maker' | 'taker';

/** Trading fees, hftbacktest's fee model: a fee per fill from its notional. */
export interface FeeModel {
  readonly name: string;
  /** Fee of a fill worth `notionalQuote` (quote currency, > 0); negative = a rebate we receive. */
  feeQuote(role: Role, notionalQuote: number): number;
}

/** Fees in basis points of notional. */
export interface BpsFeesParams {
  /** Maker fee, bps of notional; negative for a rebate (e.g. -0.5). */
  makerBps: number;
  /** Taker fee, bps of notional. */
  takerBps: number;
}

/** Proportional fees: `fee = notional * bps / 1e4`. */
export function bpsFees(params: BpsFeesParams): FeeModel {
  const { makerBps, takerBps } = params;
  if (!Number.isFinite(makerBps)) throw new RangeError(`makerBps must be finite, got ${makerBps}`);
  if (!Number.isFinite(takerBps)) throw new RangeError(`takerBps must be finite, got ${takerBps}`);
  const maker = makerBps / 1e4;
  const taker = takerBps / 1e4;
  return {
    name: 'bps',
    feeQuote(role: Role, notionalQuote: number): number {
      return notionalQuote * (role === 'maker' ? maker : taker);
    },
  };
}

/** No fees (Avellaneda-Stoikov). */
export const zeroFees: FeeModel = { name: 'zero', feeQuote: () => 0 };
