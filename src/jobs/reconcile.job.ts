import type { Logger } from 'pino';
import { settleCardPayment } from './card-payment.handler.js';
import type { PayByReply } from '../orders/pay-by-reply.service.js';
import { proofOfSession } from '../checkout/payment-proof.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { CheckoutNotFoundError, ForeignSessionError, type CheckoutGateway, type CheckoutRequest, type CheckoutSession } from '../checkout/checkout.gateway.js';
import type { NoticeResender } from '../notifications/customer-notice.js';
import { noticeSent } from '../notifications/notice.timeline.js';
import type { TicketDeliveries } from '../notifications/ticket-delivery.store.js';
import type { AbandonedCheckouts } from '../orders/abandoned-checkout.store.js';
import type { FulfilmentService } from '../orders/fulfilment.service.js';
import { isFinal, type Order } from '../orders/order.js';
import { isRecordId } from '../orders/order-id.js';
import type { OrderStore } from '../orders/order.store.js';
import type { RefundRef } from '../orders/refund.store.js';
import type { StaffAttention } from '../orders/staff-attention.store.js';
import type { HeldPlaces, SeatStore } from '../seats/seat.store.js';
import type { ReconcileJob } from '../queue/job.payloads.js';
import type { NoticeJobs } from '../queue/notice-jobs.js';
import type { RefundReconciliation, RefundSettlementService } from '../orders/refund-settlement.service.js';
import type { Reminders } from '../notifications/reminders.js';
import type { TransferService } from '../tickets/transfer.service.js';
import { reconcileReminders } from './reminder.reconcile.js';

/**
 * Reconciliation: nothing depends on one webhook. A scheduled run looks at
 * every order that has been unsettled for a while, asks Stripe for its
 * session and applies what Stripe says through the same FulfilmentService the
 * webhook path uses, so both paths end in the same states and either can run
 * first, twice, or at the same time. Refunds still waiting for Stripe's
 * confirmation past the grace are settled the same way, through the
 * RefundSettlementService the refund webhook uses. It then frees holds that no live
 * order owns, and held seats that no allocation or live order owns (the seat
 * state is the truth). Seats are released only on evidence (DESIGN.md "Hold").
 * Fulfilled orders whose tickets message was neither sent nor is on its way
 * get it queued again; Checkout Sessions made after our client gave up on
 * creating them are expired at Stripe.
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
  /** Fulfilled orders whose tickets message is watched until it is sent. */
  ticketDeliveries: TicketDeliveries;
  /** Where a notice's job stands. */
  noticeJobs: Pick<NoticeJobs, 'inFlight'>;
  /** Queues a lost tickets message again. */
  notices: NoticeResender;
  /** Tells reconciliation that staff already have an order's undelivered tickets. */
  attention: Pick<StaffAttention, 'of'>;
  /** Checkout creates that failed on our side. */
  abandonedCheckouts: AbandonedCheckouts;
  /** The reminders before the show, for those whose job was lost. */
  reminders?: Pick<Reminders, 'dueBefore' | 'requeue' | 'settle'>;
  /** Tickets given by text, for a transfer cut short between the giver's order and the recipient's. */
  transfers?: Pick<TransferService, 'finishCutShort'>;
  /** Payments by reply with a saved card, for one whose outcome never reached us. */
  payByReply?: Pick<PayByReply, 'payment' | 'settle'>;
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
  /** Places marked held that no allocation or live order owned (an allocation record was lost), freed. */
  seatsFreed: number;
  /** Fulfilled orders whose tickets message was looked for. */
  ticketsChecked: number;
  /** Of those, neither sent nor on its way (the job was lost): queued again. */
  ticketsRequeued: number;
  /** Reminders before the show past their time, looked at. */
  remindersChecked: number;
  /** Of those, neither sent nor on their way (the job was lost): queued again. */
  remindersRequeued: number;
  /** Transfers cut short (the giver's tickets marked, the recipient's order not made), finished now. */
  transfersFinished: number;
  /** Checkout creates that failed on our side, looked for at Stripe. */
  abandonedChecked: number;
  /** Of those, settled: whatever session Stripe made is expired (a payment on it refunded). */
  abandonedSettled: number;
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
    holdsChecked: 0, holdsReleased: 0, seatsFreed: 0,
    ticketsChecked: 0, ticketsRequeued: 0, remindersChecked: 0, remindersRequeued: 0, transfersFinished: 0, abandonedChecked: 0, abandonedSettled: 0,
  };
  await reconcileOrders(job.maxOrders ?? DEFAULT_MAX_ORDERS, now, deps, summary);
  await reconcileRefunds(job.maxRefunds ?? DEFAULT_MAX_REFUNDS, now, deps, summary);
  await settleAbandonedCheckouts(now, deps, summary);
  await releaseOrphanHolds(now, deps, summary);
  await reconcileTicketDeliveries(job.maxOrders ?? DEFAULT_MAX_ORDERS, now, deps, summary);
  if (deps.reminders) {
    const reminders = await reconcileReminders(now, deps.options.graceMs, job.maxOrders ?? DEFAULT_MAX_ORDERS, { ...deps, reminders: deps.reminders });
    summary.remindersChecked = reminders.checked;
    summary.remindersRequeued = reminders.requeued;
    summary.errors += reminders.errors;
  }
  if (deps.transfers) summary.transfersFinished = await finishTransfers(now, deps.options.graceMs, deps.transfers, deps.log);
  const acted =
    summary.fulfilled + summary.expired + summary.pending + summary.flagged + summary.holdsReleased + summary.errors +
    summary.refundsCompleted + summary.refundsFailed + summary.seatsFreed + summary.ticketsRequeued + summary.remindersRequeued + summary.transfersFinished + summary.abandonedSettled;
  deps.log[acted > 0 ? 'info' : 'debug']({ component: COMPONENT, ...summary }, 'reconciliation run');
  return summary;
}

