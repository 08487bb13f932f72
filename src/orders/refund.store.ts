// Refund requests of an order, in a hash beside the order under its {id}
// hash tag, so the scripts in ./lua can check and change the order and its
// refunds in one step. Records are JSON built here and parsed with zod on
// the way back. Refunds still `requested` are also indexed for
// reconciliation (a sorted set for all orders, like the unsettled orders).
import type { RedisClient } from '../redis/redis.client.js';
import type { WriteConfirmation } from '../redis/replica-acks.js';
import { LuaScript } from '../redis/lua-script.js';
import type { Order } from './order.js';
import { decodeOrder, OrderRecordError, pairsToHash } from './order.record.js';
import type { OrderStore } from './order.store.js';
import { refundRecordSchema, type RefundRecord, type RefundStatus } from './refund.js';

const scripts = {
  reserve: LuaScript.load(new URL('./lua/reserve-refund.lua', import.meta.url)),
  update: LuaScript.load(new URL('./lua/update-refund.lua', import.meta.url)),
  apply: LuaScript.load(new URL('./lua/apply-refund.lua', import.meta.url)),
};

export type ReserveOutcome =
  | { outcome: 'ok' }
  | { outcome: 'changed' }
  | { outcome: 'busy'; other: RefundRecord }
  | { outcome: 'not_refundable'; state: string }
  | { outcome: 'unknown_order' };

export type ApplyOutcome = 'applied' | 'duplicate' | 'illegal' | 'conflict' | 'unknown_order';

/** One refund in the reconciliation index. */
export interface RefundRef {
  orderId: string;
  refundId: string;
}

export interface RefundStoreOptions {
  /**
   * How long a requested refund is left to Stripe's refund webhook before
   * reconciliation first asks Stripe about it; see {@link RefundStore.requestedDue}.
   * Default: 5 minutes (`RECONCILE_GRACE_MINUTES`).
   */
  reconcileAfterMs?: number;
  /** Clock, epoch ms. Default: `Date.now`. */
  now?: () => number;
  /**
   * Waits until a Redis replica has a reservation before Stripe is asked:
   * a reservation a failover took back would let the same tickets be
   * refunded again under a new idempotency key.
   */
  replicated?: WriteConfirmation;
}

const DEFAULT_RECONCILE_AFTER_MS = 5 * 60_000;

export class RefundStore {
  private readonly reconcileAfterMs: number;
  private readonly now: () => number;
  private readonly replicated?: WriteConfirmation;

  constructor(
    private readonly redis: RedisClient,
    private readonly orders: OrderStore,
    options: RefundStoreOptions = {},
  ) {
    this.reconcileAfterMs = options.reconcileAfterMs ?? DEFAULT_RECONCILE_AFTER_MS;
    this.now = options.now ?? Date.now;
    this.replicated = options.replicated;
  }

