import type { RedisClient } from '../redis/redis.client.js';
import { customerKey } from '../customers/customer.js';
import { LuaScript } from '../redis/lua-script.js';
import { newOrderSchema, orderStateSchema, statesLeadingTo, type NewOrder, type Order, type OrderKind, type OrderPatch, type OrderState, type TransitionOutcome, type TransitionRequest, type TransitionResult } from './order.js';
import { type Channel } from '../customers/customer.js';
import { isRecordId, newOfferId, newOrderId } from './order-id.js';
import { decodeOrder, encodeOrderFields, encodePatch, pairsToHash } from './order.record.js';
import { newLinkSecret } from '../checkout/pay-link.js';

export interface OrderStoreOptions {
  /** Prepended verbatim to every key, e.g. `bx:`. */
  prefix: string;
  /** Clock for timestamps. Default: `Date.now`. */
  now?: () => number;
  /** Id generator for ticket orders, given the attempt number (0, 1, …). Default: {@link newOrderId}, 4 characters, longer after repeated collisions. */
  newId?: (attempt: number) => string;
  /** Draws before create() gives up on finding a free id. Default: 20. */
  maxIdAttempts?: number;
  /**
   * How long a new (or newly paid) order is left to the webhook path before
   * reconciliation first looks at it; see {@link OrderStore.unsettledDue}.
   * Default: 10 minutes (`RECONCILE_AFTER_MINUTES`).
   */
  reconcileAfterMs?: number;
}

/** 4-character ids first, 5 and then 6 when shorter ones keep colliding. */
export function idLength(attempt: number): number {
  return attempt < 8 ? 4 : attempt < 14 ? 5 : 6;
}

/** States an order reaches only by being paid. */
const PAID: ReadonlySet<OrderState> = new Set(['paid', 'fulfilled', 'refunded']);

/** States reconciliation still has to see end: open, or paid but not yet fulfilled. */
const UNSETTLED: ReadonlySet<OrderState> = new Set(['held', 'awaiting_payment', 'paid']);
const DEFAULT_RECONCILE_AFTER_MS = 10 * 60_000;

/** Raised when create() cannot find a free order id: the id space is nearly full. */
export class OrderIdsExhaustedError extends Error {
  constructor(attempts: number) {
    super(`No free order id after ${attempts} draws; even 6-character ids keep colliding`);
    this.name = 'OrderIdsExhaustedError';
  }
}

/** Raised by create() with an explicit id that another order already uses. */
export class OrderIdTakenError extends Error {
  constructor(id: string) {
    super(`Order id ${id} is already in use`);
    this.name = 'OrderIdTakenError';
  }
}

const scripts = {
  create: LuaScript.load(new URL('./lua/create-order.lua', import.meta.url)),
  transition: LuaScript.load(new URL('./lua/transition-order.lua', import.meta.url)),
  note: LuaScript.load(new URL('./lua/note-order.lua', import.meta.url)),
  claimOffer: LuaScript.load(new URL('./lua/claim-offer.lua', import.meta.url)),
  assignLinkSecret: LuaScript.load(new URL('./lua/assign-link-secret.lua', import.meta.url)),
};

/** Orders in Redis: create, read, move through the state machine, list. */
export class OrderStore {
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly newId: (attempt: number) => string;
  private readonly maxIdAttempts: number;
  private readonly reconcileAfterMs: number;

  constructor(
    private readonly redis: RedisClient,
    options: OrderStoreOptions,
  ) {
    this.prefix = options.prefix;
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? ((attempt) => newOrderId(idLength(attempt)));
    this.maxIdAttempts = options.maxIdAttempts ?? 20;
    this.reconcileAfterMs = options.reconcileAfterMs ?? DEFAULT_RECONCILE_AFTER_MS;
  }

