import type { RedisClient } from '../redis/redis.client.js';
import { z } from 'zod';
import type { OrderStore } from './order.store.js';

/** Timeline causes that ask staff to act start with this (GET /staff/orders/:id shows them; GET /staff/attention lists what is open). */
export const STAFF_ATTENTION = 'staff-attention';

/**
 * What staff are asked to look at: 'notice_undelivered' (a message a customer
 * must get, their tickets above all, could not be delivered after every
 * retry), 'payment_mismatch' (a paid session that is not the order's, or paid
 * another amount or currency: refused), 'refund_by_hand' (money to give back
 * that Stripe would not refund), 'seats_gone' (paid, but its seats could not
 * be sold).
 */
export const ATTENTION_KINDS = ['notice_undelivered', 'payment_mismatch', 'refund_by_hand', 'seats_gone'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

const flagSchema = z.object({
  orderId: z.string().min(1),
  kind: z.enum(ATTENTION_KINDS),
  /** What it is about: the notice, the session, the payment. */
  about: z.string().min(1),
  note: z.string(),
  at: z.iso.datetime(),
});
export type AttentionFlag = z.infer<typeof flagSchema>;

/**
 * The open requests for staff, one per order, kind and subject, in one hash
 * (`<orderId> <kind> <about>` → the flag): staff list them, /metrics counts
 * them, and each is also noted on its order's timeline, which keeps the
 * trail after the flag is cleared. Flags are few (each is a problem a person
 * must look at), so reading the whole hash is cheap.
 */
export class StaffAttention {
  private readonly key: string;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly orders: Pick<OrderStore, 'note'>,
    options: { prefix: string; now?: () => number },
  ) {
    this.key = `${options.prefix}staff-attention`;
    this.now = options.now ?? Date.now;
  }

  /**
   * Asks staff to look at an order, once per kind and subject while open.
   * `occurrence` tells apart the timeline notes of a problem that comes back
   * after it was cleared (a resend that failed too). Resolves true if the
   * flag is new.
   */
  async flag(orderId: string, kind: AttentionKind, about: string, note: string, occurrence?: string): Promise<boolean> {
    const flag: AttentionFlag = { orderId, kind, about, note, at: new Date(this.now()).toISOString() };
    // Timeline first: a flag is never listed without its trail on the order.
    await this.orders.note(orderId, `${STAFF_ATTENTION}:${kind}:${about}${occurrence ? `:${occurrence}` : ''}`, `Needs staff: ${note}`);
    return (await this.redis.hsetnx(this.key, field(flag), JSON.stringify(flag))) === 1;
  }

  /** Clears an order's open flags of `kind` whose subject `about` accepts: the problem went away (the message got through). */
  async clear(orderId: string, kind: AttentionKind, about: (subject: string) => boolean, why: string): Promise<number> {
    const cleared = (await this.of(orderId)).filter((flag) => flag.kind === kind && about(flag.about));
    if (cleared.length === 0) return 0;
    await this.redis.hdel(this.key, ...cleared.map(field));
    const at = new Date(this.now()).toISOString();
    await Promise.all(cleared.map((flag) => this.orders.note(orderId, `${STAFF_ATTENTION}-cleared:${flag.kind}:${flag.about}:${at}`, `Resolved: ${why}`)));
    return cleared.length;
  }

  /** Every open flag, oldest first. */
  async list(): Promise<AttentionFlag[]> {
    const flags = Object.values(await this.redis.hgetall(this.key)).flatMap(parse);
    return flags.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** The open flags of one order. */
  async of(orderId: string): Promise<AttentionFlag[]> {
    return (await this.list()).filter((flag) => flag.orderId === orderId);
  }

  /** Open flags by kind, every kind present (0 for none), for /metrics. */
  async counts(): Promise<Record<AttentionKind, number>> {
    const counts = Object.fromEntries(ATTENTION_KINDS.map((kind) => [kind, 0])) as Record<AttentionKind, number>;
    for (const flag of await this.list()) counts[flag.kind] += 1;
    return counts;
  }
}

function field(flag: Pick<AttentionFlag, 'orderId' | 'kind' | 'about'>): string {
  return `${flag.orderId} ${flag.kind} ${flag.about}`;
}

/** A stored flag, or none if it cannot be read (written by a later version, say). */
function parse(raw: string): AttentionFlag[] {
  try {
    const parsed = flagSchema.safeParse(JSON.parse(raw));
    return parsed.success ? [parsed.data] : [];
  } catch {
    return [];
  }
}
