import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { CheckoutGateway } from '../checkout/checkout.gateway.js';
import { payLinkFor } from '../checkout/pay-link.js';
import type { HoldRefusal, SeatStore } from '../seats/seat.store.js';
import type { Customer } from '../customers/customer.js';
import type { Order } from './order.js';
import { newOrderId } from './order-id.js';
import { cancelHeld, EXPIRY_MARGIN_SECONDS, holdEndsAt, holdUnderFreshId, openCheckout, type CancelResult } from './held-checkout.js';

export type { CancelResult };
import { customerKey } from '../customers/customer.js';
import { type OrderStore } from './order.store.js';

export interface PurchaseRequest {
  customer: Customer;
  eventId: string;
  sectionId: string;
  quantity: number;
}

export type PurchaseResult =
  | { ok: true; order: Order; payUrl: string }
  /** The customer already holds seats for this event: their existing order, not a second hold. */
  | { ok: false; reason: 'already_holding'; openOrder: Order }
  | { ok: false; reason: Exclude<HoldRefusal, 'hold_exists'>; available: number; largestBlock: number; openOrder?: Order }
  | { ok: false; reason: 'checkout_failed' };


export interface PurchaseOptions {
  /** How long seats are held, which is also the Checkout Session's lifetime. */
  holdMinutes: number;
  /** Base of the short pay links and of Stripe's success and cancel URLs. */
  publicBaseUrl: string;
}


/**
 * The customer side of buying: hold the best seats, record the order, open a
 * Checkout Session, hand back the link; and leaving a purchase, which expires
 * the session before the seats are freed.
 */
export class PurchaseService {
  constructor(
    private readonly deps: {
      catalog: EventCatalog;
      seats: SeatStore;
      orders: OrderStore;
      checkout: CheckoutGateway;
      log: Logger;
      options: PurchaseOptions;
    },
  ) {}

  /** The short link a customer is sent: /p/BX-7K2Q redirects to the checkout page. */
  payLink(orderId: string): string {
    return payLinkFor(this.deps.options.publicBaseUrl, orderId);
  }

  async start(request: PurchaseRequest, now = Date.now()): Promise<PurchaseResult> {
    const event = this.deps.catalog.event(request.eventId);
    const section = this.deps.catalog.section(request.eventId, request.sectionId);
    if (!event || !section) return { ok: false, reason: 'unknown_section', available: 0, largestBlock: 0 };
    const [existing] = await this.openOrders(request.customer, request.eventId, now);
    if (existing) return { ok: false, reason: 'already_holding', openOrder: existing };
    const expiresAtSeconds = holdEndsAt(now, this.deps.options.holdMinutes);
    const held = await holdUnderFreshId(this.deps, {
      hold: {
        eventId: request.eventId,
        sectionId: request.sectionId,
        quantity: request.quantity,
        customerKey: customerKey(request.customer.channel, request.customer.address),
        expiresAt: expiresAtSeconds * 1000,
        now,
      },
      newId: newOrderId,
      record: (allocation) => ({
        customer: request.customer,
        eventId: request.eventId,
        sectionId: request.sectionId,
        quantity: request.quantity,
        seats: allocation.seats,
        unitAmount: section.price,
        currency: event.currency,
        holdExpiresAt: expiresAtSeconds * 1000,
      }),
    });
    if (!held.ok) {
      const { reason, available, largestBlock } = held;
      if (reason === 'hold_exists') throw new Error('unreachable: hold_exists is retried');
      const openOrder = reason === 'too_many_holds' ? (await this.openOrders(request.customer, request.eventId, now))[0] : undefined;
      return { ok: false, reason, available, largestBlock, openOrder };
    }
    const order = await openCheckout(this.deps, held.order, {
      currency: event.currency,
      lineItems: [{ name: `${event.name}: ${section.name}`, description: held.order.seats.join(', ') || undefined, unitAmount: section.price, quantity: held.order.quantity }],
      expiresAt: expiresAtSeconds,
      successUrl: `${this.payLink(held.order.id)}?paid=1`,
      cancelUrl: `${this.payLink(held.order.id)}?back=1`,
    });
    return order ? { ok: true, order, payUrl: this.payLink(order.id) } : { ok: false, reason: 'checkout_failed' };
  }

  /**
   * The customer leaves a purchase: expire the Checkout Session first, so it
   * can no longer be paid, and only then free the seats (DESIGN "Hold").
   */
  async cancel(orderId: string, cause: string): Promise<CancelResult> {
    return cancelHeld(this.deps, orderId, cause);
  }

  /** The customer's orders still waiting for payment (hold not yet over), newest first. */
  async openOrders(customer: Customer, eventId?: string, now = Date.now()): Promise<Order[]> {
    // A hold lasts holdMinutes from the order's creation, so only orders that
    // recent can still be open: a regular's older orders are not even read.
    const createdSince = now - (this.deps.options.holdMinutes * 60 + EXPIRY_MARGIN_SECONDS) * 1000;
    const orders = await this.deps.orders.listByCustomer(customer.channel, customer.address, { createdSince });
    return orders.filter(
      (order) => order.state === 'awaiting_payment' && order.holdExpiresAt > now && (eventId === undefined || order.eventId === eventId),
    );
  }
}
