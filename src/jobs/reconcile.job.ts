import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { CheckoutNotFoundError, ForeignSessionError, type CheckoutGateway, type CheckoutSession } from '../checkout/checkout.gateway.js';
import type { FulfilmentService } from '../orders/fulfilment.service.js';
import { isFinal, type Order } from '../orders/order.js';
import { isRecordId } from '../orders/order-id.js';
import type { OrderStore } from '../orders/order.store.js';
import type { RefundRef } from '../orders/refund.store.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { ReconcileJob } from '../queue/job.payloads.js';
import type { RefundReconciliation, RefundSettlementService } from '../orders/refund-settlement.service.js';

/**
 * Reconciliation: nothing depends on one webhook. A scheduled run looks at
 * every order that has been unsettled for a while, asks Stripe for its
 * session and applies what Stripe says through the same FulfilmentService the
 * webhook path uses, so both paths end in the same states and either can run
 * first, twice, or at the same time. Refunds still waiting for Stripe's
 * confirmation past the grace are settled the same way, through the
 * RefundSettlementService the refund webhook uses. It then frees holds that no live
 * order owns. Seats are released only on evidence (DESIGN.md "Hold").
 */

/** Cause of every state change reconciliation makes (one per target state, so a second run is a no-op). */
export const RECONCILIATION_CAUSE = 'reconciliation';

/** The scheduled job's payload. */

export interface ReconcileOptions {
  /**
   * After a hold's end, how long Stripe's own `checkout.session.expired`
   * webhook gets before reconciliation acts (`RECONCILE_GRACE_MINUTES`). Also
   * the least age of a hold, past its end, before an orphan is released.
   * (The same grace for a refund's webhook is set on the RefundStore, which
   * schedules a refund's first check when it is requested.)
   */
  graceMs: number;
  /** How long an open or processing session, or a refund still pending at Stripe, waits before it is asked about again (`RECONCILE_AFTER_MINUTES`). */
  recheckMs: number;
  /** Stripe calls in flight at once. Default 4. */
  concurrency?: number;
}