  /**
   * Creates an order in state `held`, and indexes it by event and by
   * customer, or, for an upgrade offer, by the order it upgrades (offers are
   * not the customer's orders: "my orders" never lists them).
   * With `options.id` (an id the caller already holds seats under) it claims
   * exactly that id and throws OrderIdTakenError if it is in use; otherwise it
   * draws a fresh one.
   */
  async create(input: NewOrder, options: { id?: string } = {}): Promise<Order> {
    const data = newOrderSchema.parse(input);
    const nowMs = this.now();
    const at = new Date(nowMs).toISOString();
    const base: Omit<Order, 'id'> = {
      ...data,
      amount: data.amount ?? data.unitAmount * data.quantity,
      linkSecret: newLinkSecret(),
      state: 'held',
      tickets: [],
      refundedTickets: [],
      transferredTickets: [],
      refundedAmount: 0,
      createdAt: at,
      updatedAt: at,
      timeline: [{ at, to: 'held', cause: 'created' }],
    };
    if (data.kind === 'upgrade' && !data.upgradeOf) throw new TypeError('an upgrade offer needs upgradeOf');
    const build = (candidate: string): Order => ({ ...base, id: candidate });
    const id = options.id === undefined ? await this.claimId(build) : await this.claimGiven(options.id, build);
    // Indexed after the claim, never before: an index entry written for an id
    // that turned out to be taken would point at someone else's order.
    await Promise.all([
      data.kind === 'upgrade'
        ? this.redis.zadd(this.offersKey(data.upgradeOf!), nowMs, id)
        : this.redis.zadd(this.customerIndexKey(data.customer.channel, data.customer.address), nowMs, id),
      this.redis.zadd(this.eventIndexKey(data.eventId), nowMs, id),
    ]);
    return { ...base, id };
  }

  async get(id: string): Promise<Order | undefined> {
    if (!isRecordId(id)) return undefined;
    // MULTI on keys with one hash tag: a consistent snapshot, also on Cluster.
    const replies = await this.redis
      .multi()
      .hgetall(this.orderKey(id))
      .lrange(this.timelineKey(id), 0, -1)
      .exec();
    const [hashReply, timelineReply] = replies ?? [];
    if (hashReply?.[0] || timelineReply?.[0]) throw hashReply?.[0] ?? timelineReply?.[0];
    const hash = hashReply?.[1] as Record<string, string>;
    if (Object.keys(hash).length === 0) return undefined;
    if (hash.linkSecret === undefined) {
      const secret = await this.assignLinkSecret(id);
      if (secret !== undefined) hash.linkSecret = secret;
    }
    return decodeOrder(id, hash, timelineReply?.[1] as string[]);
  }

  /**
   * An order stored before pay links carried a secret gets one on its first
   * read. Safe whoever reads it: the secret is drawn here and goes out only
   * in links built for the order's own customer (a conversation, a notice);
   * the pay-link route that read it for a stranger still compares what the
   * stranger offered, and the bare /p/<id> those orders were sent never
   * opens an order again. Reading on, rather than refusing such orders,
   * lets a customer still holding one ask STATUS for a link that works.
   */
  private async assignLinkSecret(id: string): Promise<string | undefined> {
    const secret = await scripts.assignLinkSecret.run(this.redis, this.orderKeys(id).slice(0, 1), [newLinkSecret()]);
    return typeof secret === 'string' ? secret : undefined;
  }

  /** Moves an order to `to` once per cause; see lua/transition-order.lua for the outcomes. */
  async transition(id: string, request: TransitionRequest): Promise<TransitionResult> {
    const to = orderStateSchema.parse(request.to);
    if (request.cause === '') throw new TypeError('transition needs a cause');
    if (!isRecordId(id)) return { outcome: 'unknown_order' };
    const reply = (await scripts.transition.run(this.redis, this.orderKeys(id), [
      to,
      request.cause,
      new Date(this.now()).toISOString(),
      request.note ?? '',
      ` ${statesLeadingTo(to).join(' ')} `,
      ...encodePatch(request.patch),
    ])) as [TransitionOutcome, string[]?, string[]?];
    const [outcome, hash, timeline] = reply;
    if (outcome === 'unknown_order' || !hash || !timeline) return { outcome: 'unknown_order' };
    const order = decodeOrder(id, pairsToHash(hash), timeline);
    await this.trackUnsettled(order, outcome);
    if (outcome === 'applied' && order.state === 'paid' && order.kind === 'tickets') await this.markPaid(order.customer.channel, order.customer.address);
    return { outcome, order };
  }