/** Transfers begun more than the grace ago and never ended; a failure waits for the next run. */
async function finishTransfers(now: number, graceMs: number, transfers: Pick<TransferService, 'finishCutShort'>, log: Logger): Promise<number> {
  try {
    const { finished, dropped } = await transfers.finishCutShort(now - graceMs, PAGE_SIZE);
    if (finished + dropped > 0) log.warn({ component: COMPONENT, finished, dropped }, 'transfers cut short: finished by reconciliation');
    return finished;
  } catch (err) {
    log.warn({ component: COMPONENT, err: (err as Error).message }, 'transfers not reconciled this run: will retry');
    return 0;
  }
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
    const outcome = await deps.fulfilment.paid(order.id, RECONCILIATION_CAUSE, proofOfSession(session));
    deps.log.info({ component: COMPONENT, orderId: order.id, sessionId: session.id, outcome }, 'paid session applied by reconciliation');
    // Flagged for staff by the fulfilment service: the seats are gone, or the payment is not the order's.
    if (outcome === 'seats_gone' || outcome === 'refused') {
      await deps.orders.markSettled(order.id);
      return 'flagged';
    }
    return 'fulfilled';
  }
  // Its page was closed for a YES: the card payment decides.
  if (order.cardPayment?.status === 'charging' && deps.payByReply) return settleCharging(order, now, deps, deps.payByReply);
  if (session.status === 'expired') return expire(order, session, deps);
  if (session.status === 'complete') {
    // A delayed payment method (bank debit) is on its way: keep the seats.
    await deps.fulfilment.paymentPending(order.id, RECONCILIATION_CAUSE);
    await deps.orders.recheckAt(order.id, now + recheckMs);
    return 'pending';
  }
  return recheck(order, Math.min(now + recheckMs, releasableAt), deps);
}

