import type { OrderAction } from '../model/orderAction.js';

/**
 * A session tag for client order ids: base-36 start time plus a random suffix, so a restarted
 * engine never reuses an id a venue has seen (venues reject or confuse reused ids).
 */
export function sessionTag(startMs: number, random: () => number): string {
  const suffix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${startMs.toString(36)}${suffix}`;
}

/** Prefix the action's client ids with the session tag (`tag.BTC-bid-7`). */
export function tagAction(action: OrderAction, tag: string): OrderAction {
  switch (action.kind) {
    case 'place':
    case 'cancel':
      return { ...action, clientOrderId: `${tag}.${action.clientOrderId}` };
    case 'replace':
      return {
        ...action,
        clientOrderId: `${tag}.${action.clientOrderId}`,
        replacesClientOrderId: `${tag}.${action.replacesClientOrderId}`,
      };
    case 'cancelAll':
      return action;
  }
}