  /**
   * Whether the customer has ever paid for an order (limits on unpaid holds
   * spare those who have). Read from a mark set when one of their orders is
   * paid; without the mark (never paid, or paid before marks were kept) their
   * orders are looked through, and a paid one leaves the mark for next time.
   */
  async hasPaid(channel: Channel, address: string): Promise<boolean> {
    if ((await this.redis.exists(this.paidMarkKey(channel, address))) === 1) return true;
    const paid = (await this.listByCustomer(channel, address)).some((order) => PAID.has(order.state));
    if (paid) await this.markPaid(channel, address);
    return paid;
  }

  private async markPaid(channel: Channel, address: string): Promise<void> {
    await this.redis.set(this.paidMarkKey(channel, address), '1');
  }

  /**
   * Ids of unsettled orders whose next reconciliation check is due (score ≤
   * now), most overdue first. An id may name an order that has since ended
   * or never came to be: the index is kept beside the orders, not with them.
   */
  async unsettledDue(now: number, limit: number, offset = 0): Promise<string[]> {
    return this.redis.zrangebyscore(this.unsettledKey(), '-inf', now, 'LIMIT', offset, limit);
  }

  /**
   * Puts off the next reconciliation check of an order still in the index.
   * XX: an order that ended (and left the index) meanwhile is not put back.
   */
  async recheckAt(id: string, at: number): Promise<void> {
    await this.redis.zadd(this.unsettledKey(), 'XX', at, id);
  }

  /** Takes an order out of the reconciliation index: it has ended, or staff must look at it. */
  async markSettled(id: string): Promise<void> {
    await this.redis.zrem(this.unsettledKey(), id);
  }

  /**
   * Keeps the unsettled index in step with a transition. Not part of the
   * transition script: the index is one key for all orders, in another
   * Cluster slot than the order's {id} keys (DESIGN rule 7). A crash between
   * the two leaves an ended order in the index, which reconciliation drops
   * when it reads the order; it never leaves an open order out, because
   * create() indexes an order before it exists.
   */
  private async trackUnsettled(order: Order, outcome: TransitionOutcome): Promise<void> {
    if (!UNSETTLED.has(order.state)) {
      await this.markSettled(order.id);
    } else if (order.state === 'paid' && outcome === 'applied') {
      // Paid, fulfilment under way: give the payment job (and its retries) time first.
      await this.redis.zadd(this.unsettledKey(), this.now() + this.reconcileAfterMs, order.id);
    }
  }