/** Paying by reply, and no word from Stripe reached us: the payment as it stands, found and acted on once. */
async function settleCharging(order: Order, now: number, deps: ReconcileDeps, payByReply: Pick<PayByReply, 'payment' | 'settle'>): Promise<OrderAction> {
  const outcome = await settleCardPayment(order, RECONCILIATION_CAUSE, { fulfilment: deps.fulfilment, payByReply });
  deps.log.info({ component: COMPONENT, orderId: order.id, paymentId: order.cardPayment?.paymentId, outcome }, 'card payment settled by reconciliation');
  switch (outcome) {
    case 'fulfilled':
    case 'already_fulfilled':
      return 'fulfilled';
    case 'released':
      return 'expired';
    case 'refused':
    case 'seats_gone':
      await deps.orders.markSettled(order.id);
      return 'flagged';
    default:
      // Still processing, or the payment page put back: looked at again, by the hold's end at the latest.
      return recheck(order, Math.min(now + deps.options.recheckMs, order.holdExpiresAt + deps.options.graceMs), deps);
  }
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
    await freeUnownedSeats(event.id, deps, summary);
  }
}

/**
 * Held places that no allocation owns: their allocation record was lost, so
 * release.lua (which starts from it) cannot free them. The seat state is the
 * truth: they are freed unless a live order still names them. Counted first,
 * so the live orders are read only when there is something to free.
 */
async function freeUnownedSeats(eventId: string, deps: ReconcileDeps, summary: ReconcileSummary): Promise<void> {
  try {
    if ((await deps.seats.freeUnowned(eventId, { countOnly: true })).freed === 0) return;
    const { freed, dropped } = await deps.seats.freeUnowned(eventId, { keep: await liveClaimsWithoutAllocation(eventId, deps) });
    summary.seatsFreed += freed;
    if (freed > 0) deps.log.warn({ component: COMPONENT, eventId, freed, dropped }, 'held seats no allocation or live order owned: freed');
  } catch (err) {
    summary.errors += 1;
    deps.log.warn({ component: COMPONENT, eventId, err: (err as Error).message }, 'unowned seats not freed this run: will retry');
  }
}

/** The places of the event's live orders (open, or paid and not yet fulfilled) whose allocation is not held. */
async function liveClaimsWithoutAllocation(eventId: string, deps: ReconcileDeps): Promise<HeldPlaces[]> {
  const claims: HeldPlaces[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const ids = await deps.orders.unsettledDue(Number.MAX_SAFE_INTEGER, PAGE_SIZE, offset);
    for (const id of ids) {
      const order = await deps.orders.get(id);
      if (!order || order.eventId !== eventId || isFinal(order.state) || order.state === 'fulfilled') continue;
      if ((await deps.seats.allocation(eventId, id))?.state === 'held') continue;
      claims.push({ sectionId: order.sectionId, seats: order.seats, quantity: order.quantity });
    }
    if (ids.length < PAGE_SIZE) return claims;
  }
}

/** Most abandoned creates looked at in one run; the rest wait for the next. */
const MAX_ABANDONED = 100;

async function settleAbandonedCheckouts(now: number, deps: ReconcileDeps, summary: ReconcileSummary): Promise<void> {
  for (const request of await deps.abandonedCheckouts.due(now, MAX_ABANDONED)) {
    summary.abandonedChecked += 1;
    try {
      if (await settleAbandoned(request, now, deps)) summary.abandonedSettled += 1;
    } catch (err) {
      summary.errors += 1;
      await deps.abandonedCheckouts.recheckAt(request.reference, now + deps.options.recheckMs).catch(() => undefined);
      deps.log.warn({ component: COMPONENT, orderId: request.reference, err: (err as Error).message }, 'failed checkout create not settled this run: will retry');
    }
  }
}

/**
 * A create that failed on our side. The same request under the same
 * idempotency key answers with the session Stripe made after our client gave
 * up (or makes one now, if the first never arrived): either is closed at
 * once. A payment that reached it goes to the fulfilment service, which
 * refunds it, since the order ended when its create failed. True once settled.
 */
