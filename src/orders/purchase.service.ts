import type { CardOnFile } from './card-on-file.js';
import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { CheckoutGateway, CheckoutRequest } from '../checkout/checkout.gateway.js';
import { payLinkFor, type LinkedRecord } from '../checkout/pay-link.js';
import type { HoldRefusal, SeatStore } from '../seats/seat.store.js';
import type { Language } from '../customers/language.js';
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
  /**
   * Where the request came from, as an opaque key, from a channel where
   * nothing else tells clients apart (an anonymous chat endpoint): its open
   * holds per event are limited (see HoldRequest.originKey).
   */
  originKey?: string;
  /**
   * The customer's own unpaid order this one replaces ("make it 4", "switch
   * me to the balcony"): it is not counted as a hold already there, and it is
   * cancelled once the new seats and link are secured, never before, so a
   * change that cannot be made leaves the first hold as it was.
   */
  replacing?: string;
  /** The language of the conversation, kept on the order for the notices about it (absent: English). */
  language?: Language;
}

export type PurchaseResult =
  /** `replaced`: the earlier order now cancelled, whose link no longer works. */
  | { ok: true; order: Order; payUrl: string; replaced?: string }
  /** The order being replaced was paid meanwhile: it stands, and the new hold was let go. */
  | { ok: false; reason: 'replaced_is_paid'; openOrder: Order }
  /** The customer already holds seats for this event: their existing order, not a second hold. */
  | { ok: false; reason: 'already_holding'; openOrder: Order }
  | { ok: false; reason: Exclude<HoldRefusal, 'hold_exists'>; available: number; largestBlock: number; openOrder?: Order }
  | { ok: false; reason: 'checkout_failed' }
  /** The event is not on sale yet (its onSaleAt is ahead): nothing was held. */
  | { ok: false; reason: 'not_on_sale_yet'; onSaleAt: string };


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
      /** Offers to save the card on the payment page, to an identity that may keep one. */
      cardOnFile?: Pick<CardOnFile, 'checkoutOption'>;
    },
  ) {}

  /** The short link a customer is sent: /p/BX-7K2Q/<secret> redirects to the checkout page. */
  payLink(order: LinkedRecord): string {
    return payLinkFor(this.deps.options.publicBaseUrl, order);
  }

  async start(request: PurchaseRequest, now = Date.now()): Promise<PurchaseResult> {
    const event = this.deps.catalog.event(request.eventId);
    const section = this.deps.catalog.section(request.eventId, request.sectionId);
    if (!event || !section) return { ok: false, reason: 'unknown_section', available: 0, largestBlock: 0 };
    if (event.onSaleAt !== undefined && now < Date.parse(event.onSaleAt)) return { ok: false, reason: 'not_on_sale_yet', onSaleAt: event.onSaleAt };
    const [[existing], paidBefore] = await Promise.all([
      this.openOrders(request.customer, request.eventId, now),
      this.deps.orders.hasPaid(request.customer.channel, request.customer.address),
    ]);
    if (existing && existing.id !== request.replacing) return { ok: false, reason: 'already_holding', openOrder: existing };
    const expiresAtSeconds = holdEndsAt(now, this.deps.options.holdMinutes);
    const held = await holdUnderFreshId(this.deps, {
      hold: {
        eventId: request.eventId,
        sectionId: request.sectionId,
        quantity: request.quantity,
        customerKey: customerKey(request.customer.channel, request.customer.address),
        expiresAt: expiresAtSeconds * 1000,
        now,
        // Fresh identities cost nothing; one that has paid has shown it buys.
        unpaid: !paidBefore,
        ...(request.originKey ? { originKey: request.originKey } : {}),
      },
      newId: newOrderId,
      record: (allocation) => ({
        customer: request.customer,
        ...(request.language && request.language !== 'en' ? { language: request.language } : {}),
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
    const saveCard = await this.deps.cardOnFile?.checkoutOption(request.customer);
    const order = await openCheckout(this.deps, held.order, { ...this.checkoutRequest(held.order, expiresAtSeconds), ...(saveCard ? { saveCard } : {}) });
    if (!order) return { ok: false, reason: 'checkout_failed' };
    if (!request.replacing) return { ok: true, order, payUrl: this.payLink(order) };
    return this.replace(request.replacing, order, request.customer);
  }

  /** The payment page of a ticket order: its seats at the order's price, open until `expiresAt` (epoch seconds), returning to the pay link. */
  checkoutRequest(order: Order, expiresAt: number): Omit<CheckoutRequest, 'reference' | 'kind' | 'upgradeOf' | 'idempotencyKey'> {
    const event = this.deps.catalog.event(order.eventId);
    const section = this.deps.catalog.section(order.eventId, order.sectionId);
    const name = event && section ? `${event.name}: ${section.name}` : `${order.eventId}: ${order.sectionId}`;
    return {
      currency: order.currency,
      lineItems: [{ name, description: order.seats.join(', ') || undefined, unitAmount: order.unitAmount, quantity: order.quantity }],
      expiresAt,
      successUrl: `${this.payLink(order)}?paid=1`,
      cancelUrl: `${this.payLink(order)}?back=1`,
    };
  }

  /** The new order is secured: now the one it replaces is cancelled, unless it was paid meanwhile. */
  private async replace(replacedId: string, order: Order, customer: Customer): Promise<PurchaseResult> {
    const replaced = await this.deps.orders.get(replacedId);
    // Only the customer's own order can be replaced; any other id is ignored.
    if (!replaced || customerKey(replaced.customer.channel, replaced.customer.address) !== customerKey(customer.channel, customer.address)) {
      return { ok: true, order, payUrl: this.payLink(order) };
    }
    const outcome = await this.cancel(replacedId, `replaced-by:${order.id}`).catch((err: Error) => {
      // Its hold ends on its own; the new link is the one to use either way.
      this.deps.log.warn({ component: 'purchase', orderId: replacedId, err: err.message }, 'replaced order could not be cancelled yet');
      return 'already_ended' as const;
    });
    if (outcome === 'already_paid') {
      await this.cancel(order.id, `superseded-by-payment:${replacedId}`);
      return { ok: false, reason: 'replaced_is_paid', openOrder: replaced };
    }
    return { ok: true, order, payUrl: this.payLink(order), replaced: replacedId };
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
