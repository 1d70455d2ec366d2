import type { QuoteSide } from './quote.js';

/** What the order manager should send to the venue. */
export type OrderAction =
  | {
      kind: 'place';
      asset: string;
      side: QuoteSide;
      clientOrderId: string;
      price: number;
      sizeLots: number;
    }
  | {
      kind: 'replace';
      asset: string;
      side: QuoteSide;
      clientOrderId: string;
      replacesClientOrderId: string;
      price: number;
      sizeLots: number;
    }
  | { kind: 'cancel'; asset: string; side: QuoteSide; clientOrderId: string }
  | { kind: 'cancelAll'; asset: string; reason: string };