async function settleAbandoned(request: CheckoutRequest, now: number, deps: ReconcileDeps): Promise<boolean> {
  let session: CheckoutSession;
  try {
    session = await deps.checkout.create(request);
  } catch (err) {
    // Past the session's end nothing made for this request can still be paid,
    // and Stripe refuses a new one (expires_at in the past): nothing is left to do.
    if (now <= request.expiresAt * 1000) throw err;
    await deps.abandonedCheckouts.forget(request.reference);
    return true;
  }
  // The replayed answer is the session as it was made: what it is now comes from expire.
  session = await deps.checkout.expire(session.id);
  if (session.paymentStatus === 'paid' || session.paymentStatus === 'no_payment_required') {
    await deps.fulfilment.paid(session.reference, RECONCILIATION_CAUSE, proofOfSession(session));
  }
  await deps.abandonedCheckouts.forget(request.reference);
  deps.log.info({ component: COMPONENT, orderId: request.reference, sessionId: session.id, paymentStatus: session.paymentStatus }, 'checkout session made after its create failed: expired');
  return true;
}

type TicketDeliveryAction = 'sent' | 'pending' | 'requeued' | 'left_to_staff' | 'dropped' | 'error';

/**
 * Fulfilled orders whose tickets message is watched, paged as the orders
 * are: each handled one leaves the due range (unwatched or rescheduled)
 * except those that failed.
 */
async function reconcileTicketDeliveries(maxOrders: number, now: number, deps: ReconcileDeps, summary: ReconcileSummary): Promise<void> {
  const seen = new Set<string>();
  let failed = 0;
  while (seen.size < maxOrders) {
    const page = await deps.ticketDeliveries.due(now, Math.min(PAGE_SIZE, maxOrders - seen.size), failed);
    const fresh = page.filter((id) => !seen.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) seen.add(id);
    const actions = await inPool(fresh, deps.options.concurrency ?? DEFAULT_CONCURRENCY, (id) => reconcileTicketDelivery(id, now, deps));
    for (const action of actions) {
      summary.ticketsChecked += 1;
      if (action === 'requeued') summary.ticketsRequeued += 1;
      if (action === 'error') {
        failed += 1;
        summary.errors += 1;
      }
    }
  }
}

/**
 * Sent (recorded on the timeline), on its way (its job waits, runs or waits to
 * retry), given up and flagged for staff (their resend watches it again), or
 * none of these: the job was lost, and the message is queued again.
 */
async function reconcileTicketDelivery(orderId: string, now: number, deps: ReconcileDeps): Promise<TicketDeliveryAction> {
  try {
    const order = await deps.orders.get(orderId);
    if (!order || order.kind !== 'tickets' || order.state !== 'fulfilled') return await unwatch(orderId, 'dropped', deps);
    if (noticeSent(order, 'tickets')) return await unwatch(orderId, 'sent', deps);
    const flags = await deps.attention.of(orderId);
    if (flags.some((flag) => flag.kind === 'notice_undelivered' && flag.about === 'tickets')) return await unwatch(orderId, 'left_to_staff', deps);
    const latest = await deps.ticketDeliveries.latestResend(orderId);
    const action = (await deps.noticeJobs.inFlight({ orderId, notice: 'tickets', resend: latest })) ? 'pending' : 'requeued';
    if (action === 'requeued') {
      const resend = await deps.ticketDeliveries.nextResend(orderId);
      await deps.notices.resend(orderId, 'tickets', resend);
      await deps.orders.note(orderId, `${RECONCILIATION_CAUSE}:tickets-resend-${resend}`, 'the tickets message was neither sent nor on its way: queued again by reconciliation');
      deps.log.warn({ component: COMPONENT, orderId, resend }, 'tickets message lost: queued again');
    }
    await deps.ticketDeliveries.recheckAt(orderId, now + deps.options.recheckMs);
    return action;
  } catch (err) {
    deps.log.warn({ component: COMPONENT, orderId, err: (err as Error).message }, 'tickets message not reconciled this run: will retry');
    return 'error';
  }
}

async function unwatch(orderId: string, action: TicketDeliveryAction, deps: ReconcileDeps): Promise<TicketDeliveryAction> {
  await deps.ticketDeliveries.unwatch(orderId);
  return action;
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

