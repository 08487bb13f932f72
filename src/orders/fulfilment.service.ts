import type { Logger } from 'pino';
import type { CustomerNotice, NoticeQueue } from '../notifications/customer-notice.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { Order, OrderState } from './order.js';
import type { OrderStore } from './order.store.js';
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
  | 'ignored';

/** Where a paid upgrade offer goes: the seat swap (src/upgrades/upgrade.fulfilment.ts). */
export interface UpgradePayments {
  paid(offer: Order, cause: string): Promise<FulfilmentOutcome>;
}

const OPEN: OrderState[] = ['held', 'awaiting_payment'];

/**
 * What happens to an order once the payment provider has spoken. Every step
 * is safe to repeat: each transition is idempotent per cause, selling and
 * releasing seats are idempotent, and notices are queued under a job id per
 * order and notice, so a retried or duplicated event changes nothing twice.
 */
export class FulfilmentService {
  constructor(
    private readonly deps: { orders: OrderStore; seats: SeatStore; notices: NoticeQueue; log: Logger; upgrades?: UpgradePayments },
  ) {}

  /**
   * Payment is confirmed: sell the held seats, issue tickets, tell the
   * customer; for an upgrade offer, swap the seats (deps.upgrades).
   */
  async paid(orderId: string, cause: string): Promise<FulfilmentOutcome> {
    let order = await this.order(orderId);
    if (order.kind === 'upgrade') {
      if (!this.deps.upgrades) throw new Error(`upgrade ${orderId} was paid but this process cannot swap seats`);
      return this.deps.upgrades.paid(order, cause);
    }
    if (OPEN.includes(order.state)) {
      order = (await this.deps.orders.transition(orderId, { to: 'paid', cause })).order ?? order;
    }
    if (order.state === 'fulfilled') {
      await this.deps.notices.enqueue(orderId, 'tickets');
      return 'already_fulfilled';
    }
    if (order.state !== 'paid') return this.latePayment(order, cause);

    const sale = await this.deps.seats.sell(order.eventId, orderId);
    if (!sale.ok) {
      await this.deps.orders.note(orderId, `seats-gone:${cause}`, `paid, but the seats could not be sold (${sale.reason}): refund or re-seat`);
      this.deps.log.error({ component: 'fulfilment', orderId, reason: sale.reason }, 'paid order whose seats are gone');
      return 'seats_gone';
    }
    const tickets = issueTickets(orderId, sale.allocation.seats, sale.allocation.quantity);
    await this.deps.orders.transition(orderId, {
      to: 'fulfilled',
      cause: `fulfil:${orderId}`,
      patch: { seats: sale.allocation.seats, tickets },
    });
    await this.deps.notices.enqueue(orderId, 'tickets');
    this.deps.log.info({ component: 'fulfilment', orderId, seats: sale.allocation.seats.length }, 'order fulfilled');
    return 'fulfilled';
  }

  /** The session can no longer be paid: free the seats and say so. */
  async expired(orderId: string, cause: string): Promise<FulfilmentOutcome> {
    return this.end(orderId, 'expired', cause, 'hold_expired');
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

  private async end(orderId: string, to: 'expired' | 'payment_failed', cause: string, notice: CustomerNotice): Promise<FulfilmentOutcome> {
    const before = await this.order(orderId);
    if (!OPEN.includes(before.state) && before.state !== to) return 'ignored';
    const result = await this.deps.orders.transition(orderId, { to, cause });
    if (result.order?.state !== to) return 'ignored';
    // Released after the state moved, and again on every retry: a crash in
    // between leaves the order ended and the retry frees the seats.
    await this.deps.seats.release(before.eventId, orderId);
    await this.deps.notices.enqueue(orderId, notice);
    return 'released';
  }

  private async latePayment(order: Order, cause: string): Promise<FulfilmentOutcome> {
    await this.deps.orders.note(order.id, `late-payment:${cause}`, `payment arrived while the order was ${order.state}: refund it`);
    this.deps.log.error({ component: 'fulfilment', orderId: order.id, state: order.state }, 'payment for an order that already ended');
    return 'late_payment';
  }

  private async order(orderId: string): Promise<Order> {
    const order = await this.deps.orders.get(orderId);
    if (!order) throw new UnknownOrderError(orderId);
    return order;
  }
}
