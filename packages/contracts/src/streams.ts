import { keysFor } from './keys.js';
import type { MessageType } from './messages.js';

/**
 * Redis stream keys for one deployment prefix:
 * `mm:{prefix}:{fills|snapshots|params|control|inventory}`.
 */
export interface StreamNames {
  readonly fills: string;
  readonly snapshots: string;
  /** `params` and `portfolio-params` messages. */
  readonly params: string;
  readonly control: string;
  /** Shard inventory messages (issue 15). */
  readonly inventory: string;
}

/** Stream names under `prefix` (non-empty, no whitespace). Throws on a bad prefix (config edge). */
export function streamNames(prefix: string): StreamNames {
  return keysFor(prefix).streams;
}

/** The stream a message type is published on. */
export function streamFor(names: StreamNames, type: MessageType): string {
  switch (type) {
    case 'fill':
      return names.fills;
    case 'snapshot':
      return names.snapshots;
    case 'params':
    case 'portfolio-params':
      return names.params;
    case 'inventory':
      return names.inventory;
    case 'control':
      return names.control;
  }
}
