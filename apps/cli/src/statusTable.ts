import type { EngineStatus } from '@mm/engine';

/** What the table needs of each configured asset besides the status: its units. */
export interface StatusAsset {
  symbol: string;
  /** Asset units per lot. */
  lotSizeBase: number;
  /** Price tick, quote currency. */
  tickSize: number;
}

/** Decimals of a tick (`0.5` -> 1, `0.005` -> 3, `1` -> 0). */
function tickDecimals(tick: number): number {
  for (let d = 0; d <= 10; d++)
    if (Math.abs(Math.round(tick * 10 ** d) - tick * 10 ** d) < 1e-9) return d;
  return 10;
}

const money = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');

/**
 * The status table printed by `mm run`/`mm start` (stdout, for a human): a head line
 * (`transport ... | fills N`, `| KILLED (...)` when the kill switch holds), a header with the unit
 * of every column, one row per asset and venue (the asset's mid, inventory, notional and P&L on
 * its first venue's row; prices to one decimal more than the tick), and portfolio totals.
 * Prices, notional and P&L in quote currency; inventory in lots.
 */
export function formatStatus(status: EngineStatus, assets: readonly StatusAsset[]): string {
  const head = `transport ${status.transport} | fills ${status.fills}${status.killed ? ` | KILLED (${status.killReasons.join('; ')})` : ''}`;
  const header = [
    'asset',
    'venue',
    'mid (quote)',
    'bid (quote)',
    'ask (quote)',
    'inv (lots)',
    'notional (quote)',
    'realized (quote)',
    'open P&L (quote)',
  ];
  const rows: string[][] = [];
  let gross = 0;
  let net = 0;
  let realized = 0;
  let open = 0;
  for (const a of status.assets) {
    const spec = assets.find((s) => s.symbol === a.asset);
    const decimals = spec === undefined ? 4 : tickDecimals(spec.tickSize);
    const price = (x: number | null) =>
      x === null || !Number.isFinite(x) ? '-' : x.toFixed(decimals);
    const midText = Number.isFinite(a.midPrice) ? a.midPrice.toFixed(decimals + 1) : '-';
    const notional =
      spec !== undefined && Number.isFinite(a.midPrice)
        ? a.inventoryLots * spec.lotSizeBase * a.midPrice
        : Number.NaN;
    if (Number.isFinite(notional)) {
      gross += Math.abs(notional);
      net += notional;
    }
    realized += a.realizedQuote;
    open += a.unrealizedQuote;
    const quotes = a.quotes.length > 0 ? a.quotes : [{ venue: '-', bid: null, ask: null }];
    quotes.forEach((q, i) => {
      rows.push(
        i === 0
          ? [
              a.asset,
              q.venue,
              midText,
              price(q.bid),
              price(q.ask),
              a.inventoryLots.toFixed(2),
              money(notional),
              money(a.realizedQuote),
              money(a.unrealizedQuote),
            ]
          : ['', q.venue, '', price(q.bid), price(q.ask), '', '', '', ''],
      );
    });
  }
  rows.push(['total', '', '', '', '', '', `net ${money(net)}`, money(realized), money(open)]);
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  const line = (r: string[]) =>
    `  ${r.map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ')}`.trimEnd();
  const book = status.portfolio;
  const risk = Number.isFinite(book.risk) ? book.risk.toPrecision(4) : '-';
  const totals = `  portfolio (${book.model}): P&L ${money(realized + open)} (realized ${money(realized)} + open ${money(open)}), gross notional ${money(gross)}, net ${money(net)} (quote currency); risk q'Sigma q ${risk} (quote^2/s)`;
  return [head, ...all.map(line), totals].join('\n');
}
