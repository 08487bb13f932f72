import type { Logger } from 'pino';
import type { PaymentProof } from '../checkout/payment-proof.js';
import type { CustomerNotice, NoticeQueue } from '../notifications/customer-notice.js';
import type { TicketDeliveries } from '../notifications/ticket-delivery.store.js';
import type { Reminders } from '../notifications/reminders.js';
import type { CardOnFile } from './card-on-file.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { LatePaymentRefunds } from './late-payment.refunds.js';
import type { Order, OrderState } from './order.js';
import type { OrderStore } from './order.store.js';
import { releaseHold } from './seat-release.js';
import type { StaffAttention } from './staff-attention.store.js';
import { issueTickets } from './tickets.js';

/** Raised for payment evidence about an order we do not have: retrying will not help. */
export class UnknownOrderError extends Error {
  constructor(readonly orderId: string) {
    super(`no order ${orderId}`);
    this.name = 'UnknownOrderError';
  }
}

export type FulfilmentOutcome =
  | 'fulfilled'
  | 'already_fulfilled'
  | 'released'
  | 'noted'
  | 'late_payment'
  | 'seats_gone'
  | 'refunded'
  /** A payment (session or saved-card charge) that is not the order's, or paid another amount or currency: not fulfilled, flagged for staff. */
  | 'refused'
  | 'ignored';

/** Where a paid upgrade offer goes: the seat swap (src/upgrades/upgrade.fulfilment.ts). */
export interface UpgradePayments {
  paid(offer: Order, cause: string): Promise<FulfilmentOutcome>;
}

const OPEN: OrderState[] = ['held', 'awaiting_payment'];
/** Ended before any payment was taken: a payment now has nothing to buy and is refunded. */
const ENDED_UNPAID: OrderState[] = ['expired', 'cancelled', 'payment_failed'];

export interface FulfilmentDeps {
  orders: OrderStore;
  seats: SeatStore;
  notices: NoticeQueue;
  log: Logger;
  upgrades?: UpgradePayments;
  /** Gives back a payment that reached an order after it ended. */
  latePayments: Pick<LatePaymentRefunds, 'refund'>;
  /** Where refused payments and unsellable seats are flagged. */
  attention: Pick<StaffAttention, 'flag'>;
  /** Watches a fulfilled order's tickets message until it is sent (reconciliation). */
  ticketDeliveries: Pick<TicketDeliveries, 'watch'>;
  /** Queues the reminder before the show (REMINDER_HOURS_BEFORE). */
  reminders?: Pick<Reminders, 'schedule'>;
  /** Keeps the card a customer chose to save on the payment page. */
  cardOnFile?: Pick<CardOnFile, 'keepFrom'>;
}

/**
 * What happens to an order once the payment provider has spoken. Every step
 * is safe to repeat: each transition is idempotent per cause, selling and
 * releasing seats are idempotent, and notices are queued under a job id per
 * order and notice, so a retried or duplicated event changes nothing twice.
 */
export class FulfilmentService {
  constructor(private readonly deps: FulfilmentDeps) {}

  /**
   * Payment is confirmed: sell the held seats, issue tickets, tell the
   * customer; for an upgrade offer, swap the seats (deps.upgrades).
   *
   * `payment` is what Stripe holds now: the Checkout Session, or the charge
   * to a saved card. Only the one recorded on the order, paying the order's
   * amount in its currency, fulfils it; any other is refused and flagged for
   * staff. A payment on a record that has ended unpaid is refunded. It is left out only where the order is
   * already paid (its payment was checked then): reconciliation finishing a
   * fulfilment.
   */
  async paid(orderId: string, cause: string, payment?: PaymentProof): Promise<FulfilmentOutcome> {
    let order = await this.order(orderId);
    if (payment) {
      if (ENDED_UNPAID.includes(order.state)) return this.refundLate(order, payment);
      const mismatch = paymentMismatch(order, payment);
      if (mismatch) return this.refuse(order, payment, mismatch);
      // Paid, and later refunded on purpose: this is that same payment again.
      if (order.state === 'refunded') return 'ignored';
    } else if (OPEN.includes(order.state)) {
      throw new Error(`order ${orderId} is ${order.state}: fulfilling it needs the payment to check`);
    }
    if (order.kind === 'upgrade') {
      if (!this.deps.upgrades) throw new Error(`upgrade ${orderId} was paid but this process cannot swap seats`);
      const outcome = await this.deps.upgrades.paid(order, cause);
      // The offer ended between our read and its move to paid.
      return outcome === 'late_payment' && payment ? this.refundLate(await this.order(orderId), payment) : outcome;
    }
    if (OPEN.includes(order.state)) {
      order = (await this.deps.orders.transition(orderId, { to: 'paid', cause, patch: { paidWith: payment?.via ?? 'checkout' } })).order ?? order;
    }
    if (order.state === 'fulfilled') {
      // A run cut short after the sale: its notices may not be queued yet.
      await this.deps.notices.enqueue(orderId, 'tickets');
      await this.deps.reminders?.schedule(order);
      return 'already_fulfilled';
    }
    if (order.state !== 'paid') return payment && ENDED_UNPAID.includes(order.state) ? this.refundLate(order, payment) : this.latePayment(order, cause);

    const sale = await this.deps.seats.sell(order.eventId, orderId);
    if (!sale.ok) {
      await this.deps.orders.note(orderId, `seats-gone:${cause}`, `paid, but the seats could not be sold (${sale.reason}): refund or re-seat`);
      await this.deps.attention.flag(orderId, 'seats_gone', order.sectionId, `order ${orderId} is paid but its seats could not be sold (${sale.reason}): refund it or seat the customer`);
      this.deps.log.error({ component: 'fulfilment', orderId, reason: sale.reason }, 'paid order whose seats are gone');
      return 'seats_gone';
    }
    const tickets = issueTickets(orderId, sale.allocation.seats, sale.allocation.quantity);
    await this.deps.orders.transition(orderId, {
      to: 'fulfilled',
      cause: `fulfil:${orderId}`,
      patch: { seats: sale.allocation.seats, tickets },
    });
    // Watched before it is queued: a crash in between still leaves the order for reconciliation to send.
    await this.deps.ticketDeliveries.watch(orderId);
    await this.deps.notices.enqueue(orderId, 'tickets');
    await this.deps.reminders?.schedule(order);
    if (payment?.via === 'checkout') await this.deps.cardOnFile?.keepFrom(order, payment.savedCard);
    this.deps.log.info({ component: 'fulfilment', orderId, seats: sale.allocation.seats.length }, 'order fulfilled');
    return 'fulfilled';
  }

