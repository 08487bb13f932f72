import type { EventCatalog } from '../catalog/event-catalog.js';
import type { Order } from '../orders/order.js';
import { activeTickets } from '../orders/refund.js';
import type { RedisClient } from '../redis/redis.client.js';
import type { CustomerNotice, LaterNotices } from './customer-notice.js';

export const REMINDER: CustomerNotice = 'reminder';

export interface RemindersOptions {
  /** Prepended verbatim to every key, e.g. `bx:`. */
  prefix: string;
  /** Hours before an event's start that its reminder goes (REMINDER_HOURS_BEFORE); 0: none. */
  hoursBefore: number;
  /** Clock, epoch ms. @default Date.now */
  now?: () => number;
}

/**
 * The reminder before a show, once per order, on the customer's channel:
 * queued at fulfilment as a job delayed until `hoursBefore` the event's
 * start (none when the order is paid after that point), and written down in
 * a sorted set by when it is due, so reconciliation finds a reminder whose
 * job was lost and queues it again (see the reconcile job). Sent once: the
 * notice is recorded on the order's timeline like every other.
 */
export class Reminders {
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly deps: { catalog: EventCatalog; later: LaterNotices },
    private readonly options: RemindersOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** When the order's reminder is due; undefined when reminders are off or the event is unknown. */
  dueAt(order: Pick<Order, 'eventId'>): number | undefined {
    const event = this.deps.catalog.event(order.eventId);
    if (!event || this.options.hoursBefore === 0) return undefined;
    return Date.parse(event.startsAt) - this.options.hoursBefore * 3_600_000;
  }

  /** Queues the order's reminder, unless its time has passed (a ticket bought the day of the show needs none). */
  async schedule(order: Pick<Order, 'id' | 'eventId'>): Promise<void> {
    const due = this.dueAt(order);
    if (due === undefined || due <= this.now()) return;
    await this.redis.zadd(this.dueKey(), 'NX', due, order.id);
    await this.deps.later.enqueueAt(order.id, REMINDER, due);
  }

  /** Orders whose reminder was due at or before `before`, oldest first, for reconciliation. */
  async dueBefore(before: number, limit: number, offset = 0): Promise<string[]> {
    return this.redis.zrangebyscore(this.dueKey(), '-inf', before, 'LIMIT', offset, limit);
  }

  /** Queues the order's reminder now: its delayed job was lost. */
  async requeue(orderId: string): Promise<void> {
    await this.deps.later.enqueueAt(orderId, REMINDER, this.now());
  }

  /** Forgets an order's reminder: sent, or no longer wanted. */
  async settle(orderId: string): Promise<void> {
    await this.redis.zrem(this.dueKey(), orderId);
  }

  private dueKey(): string {
    return `${this.options.prefix}reminders:due`;
  }
}

/**
 * Whether a reminder is still worth sending when its time comes: the order
 * still has tickets that admit, and the show has not begun.
 */
export function reminderStillWanted(order: Order, catalog: EventCatalog, now: number): boolean {
  const event = catalog.event(order.eventId);
  return order.state === 'fulfilled' && activeTickets(order).length > 0 && event !== undefined && Date.parse(event.startsAt) > now;
}
