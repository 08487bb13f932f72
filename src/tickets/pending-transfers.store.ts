import { z } from 'zod';
import { customerSchema } from '../customers/customer.js';
import type { RedisClient } from '../redis/redis.client.js';

const pendingSchema = z.object({
  plan: z.object({
    orderId: z.string(),
    to: z.string(),
    tickets: z.array(z.string()),
    seats: z.array(z.string()),
    newOrderId: z.string(),
  }),
  from: customerSchema.extend({ name: z.string().optional() }),
});
export type PendingTransfer = z.infer<typeof pendingSchema>;

/**
 * Transfers under way: written before the giver's tickets are marked given,
 * removed once the recipient's order is made and their text queued. A run
 * cut in between (a crash, a failover) leaves its entry, and reconciliation
 * finishes it from the plan, so tickets given are never lost between two
 * orders. Both keys share the hash tag {transfers}: one MULTI, also on a
 * cluster.
 */
export class PendingTransfers {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async add(pending: PendingTransfer): Promise<void> {
    const id = pending.plan.newOrderId;
    await this.redis.multi().zadd(this.dueKey(), 'NX', this.now(), id).hset(this.plansKey(), id, JSON.stringify(pending)).exec();
  }

  async done(newOrderId: string): Promise<void> {
    await this.redis.multi().zrem(this.dueKey(), newOrderId).hdel(this.plansKey(), newOrderId).exec();
  }

  /** Transfers begun at or before `before`, oldest first. */
  async begunBefore(before: number, limit: number): Promise<PendingTransfer[]> {
    const ids = await this.redis.zrangebyscore(this.dueKey(), '-inf', before, 'LIMIT', 0, limit);
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(this.plansKey(), ...ids);
    const found: PendingTransfer[] = [];
    for (const [i, json] of raw.entries()) {
      const parsed = json ? pendingSchema.safeParse(JSON.parse(json)) : undefined;
      if (parsed?.success) found.push(parsed.data);
      // An entry without a readable plan cannot be finished: dropped, not looked at forever.
      else await this.done(ids[i]!);
    }
    return found;
  }

  private dueKey(): string {
    return `${this.prefix}{transfers}:pending`;
  }

  private plansKey(): string {
    return `${this.prefix}{transfers}:plans`;
  }
}