  /**
   * The session can no longer be paid: free the seats and say so. Given the
   * session (its own expiry event), nothing ends when it is no longer the
   * order's page, or while the order is being paid by reply: closing the page
   * was the first step of that (orders/pay-by-reply.service.ts).
   */
  async expired(orderId: string, cause: string, sessionId?: string): Promise<FulfilmentOutcome> {
    const replaced = (order: Order) => sessionId !== undefined && (order.stripeSessionId !== sessionId || order.cardPayment?.status === 'charging');
    return this.end(orderId, 'expired', cause, 'hold_expired', replaced);
  }

  /** A delayed payment method failed: free the seats and say so. */
  async paymentFailed(orderId: string, cause: string): Promise<FulfilmentOutcome> {
    return this.end(orderId, 'payment_failed', cause, 'payment_failed');
  }

  /** Checkout completed with a payment still on its way (bank debit): keep the hold, tell the customer. */
  async paymentPending(orderId: string, cause: string): Promise<FulfilmentOutcome> {
    const order = await this.order(orderId);
    if (!OPEN.includes(order.state)) return 'ignored';
    if (await this.deps.orders.note(orderId, cause, 'checkout completed; payment still processing')) {
      await this.deps.notices.enqueue(orderId, 'payment_pending');
    }
    return 'noted';
  }

  private async end(orderId: string, to: 'expired' | 'payment_failed', cause: string, notice: CustomerNotice, stands: (order: Order) => boolean = () => false): Promise<FulfilmentOutcome> {
    const before = await this.order(orderId);
    if ((!OPEN.includes(before.state) && before.state !== to) || stands(before)) return 'ignored';
    const result = await this.deps.orders.transition(orderId, { to, cause });
    if (result.order?.state !== to) return 'ignored';
    // Released after the state moved, and again on every retry: a crash in
    // between leaves the order ended and the retry frees the seats.
    await releaseHold(this.deps.seats, result.order);
    await this.deps.notices.enqueue(orderId, notice);
    return 'released';
  }

  private async latePayment(order: Order, cause: string): Promise<FulfilmentOutcome> {
    await this.deps.orders.note(order.id, `late-payment:${cause}`, `payment arrived while the order was ${order.state}: refund it`);
    this.deps.log.error({ component: 'fulfilment', orderId: order.id, state: order.state }, 'payment for an order that already ended');
    return 'late_payment';
  }

  private async refundLate(record: Order, payment: PaymentProof): Promise<FulfilmentOutcome> {
    const outcome = await this.deps.latePayments.refund(record, payment);
    return outcome === 'refunded' ? 'refunded' : outcome === 'flagged' ? 'late_payment' : 'ignored';
  }

  /** Never fulfilled: staff decide (refund it in Stripe, or find out who made the session). */
  private async refuse(order: Order, payment: PaymentProof, why: string): Promise<FulfilmentOutcome> {
    await this.deps.attention.flag(order.id, 'payment_mismatch', payment.id, `${payment.id} was paid, but ${why}; the order was not fulfilled: check the payment in Stripe and refund it`);
    this.deps.log.error({ component: 'fulfilment', orderId: order.id, paymentId: payment.id, why }, 'payment does not match its order: refused');
    return 'refused';
  }

  private async order(orderId: string): Promise<Order> {
    const order = await this.deps.orders.get(orderId);
    if (!order) throw new UnknownOrderError(orderId);
    return order;
  }
}

/**
 * Why a payment cannot fulfil the order, or undefined when it can: it must be
 * the session (or saved-card charge) recorded on the order, for the order's
 * amount in its currency (Stripe writes currencies in lower case).
 */
function paymentMismatch(order: Order, payment: PaymentProof): string | undefined {
  if (payment.reference !== order.id) return `it names ${payment.reference}`;
  const recorded = payment.via === 'checkout' ? order.stripeSessionId : order.cardPayment?.paymentId;
  if (payment.id !== recorded) return `it is not the order's ${payment.via === 'checkout' ? 'session' : 'card payment'} (${recorded ?? 'none recorded'})`;
  const paid = `${payment.amount ?? 'nothing'} ${payment.currency ?? ''}`.trim();
  if (payment.amount !== order.amount || payment.currency?.toLowerCase() !== order.currency.toLowerCase()) {
    return `it paid ${paid} for an order of ${order.amount} ${order.currency}`;
  }
  return undefined;
}
