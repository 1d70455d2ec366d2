/**
 * Every Redis key and stream of one deployment, named in one place: `mm:{prefix}:...`. The
 * engine, the optimizer and the CLI read names only from here, so a change of scheme (e.g. hash
 * tags for Redis Cluster) is made here alone.
 */
export interface DeploymentKeys {
  readonly prefix: string;
  /** The bus streams, one per message type. */
  readonly streams: {
    readonly fills: string;
    readonly snapshots: string;
    readonly params: string;
    readonly control: string;
    /** Shard inventory messages (one portfolio quoted by several engine processes). */
    readonly inventory: string;
  };
  /** The kill-switch key: while it exists, every asset's quotes are pulled (value = reason). */
  readonly kill: string;
  /** The fill ledger: its stream and its idempotency-key hash. */
  readonly ledger: { readonly stream: string; readonly ids: string };
  /** BullMQ's key prefix (a queue's keys are `{bull}:{queue}:...`). */
  readonly bull: string;
  /** Marker that a completed job's result was published (job ids are unique per queue). */
  published(queue: string, jobId: string): string;
  /** A SCAN/KEYS pattern matching every key of the deployment. */
  readonly pattern: string;
}

/** Throws a `TypeError` naming `prefix` when it is empty or holds whitespace (config edge). */
export function checkPrefix(prefix: string): string {
  if (prefix.length === 0 || /\s/.test(prefix)) {
    throw new TypeError(
      `prefix: must be non-empty without whitespace, got ${JSON.stringify(prefix)}`,
    );
  }
  return prefix;
}

/** The keys of deployment `prefix` (non-empty, no whitespace; throws a `TypeError` otherwise). */
export function keysFor(prefix: string): DeploymentKeys {
  const root = `mm:${checkPrefix(prefix)}`;
  return {
    prefix,
    streams: {
      fills: `${root}:fills`,
      snapshots: `${root}:snapshots`,
      params: `${root}:params`,
      control: `${root}:control`,
      inventory: `${root}:inventory`,
    },
    kill: `${root}:kill`,
    ledger: { stream: `${root}:ledger`, ids: `${root}:ledger:ids` },
    bull: `${root}:bull`,
    published: (queue, jobId) => `${root}:published:${queue}:${jobId}`,
    pattern: `${root}:*`,
  };
}