  /**
   * Appends a timeline entry without a state change, once per cause, and in
   * the same step applies `patch` (an upgrade's new seats and tickets).
   * Resolves true if it was appended, false if this cause was already noted or there is no such order.
   */
  async note(id: string, cause: string, note: string, patch?: OrderPatch): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const at = new Date(this.now()).toISOString();
    const reply = await scripts.note.run(this.redis, this.orderKeys(id), [cause, at, note, ...encodePatch(patch)]);
    return reply === 1;
  }

  /** The customer's orders, newest first. */
  async listByCustomer(channel: Channel, address: string, options: { createdSince?: number } = {}): Promise<Order[]> {
    // The index is scored by creation time, so "recent only" reads only those.
    const ids = await this.redis.zrevrangebyscore(this.customerIndexKey(channel, address), '+inf', options.createdSince ?? '-inf');
    const orders = await this.getMany(ids);
    // Belt and braces: never show one customer another's order.
    return orders.filter((order) => order.customer.channel === channel && order.customer.address === address);
  }

  /** The event's orders and upgrade offers, newest first, optionally only those of one kind or in one state. */
  async listByEvent(eventId: string, filter: { state?: OrderState; kind?: OrderKind } = {}): Promise<Order[]> {
    const ids = await this.redis.zrevrange(this.eventIndexKey(eventId), 0, -1);
    const orders = await this.getMany(ids);
    return orders.filter(
      (order) =>
        order.eventId === eventId &&
        (filter.state === undefined || order.state === filter.state) &&
        (filter.kind === undefined || order.kind === filter.kind),
    );
  }

  /**
   * Makes `offerId` the order's one open upgrade offer; `replacing` names a
   * previous offer the caller saw end. False if another offer holds the claim.
   */
  async claimOffer(orderId: string, offerId: string, replacing = ''): Promise<boolean> {
    if (!isRecordId(orderId)) return false;
    return (await scripts.claimOffer.run(this.redis, this.orderKeys(orderId).slice(0, 1), [offerId, replacing])) === 1;
  }

  /** The upgrade offers made on an order, newest first. */
  async offersOf(orderId: string): Promise<Order[]> {
    if (!isRecordId(orderId)) return [];
    const offers = await this.getMany(await this.redis.zrevrange(this.offersKey(orderId), 0, -1));
    return offers.filter((offer) => offer.kind === 'upgrade' && offer.upgradeOf === orderId);
  }

  private async claimId(build: (id: string) => Order): Promise<string> {
    const upgrade = build('').kind === 'upgrade';
    for (let attempt = 0; attempt < this.maxIdAttempts; attempt += 1) {
      const candidate = upgrade ? newOfferId(idLength(attempt)) : this.newId(attempt);
      if (!isRecordId(candidate)) throw new TypeError(`newId produced a malformed order id: ${candidate}`);
      if (await this.tryClaim(build(candidate))) return candidate;
    }
    throw new OrderIdsExhaustedError(this.maxIdAttempts);
  }

  private async claimGiven(id: string, build: (id: string) => Order): Promise<string> {
    if (!isRecordId(id)) throw new TypeError(`not an order id: ${id}`);
    if (!(await this.tryClaim(build(id)))) throw new OrderIdTakenError(id);
    return id;
  }

  private async tryClaim(order: Order): Promise<boolean> {
    const { timeline, ...fields } = order;
    // Indexed for reconciliation before the order exists, so a crash right
    // after the claim cannot leave an open order that nothing looks at. NX:
    // if the id is taken, the other order's entry keeps its own schedule; an
    // entry for an id that never became an order is dropped when it falls due.
    const firstCheck = Math.min(Date.parse(order.createdAt) + this.reconcileAfterMs, order.holdExpiresAt);
    await this.redis.zadd(this.unsettledKey(), 'NX', firstCheck, order.id);
    const claimed = await scripts.create.run(this.redis, this.orderKeys(order.id).slice(0, 2), [
      JSON.stringify(timeline[0]),
      ...encodeOrderFields(fields),
    ]);
    return claimed === 1;
  }

  private async getMany(ids: string[]): Promise<Order[]> {
    const orders = await Promise.all(ids.map((id) => this.get(id)));
    return orders.filter((order): order is Order => order !== undefined);
  }

  // All of an order's keys carry its id as the hash tag, so one script or
  // MULTI can touch them together on Redis Cluster (DESIGN.md rule 7).
  private orderKey(id: string): string {
    return `${this.prefix}order:{${id}}`;
  }

  private timelineKey(id: string): string {
    return `${this.orderKey(id)}:timeline`;
  }

  /**
   * The order's hash, timeline and causes keys, all under its {id} hash tag.
   * Public for stores of order-scoped data whose scripts change the order in
   * the same step (refund.store.ts).
   */
  orderKeys(id: string): [string, string, string] {
    return [this.orderKey(id), this.timelineKey(id), `${this.orderKey(id)}:causes`];
  }

  /** Prefix of every key of this store; stores of data kept beside the orders (refund.store.ts) name their own keys with it. */
  get keyPrefix(): string {
    return this.prefix;
  }

  private customerIndexKey(channel: Channel, address: string): string {
    return `${this.prefix}customer:${customerKey(channel, address)}:orders`;
  }

  /** Set once the customer has paid for an order: see hasPaid. */
  private paidMarkKey(channel: Channel, address: string): string {
    return `${this.prefix}customer:${customerKey(channel, address)}:paid`;
  }

  /** Sorted set of an order's upgrade offers; under the order's hash tag, beside it. */
  private offersKey(orderId: string): string {
    return `${this.orderKey(orderId)}:offers`;
  }

  private eventIndexKey(eventId: string): string {
    return `${this.prefix}event:${eventId}:orders`;
  }

  /** Sorted set: ids of unsettled orders (held, awaiting payment, paid), scored by when reconciliation next looks (epoch ms). */
  private unsettledKey(): string {
    return `${this.prefix}orders:unsettled`;
  }
}
