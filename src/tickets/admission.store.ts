import type { OrderStore } from '../orders/order.store.js';
import type { RedisClient } from '../redis/redis.client.js';

/** When and where a ticket was let in. */
export interface Admission {
  at: string;
  gate?: string;
}

/** Why a code that was issued no longer admits, when it is not on the order any more. */
export type RetiredBecause = 'upgraded' | 'transferred';

/** Where a ticket belongs, for the counts at the door. */
export interface TicketPlace {
  eventId: string;
  sectionId: string;
}

/**
 * Admissions and retired codes, per order, beside the order under its hash
 * tag ({<order id>}). HSETNX is the whole admission: two gates scanning one
 * code at the same moment admit it once, on one Redis or a cluster.
 *
 * The counts per event and section are sets of admitted codes under the
 * event's tag, added to after the admission: in another slot, so not in the
 * same step, but a set, so adding twice counts once, and a second scan of
 * the code adds it again, mending a count cut short between the two.
 */
export class AdmissionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly orders: Pick<OrderStore, 'orderKeys'>,
    private readonly prefix: string,
  ) {}

  /** Admits `code` now, or says when and where it was admitted first. */
  async admit(orderId: string, code: string, admission: Admission, place: TicketPlace): Promise<{ admitted: true } | { admitted: false; first: Admission }> {
    const key = this.admissionsKey(orderId);
    const admitted = (await this.redis.hsetnx(key, code, JSON.stringify(admission))) === 1;
    await this.redis.sadd(this.countKey(place), code);
    if (admitted) return { admitted: true };
    return { admitted: false, first: JSON.parse((await this.redis.hget(key, code)) ?? '{}') as Admission };
  }

  /** Tickets admitted so far per section of an event, for each of `sectionIds`. */
  async admittedBySection(eventId: string, sectionIds: readonly string[]): Promise<Map<string, number>> {
    const counts = await Promise.all(sectionIds.map((sectionId) => this.redis.scard(this.countKey({ eventId, sectionId }))));
    return new Map(sectionIds.map((sectionId, i) => [sectionId, counts[i]!]));
  }

  /** Every admission of the order, by ticket code. */
  async admissionsOf(orderId: string): Promise<Map<string, Admission>> {
    const raw = await this.redis.hgetall(this.admissionsKey(orderId));
    return new Map(Object.entries(raw).map(([code, json]) => [code, JSON.parse(json) as Admission]));
  }

  /** Remembers why codes left the order (reissued by an upgrade, given away), so a door says so instead of "no such ticket". */
  async retire(orderId: string, codes: readonly string[], because: RetiredBecause): Promise<void> {
    if (codes.length === 0) return;
    await this.redis.hset(this.retiredKey(orderId), Object.fromEntries(codes.map((code) => [code, because])));
  }

  async retiredBecause(orderId: string, code: string): Promise<RetiredBecause | undefined> {
    return ((await this.redis.hget(this.retiredKey(orderId), code)) ?? undefined) as RetiredBecause | undefined;
  }

  /** Every retired code of the order, with why. */
  async retiredOf(orderId: string): Promise<Map<string, RetiredBecause>> {
    return new Map(Object.entries(await this.redis.hgetall(this.retiredKey(orderId))) as [string, RetiredBecause][]);
  }

  private countKey(place: TicketPlace): string {
    return `${this.prefix}admitted:{${place.eventId}}:${place.sectionId}`;
  }

  private admissionsKey(orderId: string): string {
    return `${this.orders.orderKeys(orderId)[0]}:admissions`;
  }

  private retiredKey(orderId: string): string {
    return `${this.orders.orderKeys(orderId)[0]}:retired-tickets`;
  }
}
