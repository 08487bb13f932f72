import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './redis.client.js';

/** How long a confirmation waits for a replica; WAIT holds its connection meanwhile, so it is short. */
const DEFAULT_TIMEOUT_MS = 1_000;
/** How long a node's replica count is believed before INFO is asked again. */
const DEFAULT_RECHECK_MS = 5_000;

/** A write this process made was not confirmed by a replica in time: do not acknowledge it (Stripe retries, the texter is asked to send again). */
export class ReplicaNotConfirmedError extends Error {
  constructor(where: string) {
    super(`no replica of ${where} confirmed the last writes in time`);
    this.name = 'ReplicaNotConfirmedError';
  }
}

/** What callers need: "make what I wrote survive a failover before I say it is done". */
export interface WriteConfirmation {
  confirm(): Promise<void>;
}

/**
 * Redis replicates asynchronously: a write a master has answered can vanish
 * if the master dies before its replica has it, and the replica takes over.
 * confirm() sends WAIT 1 to every master this connection reaches (the one
 * Redis, or each master of a cluster), which returns once a replica has
 * every write made on this connection so far; the caller acknowledges only
 * then (an SMS reply, a chat reply, Stripe's 2xx). A node with no replica is
 * not waited for (a laptop's Redis, or a master whose replica is gone: there
 * is nothing to wait for, and saying so is the start-up check's job).
 *
 * WAIT counts this connection's writes, so it must be the connection that
 * made them; it may also cover other requests' writes on the same
 * connection, which only makes it wait a little longer.
 */
export class ReplicaAcks implements WriteConfirmation {
  readonly #replicas = new WeakMap<Redis, { count: number; at: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { timeoutMs?: number; recheckMs?: number; now?: () => number } = {},
  ) {}

  async confirm(): Promise<void> {
    const nodes = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
    await Promise.all(nodes.map((node) => this.confirmNode(node)));
  }

  private async confirmNode(node: Redis): Promise<void> {
    if ((await this.replicasOf(node)) === 0) return;
    const acked = Number(await node.wait(1, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    if (acked >= 1) return;
    // Ask again next time: the replica may have gone for good.
    this.#replicas.delete(node);
    throw new ReplicaNotConfirmedError(`${node.options.host ?? 'redis'}:${node.options.port ?? ''}`);
  }

  private async replicasOf(node: Redis): Promise<number> {
    const now = this.options.now?.() ?? Date.now();
    const known = this.#replicas.get(node);
    if (known && now - known.at < (this.options.recheckMs ?? DEFAULT_RECHECK_MS)) return known.count;
    const info = await node.info('replication');
    const count = Number(/connected_slaves:(\d+)/.exec(info)?.[1] ?? 0);
    this.#replicas.set(node, { count, at: now });
    return count;
  }
}