export interface ReconcileDeps {
  orders: OrderStore;
  seats: SeatStore;
  catalog: EventCatalog;
  checkout: CheckoutGateway;
  fulfilment: FulfilmentService;
  refunds: RefundSettlementService;
  log: Logger;
  options: ReconcileOptions;
  /** Clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** What one run did, for the job's return value and the log. */
export interface ReconcileSummary {
  /** Unsettled orders whose check was due and that were looked at. */
  ordersChecked: number;
  /** Paid at Stripe (or paid here but never finished) and now fulfilled. */
  fulfilled: number;
  /** Session expired (or could never be paid): order expired, seats released, customer told. */
  expired: number;
  /** Checkout complete with the payment still processing: hold kept, customer told. */
  pending: number;
  /** Session still open: left alone until its next check. */
  leftOpen: number;
  /** Index entries of orders that had already ended or moved on by another path, or never came to be. */
  dropped: number;
  /** Needs staff: seats gone after payment, a session or refund Stripe does not know, a refund that could not be applied. Recorded on the order. */
  flagged: number;
  /** Orders or refunds that could not be checked this time (Stripe or Redis unreachable); tried again next run. */
  errors: number;
  /** Requested refunds whose check was due (their webhook is late or lost, or Stripe never got the request) and that were looked at. */
  refundsChecked: number;
  /** Stripe says succeeded: applied (seats returned, tickets void, customer told). */
  refundsCompleted: number;
  /** Stripe failed, cancelled or refused it: recorded failed, nothing else changed. */
  refundsFailed: number;
  /** Still on its way at Stripe: asked about again later. */
  refundsPending: number;
  /** Held allocations past their end (plus the grace) that were looked at. */
  holdsChecked: number;
  /** Of those, released because no live order owns them. */
  holdsReleased: number;
}

type OrderAction = 'fulfilled' | 'expired' | 'pending' | 'left_open' | 'dropped' | 'flagged' | 'error';

const DEFAULT_MAX_ORDERS = 2_000;
const DEFAULT_MAX_REFUNDS = 500;
const PAGE_SIZE = 100;
const DEFAULT_CONCURRENCY = 4;
const COMPONENT = 'reconcile';

/** One reconciliation run: due orders first, then orphan holds. */
export async function processReconcile(job: ReconcileJob, deps: ReconcileDeps): Promise<ReconcileSummary> {
  const now = (deps.now ?? Date.now)();
  const summary: ReconcileSummary = {
    ordersChecked: 0, fulfilled: 0, expired: 0, pending: 0, leftOpen: 0, dropped: 0, flagged: 0, errors: 0,
    refundsChecked: 0, refundsCompleted: 0, refundsFailed: 0, refundsPending: 0,
    holdsChecked: 0, holdsReleased: 0,
  };
  await reconcileOrders(job.maxOrders ?? DEFAULT_MAX_ORDERS, now, deps, summary);
  await reconcileRefunds(job.maxRefunds ?? DEFAULT_MAX_REFUNDS, now, deps, summary);
  await releaseOrphanHolds(now, deps, summary);
  const acted =
    summary.fulfilled + summary.expired + summary.pending + summary.flagged + summary.holdsReleased + summary.errors +
    summary.refundsCompleted + summary.refundsFailed;
  deps.log[acted > 0 ? 'info' : 'debug']({ component: COMPONENT, ...summary }, 'reconciliation run');
  return summary;
}

/**
 * Pages through the due part of the unsettled index. Every order handled
 * leaves the due range (ended, or rescheduled later than now) except those
 * that failed, which sit at the front of the range; the offset skips them.
 */
async function reconcileOrders(maxOrders: number, now: number, deps: ReconcileDeps, summary: ReconcileSummary): Promise<void> {
  const seen = new Set<string>();
  while (seen.size < maxOrders) {
    const page = await deps.orders.unsettledDue(now, Math.min(PAGE_SIZE, maxOrders - seen.size), summary.errors);
    const fresh = page.filter((id) => !seen.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) seen.add(id);
    const actions = await inPool(fresh, deps.options.concurrency ?? DEFAULT_CONCURRENCY, (id) => reconcileOrder(id, now, deps));
    for (const action of actions) count(summary, action);
  }
}

async function reconcileOrder(orderId: string, now: number, deps: ReconcileDeps): Promise<OrderAction> {
  try {
    const order = await deps.orders.get(orderId);
    if (!order || isFinal(order.state) || order.state === 'fulfilled') {
      // Ended, with the index update lost to a crash; or an id indexed for a claim that never happened.
      await deps.orders.markSettled(orderId);
      return 'dropped';
    }
    if (order.state === 'paid') return await finishPaid(order, deps);
    return await settleOpen(order, now, deps);
  } catch (err) {
    deps.log.warn({ component: COMPONENT, orderId, err: (err as Error).message }, 'order not reconciled this run: will retry');
    return 'error';
  }
}

/** Paid here, but the payment job never got to fulfilment (its retries ran out, or its queue entry was lost). */
async function finishPaid(order: Order, deps: ReconcileDeps): Promise<OrderAction> {
  const outcome = await deps.fulfilment.paid(order.id, RECONCILIATION_CAUSE);
  if (outcome === 'seats_gone') {
    // Recorded on the order by the fulfilment service; staff must refund or re-seat.
    await deps.orders.markSettled(order.id);
    return 'flagged';
  }
  if (outcome === 'fulfilled') {
    await deps.orders.note(order.id, `${RECONCILIATION_CAUSE}:fulfilment`, 'fulfilment of the paid order finished by reconciliation');
    deps.log.info({ component: COMPONENT, orderId: order.id }, 'paid order fulfilled by reconciliation');
  }
  return outcome === 'fulfilled' || outcome === 'already_fulfilled' ? 'fulfilled' : 'dropped';
}

/** Held or awaiting payment: Stripe decides. */
async function settleOpen(order: Order, now: number, deps: ReconcileDeps): Promise<OrderAction> {
  const { graceMs, recheckMs } = deps.options;
  const releasableAt = order.holdExpiresAt + graceMs;
  if (!order.stripeSessionId) {
    // The process stopped between hold and payment page. A page created for
    // this order (and never recorded) would expire at the hold's end, so
    // after it no payment can arrive: that is the evidence.
    if (now < releasableAt) return recheck(order, releasableAt, deps);
    await deps.orders.note(order.id, `${RECONCILIATION_CAUSE}:no-session`, 'no payment page was recorded for this order; hold released by reconciliation');
    return expire(order, undefined, deps);
  }

  let session = await retrieve(order, now, deps);
  if (!session) return 'flagged';
  if (session.status === 'open' && now >= releasableAt) {
    // Past its end and Stripe still takes payment on it: close it first, as a
    // customer's cancel does, and act on what Stripe answers (paid wins).
    session = await deps.checkout.expire(session.id);
  }
  if (session.paymentStatus === 'paid' || session.paymentStatus === 'no_payment_required') {
    const outcome = await deps.fulfilment.paid(order.id, RECONCILIATION_CAUSE);
    deps.log.info({ component: COMPONENT, orderId: order.id, sessionId: session.id, outcome }, 'paid session applied by reconciliation');
    if (outcome === 'seats_gone') {
      await deps.orders.markSettled(order.id);
      return 'flagged';
    }
    return 'fulfilled';
  }
  if (session.status === 'expired') return expire(order, session, deps);
  if (session.status === 'complete') {
    // A delayed payment method (bank debit) is on its way: keep the seats.
    await deps.fulfilment.paymentPending(order.id, RECONCILIATION_CAUSE);
    await deps.orders.recheckAt(order.id, now + recheckMs);
    return 'pending';
  }
  return recheck(order, Math.min(now + recheckMs, releasableAt), deps);
}

async function expire(order: Order, session: CheckoutSession | undefined, deps: ReconcileDeps): Promise<OrderAction> {
  const outcome = await deps.fulfilment.expired(order.id, RECONCILIATION_CAUSE);
  deps.log.info({ component: COMPONENT, orderId: order.id, sessionId: session?.id, outcome }, 'unpaid order expired by reconciliation');
  return outcome === 'released' ? 'expired' : 'dropped';
}

async function recheck(order: Order, at: number, deps: ReconcileDeps): Promise<OrderAction> {
  await deps.orders.recheckAt(order.id, at);
  return 'left_open';
}

/**
 * Stripe's view of the order's session, or undefined when Stripe does not
 * know it or it is not ours: nothing can be released on that, so it is
 * recorded for staff and asked about again later. Other errors propagate.
 */
async function retrieve(order: Order, now: number, deps: ReconcileDeps): Promise<CheckoutSession | undefined> {
  const sessionId = order.stripeSessionId!;
  let reason: string;
  try {
    const session = await deps.checkout.retrieve(sessionId);
    if (session.kind === order.kind && session.reference === order.id) return session;
    reason = `names ${session.kind} ${session.reference}`;
  } catch (err) {
    if (!(err instanceof ForeignSessionError) && !(err instanceof CheckoutNotFoundError)) throw err;
    reason = (err as Error).message;
  }
  await deps.orders.note(order.id, `${RECONCILIATION_CAUSE}:session-unknown`, `checkout session ${sessionId} cannot be checked (${reason}); hold kept`);
  deps.log.error({ component: COMPONENT, orderId: order.id, sessionId, reason }, 'order whose checkout session cannot be checked');
  await deps.orders.recheckAt(order.id, now + deps.options.recheckMs);
  return undefined;
}

/**
 * Pages through the due part of the requested-refunds index, as
 * reconcileOrders does through the orders: every refund handled leaves the
 * due range (settled and unindexed, or rescheduled) except those that failed.
 */
async function reconcileRefunds(maxRefunds: number, now: number, deps: ReconcileDeps, summary: ReconcileSummary): Promise<void> {
  const seen = new Set<string>();
  let failed = 0;
  while (seen.size < maxRefunds) {
    const page = await deps.refunds.requestedDue(now, Math.min(PAGE_SIZE, maxRefunds - seen.size), failed);
    const fresh = page.filter((ref) => !seen.has(refKey(ref)));
    if (fresh.length === 0) return;
    for (const ref of fresh) seen.add(refKey(ref));
    const actions = await inPool(fresh, deps.options.concurrency ?? DEFAULT_CONCURRENCY, (ref) => reconcileRefund(ref, now, deps));
    for (const action of actions) {
      summary.refundsChecked += 1;
      if (action === 'error') failed += 1;
      countRefund(summary, action);
    }
  }
}

async function reconcileRefund(ref: RefundRef, now: number, deps: ReconcileDeps): Promise<RefundReconciliation | 'error'> {
  try {
    const action = await deps.refunds.reconcile(ref, { now, recheckMs: deps.options.recheckMs, cause: RECONCILIATION_CAUSE });
    if (action !== 'dropped') deps.log.info({ component: COMPONENT, ...ref, action }, 'requested refund reconciled');
    return action;
  } catch (err) {
    deps.log.warn({ component: COMPONENT, ...ref, err: (err as Error).message }, 'refund not reconciled this run: will retry');
    return 'error';
  }
}

function countRefund(summary: ReconcileSummary, action: RefundReconciliation | 'error'): void {
  switch (action) {
    case 'completed':
      summary.refundsCompleted += 1;
      return;
    case 'failed':
      summary.refundsFailed += 1;
      return;
    case 'pending':
      summary.refundsPending += 1;
      return;
    case 'flagged':
      summary.flagged += 1;
      return;
    case 'error':
      summary.errors += 1;
      return;
    case 'dropped':
      return;
  }
}

function refKey(ref: RefundRef): string {
  return `${ref.orderId}/${ref.refundId}`;
}

/**
 * A hold's record (order or upgrade offer) is written a moment after the
 * hold; a hold this old with no record never got one (the process or Redis
 * stopped in between) and nothing will ever pay for its seats.
 */
export const RECORD_FOLLOWS_HOLD_MS = 60_000;

/**
 * Holds no live record owns: the process stopped between hold and record,
 * or between ending the record and freeing its seats. Freed once past their
 * end plus the grace as before, and sooner when there is no doubt: the
 * record has ended, or there is none a minute after the hold was made. A
 * hold whose record is still open or paid is left to the order pass above,
 * which asks Stripe. Upgrade offers' holds are named by the offer id and
 * looked at the same way.
 */
async function releaseOrphanHolds(now: number, deps: ReconcileDeps, summary: ReconcileSummary): Promise<void> {
  for (const event of deps.catalog.events()) {
    const pastEnd = new Set(await deps.seats.expiredHolds(event.id, now - deps.options.graceMs));
    for (const holdId of await deps.seats.heldIds(event.id)) {
      if (!isRecordId(holdId)) continue;
      summary.holdsChecked += 1;
      try {
        const order = await deps.orders.get(holdId);
        const owned = order !== undefined && order.eventId === event.id;
        if (owned && !isFinal(order.state)) continue;
        if (!owned && !pastEnd.has(holdId) && !(await madeBefore(deps, event.id, holdId, now - RECORD_FOLLOWS_HOLD_MS))) continue;
        const released = await deps.seats.release(event.id, holdId);
        if (!released.ok || released.already) continue;
        summary.holdsReleased += 1;
        if (owned) {
          await deps.orders.note(holdId, `${RECONCILIATION_CAUSE}:orphan-hold`, `seats still held after the order ended (${order.state}); released by reconciliation`);
        }
        deps.log.info({ component: COMPONENT, eventId: event.id, holdId, order: owned ? order.state : 'none' }, 'orphan hold released');
      } catch (err) {
        summary.errors += 1;
        deps.log.warn({ component: COMPONENT, eventId: event.id, holdId, err: (err as Error).message }, 'hold not reconciled this run: will retry');
      }
    }
  }
}

/** True if the hold is still held and was made before `cutoff` (epoch ms). */
async function madeBefore(deps: ReconcileDeps, eventId: string, holdId: string, cutoff: number): Promise<boolean> {
  const allocation = await deps.seats.allocation(eventId, holdId);
  return allocation?.state === 'held' && allocation.createdAt < cutoff;
}

function count(summary: ReconcileSummary, action: OrderAction): void {
  summary.ordersChecked += 1;
  const field = ({
    fulfilled: 'fulfilled', expired: 'expired', pending: 'pending', left_open: 'leftOpen',
    dropped: 'dropped', flagged: 'flagged', error: 'errors',
  } as const)[action];
  summary[field] += 1;
}

/** Runs `work` over `items` with at most `size` in flight; results in input order. */
async function inPool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

