import type { RedisClient } from '../redis/redis.client.js';

/**
 * Fulfilled orders whose tickets message is not yet known to be sent, for
 * reconciliation to look at (a sorted set scored by when it next looks): the
 * message's job can be lost (a failover, a crash between fulfilment and the
 * queue), and a paid customer must still get their tickets. Also numbers the
 * resends of an order's tickets.
 */
export interface TicketDeliveriesOptions {
  /** Prepended verbatim to every key, e.g. `bx:`. */
  prefix: string;
  /**
   * How long after fulfilment reconciliation first looks: the message's own
   * job and its retries go first.
   * @default 10 minutes (RECONCILE_AFTER_MINUTES)
   */
  checkAfterMs?: number;
  /** Clock, epoch ms. @default Date.now */
  now?: () => number;
}

export class TicketDeliveries {
  private readonly prefix: string;
  private readonly checkAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    options: TicketDeliveriesOptions,
  ) {
    this.prefix = options.prefix;
    this.checkAfterMs = options.checkAfterMs ?? 10 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts watching an order's tickets message, or again after a resend; an order already watched keeps the earlier look. */
  async watch(orderId: string): Promise<void> {
    await this.redis.zadd(this.watchedKey(), 'LT', this.now() + this.checkAfterMs, orderId);
  }

  /** Watched orders whose check is due (score ≤ now), most overdue first, skipping `offset`. */
  async due(now: number, limit: number, offset = 0): Promise<string[]> {
    return this.redis.zrangebyscore(this.watchedKey(), '-inf', now, 'LIMIT', offset, limit);
  }

  /** Puts off the next check; XX: an order no longer watched is not put back. */
  async recheckAt(orderId: string, at: number): Promise<void> {
    await this.redis.zadd(this.watchedKey(), 'XX', at, orderId);
  }

  async unwatch(orderId: string): Promise<void> {
    await this.redis.zrem(this.watchedKey(), orderId);
  }

  /**
   * The number of the next resend of the order's tickets: 2, 3, … (1 is the
   * one resend a delivery report asks for), drawn once per call so two
   * resends never share a job.
   */
  async nextResend(orderId: string): Promise<number> {
    return (await this.redis.incr(this.resendsKey(orderId))) + 1;
  }

  /** The number of the latest resend of the order's tickets drawn so far; 0 when none was. */
  async latestResend(orderId: string): Promise<number> {
    const drawn = Number(await this.redis.get(this.resendsKey(orderId)));
    return drawn > 0 ? drawn + 1 : 0;
  }

  private watchedKey(): string {
    return `${this.prefix}tickets:undelivered`;
  }

  /** Beside the order's own keys, under its hash tag. */
  private resendsKey(orderId: string): string {
    return `${this.prefix}order:{${orderId}}:ticket-resends`;
  }
}