  /** The order's refunds, oldest first. */
  async list(orderId: string): Promise<RefundRecord[]> {
    const raw = await this.redis.hgetall(this.refundsKey(orderId));
    return Object.values(raw)
      .map((json) => this.parse(orderId, json))
      .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  /** The record and its stored text (what reserve() compares against), if any. */
  async get(orderId: string, refundId: string): Promise<{ record: RefundRecord; text: string } | undefined> {
    const text = await this.redis.hget(this.refundsKey(orderId), refundId);
    return text === null ? undefined : { record: this.parse(orderId, text), text };
  }

  /** Writes a `requested` record if nothing moved since `expectedText` was read; see lua/reserve-refund.lua. */
  async reserve(record: RefundRecord, expectedText: string | undefined): Promise<ReserveOutcome> {
    const [orderKey] = this.orders.orderKeys(record.orderId);
    // Indexed for reconciliation before the record is written, so a crash
    // right after cannot leave a requested refund that nothing looks at. An
    // entry whose refund was not written (busy, changed) or has since settled
    // is dropped when it falls due.
    await this.redis.zadd(this.requestedKey(), this.now() + this.reconcileAfterMs, indexMember(record));
    const reply = (await scripts.reserve.run(this.redis, [orderKey, this.refundsKey(record.orderId)], [
      record.id,
      expectedText ?? '',
      JSON.stringify(refundRecordSchema.parse(record)),
      ...record.tickets,
    ])) as [string, string?];
    if (reply[0] === 'ok') await this.replicated?.confirm();
    switch (reply[0]) {
      case 'ok':
      case 'changed':
      case 'unknown_order':
        return { outcome: reply[0] };
      case 'busy':
        return { outcome: 'busy', other: this.parse(record.orderId, reply[1] ?? '') };
      case 'not_refundable':
        return { outcome: 'not_refundable', state: reply[1] ?? '' };
      default:
        throw new Error(`unexpected reserve-refund reply ${JSON.stringify(reply)}`);
    }
  }

  /**
   * Replaces a record if its stored status is one of `from`. Resolves the
   * record as stored afterwards (undefined if there is none).
   */
  async update(record: RefundRecord, from: RefundStatus[]): Promise<{ written: boolean; record?: RefundRecord }> {
    const [written, text] = (await scripts.update.run(this.redis, [this.refundsKey(record.orderId)], [
      record.id,
      JSON.stringify(refundRecordSchema.parse(record)),
      ` ${from.join(' ')} `,
    ])) as [number, string];
    const stored = text ? this.parse(record.orderId, text) : undefined;
    if (stored?.status !== 'requested') await this.unindex(record);
    return { written: written === 1, record: stored };
  }

  /**
   * Applies a confirmed refund to the order: tickets void, amount added, the
   * record marked succeeded, `refunded` when nothing is left. Once per refund.
   */
  async apply(
    record: RefundRecord,
    confirmation: { amount: number; cause: string; note: string; now: Date },
  ): Promise<{ outcome: ApplyOutcome; order?: Order }> {
    const keys = [...this.orders.orderKeys(record.orderId), this.refundsKey(record.orderId)];
    const succeeded: RefundRecord = { ...record, status: 'succeeded', updatedAt: confirmation.now.toISOString() };
    const reply = (await scripts.apply.run(this.redis, keys, [
      record.id,
      confirmation.now.toISOString(),
      confirmation.amount,
      confirmation.cause,
      confirmation.note,
      JSON.stringify(refundRecordSchema.parse(succeeded)),
      ...record.tickets,
    ])) as [ApplyOutcome, string[]?, string[]?];
    const [outcome, hash, timeline] = reply;
    if (outcome === 'unknown_order' || !hash || !timeline) return { outcome: 'unknown_order' };
    if (outcome === 'applied' || outcome === 'duplicate') await this.unindex(record);
    return { outcome, order: decodeOrder(record.orderId, pairsToHash(hash), timeline) };
  }

  /**
   * Refunds whose reconciliation check is due (score ≤ now), most overdue
   * first. An entry may name a refund that has since settled, or was never
   * written: the index is kept beside the records, not with them.
   */
  async requestedDue(now: number, limit: number, offset = 0): Promise<RefundRef[]> {
    const members = await this.redis.zrangebyscore(this.requestedKey(), '-inf', now, 'LIMIT', offset, limit);
    return members.flatMap((member) => {
      const [orderId, refundId] = member.split(INDEX_SEPARATOR);
      return orderId && refundId ? [{ orderId, refundId }] : [];
    });
  }

  /** Puts off the next check of a refund still in the index (XX: one that left it meanwhile is not put back). */
  async recheckAt(ref: RefundRef, at: number): Promise<void> {
    await this.redis.zadd(this.requestedKey(), 'XX', at, indexMember(ref));
  }

  /** Takes a refund out of the reconciliation index: it has settled, or staff must look at it. */
  async unindex(ref: RefundRef | Pick<RefundRecord, 'orderId' | 'id'>): Promise<void> {
    await this.redis.zrem(this.requestedKey(), indexMember(ref));
  }

  private parse(orderId: string, json: string): RefundRecord {
    try {
      return refundRecordSchema.parse(JSON.parse(json));
    } catch (err) {
      throw new OrderRecordError(orderId, `a refund record does not parse: ${(err as Error).message.slice(0, 200)}`);
    }
  }

  private refundsKey(orderId: string): string {
    return `${this.orders.orderKeys(orderId)[0]}:refunds`;
  }

  /**
   * Sorted set: `<order id>/<refund id>` of refunds still `requested`, scored
   * by when reconciliation next asks Stripe about them (epoch ms). One key for
   * all orders, in another Cluster slot than the orders' {id} keys, so it is
   * written beside the scripts, never inside them (DESIGN rule 7).
   */
  private requestedKey(): string {
    return `${this.orders.keyPrefix}refunds:requested`;
  }
}

const INDEX_SEPARATOR = '/';

function indexMember(ref: RefundRef | Pick<RefundRecord, 'orderId' | 'id'>): string {
  return `${ref.orderId}${INDEX_SEPARATOR}${'refundId' in ref ? ref.refundId : ref.id}`;
}
