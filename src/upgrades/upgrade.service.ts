import type { Logger } from 'pino';
import { isSeated, type CatalogEvent, type Section } from '../catalog/catalog.schema.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { EventFinder } from '../catalog/event-finder.js';
import type { NoticeQueue } from '../notifications/customer-notice.js';
import { cancelHeld, holdEndsAt, holdUnderFreshId, openCheckout, type CancelResult } from '../orders/held-checkout.js';
import type { Customer } from '../customers/customer.js';
import type { Order } from '../orders/order.js';
import { newOfferId } from '../orders/order-id.js';
import { customerKey } from '../customers/customer.js';
import { type OrderStore } from '../orders/order.store.js';
import type { RefundRecord } from '../orders/refund.js';
import type { CheckoutGateway } from '../checkout/checkout.gateway.js';
import { payLinkFor, type LinkedRecord } from '../checkout/pay-link.js';
import type { SeatStore } from '../seats/seat.store.js';

/** Who asked: staff offer an upgrade (and the customer is sent it); a customer asks for one in the conversation. */
export type OfferSource = 'staff' | 'customer';

export interface OfferRequest {
  orderId: string;
  sectionId: string;
  /** Staff only: the price difference per ticket, in minor units, instead of the catalog's. */
  unitAmount?: number;
  /** Staff only: percent off the catalog's price difference (ignored with unitAmount). */
  discountPercent?: number;
  /** How long the seats are held and the link can be paid; default HOLD_MINUTES. */
  holdMinutes?: number;
  by: OfferSource;
}

export type OfferRefusal =
  | 'unknown_order'
  | 'order_not_paid'
  | 'order_has_refunds'
  /** Some of its tickets were given to someone else, or it holds tickets given to its customer: its seats are not one block of one holder's. */
  | 'tickets_given_away'
  | 'event_started'
  | 'unknown_section'
  | 'not_better'
  | 'bad_price'
  | 'offer_open'
  | 'not_enough_seats'
  | 'checkout_failed';

export type OfferResult =
  | { ok: true; offer: Order; payUrl: string }
  | { ok: false; reason: OfferRefusal; message: string; openOffer?: Order };

/** A section a ticket holder could move to now, and what it costs them per ticket. */
export interface UpgradeChoice {
  section: Section;
  /** Price difference per ticket, minor units. */
  unitAmount: number;
}

export type WithdrawResult = CancelResult | 'not_an_offer';

/** States in which an offer still counts as open: its seats held, or its payment being turned into the swap. */
const OPEN_OFFER = new Set(['held', 'awaiting_payment', 'paid']);

export function isOpenOffer(offer: Pick<Order, 'state'>): boolean {
  return OPEN_OFFER.has(offer.state);
}

/**
 * Seat upgrades up to the payment: which orders can move, to which better
 * sections and for how much; offering one (hold the same number of adjacent
 * seats in the better section, record the offer, open a Checkout Session for
 * the difference, tell the customer when staff made it); withdrawing one.
 * The swap itself happens when the payment is confirmed (upgrade.fulfilment.ts).
 */
export class UpgradeService {
  constructor(
    private readonly deps: {
      catalog: EventCatalog;
      finder: EventFinder;
      seats: SeatStore;
      orders: OrderStore;
      checkout: CheckoutGateway;
      refunds: { list(orderId: string): Promise<RefundRecord[]> };
      notices: NoticeQueue;
      log: Logger;
      options: { holdMinutes: number; publicBaseUrl: string };
    },
  ) {}

  /** The event's section an id or name means ("courtside", "club", "101"): the id exactly, else the finder's one match. */
  sectionNamed(eventId: string, text: string): Section | undefined {
    const event = this.deps.catalog.event(eventId);
    if (!event) return undefined;
    const wanted = text.trim().toLowerCase();
    return event.sections.find((section) => section.id.toLowerCase() === wanted) ?? this.deps.finder.findSection(event, text);
  }

  /** The short link an offer is paid through (/p/UP-9HMX/<secret>), like an order's. */
  payLink(offer: LinkedRecord): string {
    return payLinkFor(this.deps.options.publicBaseUrl, offer);
  }

  /** The customer's orders that could move to better seats now, newest first. */
  async upgradableOrders(customer: Customer, now = Date.now()): Promise<Order[]> {
    const orders = await this.deps.orders.listByCustomer(customer.channel, customer.address);
    const candidates = orders.filter((order) => this.whyNot(order, now) === undefined);
    const withBetter = await Promise.all(candidates.map(async (order) => ((await this.choices(order)).length > 0 ? order : undefined)));
    return withBetter.filter((order): order is Order => order !== undefined);
  }

  /** Better sections with room for the whole party together, best first, with the price difference per ticket. */
  async choices(order: Order): Promise<UpgradeChoice[]> {
    const event = this.deps.catalog.event(order.eventId);
    const current = this.deps.catalog.section(order.eventId, order.sectionId);
    const [inventory, paid] = await Promise.all([this.deps.seats.inventory(order.eventId), this.paidPerTicket(order)]);
    if (!event || !current || !inventory) return [];
    return event.sections
      .filter((section) => section.tier > current.tier)
      .filter((section) => {
        const room = inventory.sections.find((s) => s.id === section.id);
        return room !== undefined && (isSeated(section) ? (room.largestBlock ?? 0) : room.available) >= order.quantity;
      })
      .map((section) => ({ section, unitAmount: section.price - paid }))
      .filter((choice) => choice.unitAmount > 0)
      .sort((a, b) => b.section.tier - a.section.tier || a.unitAmount - b.unitAmount);
  }

  /** The order's upgrade offer that is still open, if any. */
  async openOfferOf(order: Order): Promise<Order | undefined> {
    if (!order.openOffer) return undefined;
    const offer = await this.deps.orders.get(order.openOffer);
    return offer && isOpenOffer(offer) ? offer : undefined;
  }

  async offer(request: OfferRequest, now = Date.now()): Promise<OfferResult> {
    const order = await this.deps.orders.get(request.orderId);
    if (!order || order.kind !== 'tickets') return refuse('unknown_order', `No order ${request.orderId}.`);
    const event = this.deps.catalog.event(order.eventId)!;
    const notNow = this.whyNot(order, now);
    if (notNow) return notNow;
    // A refund waiting for Stripe names the present seats; one that was applied is caught by whyNot.
    if ((await this.deps.refunds.list(order.id)).some((refund) => refund.status === 'requested')) {
      return refuse('order_has_refunds', `Order ${order.id} has a refund on its way; upgrade only an order with all its tickets.`);
    }
    const current = this.deps.catalog.section(order.eventId, order.sectionId);
    const target = this.deps.catalog.section(order.eventId, request.sectionId);
    if (!target) return refuse('unknown_section', `${event.name} has no section ${JSON.stringify(request.sectionId)}.`);
    if (!current || target.tier <= current.tier) {
      return refuse('not_better', `${target.name} is not better than ${current?.name ?? order.sectionId}, where order ${order.id} sits.`);
    }
    const unitAmount = priceDifference(await this.paidPerTicket(order), target, request);
    if (!Number.isInteger(unitAmount) || unitAmount < 1) {
      return refuse('bad_price', `The price difference per ticket must be a whole number of ${event.currency.toUpperCase()} minor units, 1 or more (it came to ${unitAmount}).`);
    }
    const open = await this.openOfferOf(order);
    if (open) return { ...refuse('offer_open', `Order ${order.id} already has an open upgrade offer, ${open.id}.`), openOffer: open };

    const holdMinutes = request.holdMinutes ?? this.deps.options.holdMinutes;
    const expiresAtSeconds = holdEndsAt(now, holdMinutes);
    const held = await holdUnderFreshId(this.deps, {
      hold: {
        eventId: order.eventId,
        sectionId: target.id,
        quantity: order.quantity,
        // Its own cap key: an upgrade offer must not use up the holds the
        // customer may have open while buying (one open offer per order anyway).
        customerKey: `${customerKey(order.customer.channel, order.customer.address)}~upgrade`,
        expiresAt: expiresAtSeconds * 1000,
        now,
      },
      newId: newOfferId,
      record: (allocation) => ({
        kind: 'upgrade',
        upgradeOf: order.id,
        customer: order.customer,
        ...(order.language ? { language: order.language } : {}),
        eventId: order.eventId,
        sectionId: target.id,
        quantity: order.quantity,
        seats: allocation.seats,
        unitAmount,
        currency: order.currency,
        holdExpiresAt: expiresAtSeconds * 1000,
      }),
    });
    if (!held.ok) {
      return refuse('not_enough_seats', `${target.name} has no ${order.quantity} seats together right now (${held.largestBlock} together, ${held.available} free).`);
    }
    // The claim comes after the hold so a refused request leaves nothing; two
    // requests racing both hold, one claims, the other lets its seats go.
    if (!(await this.deps.orders.claimOffer(order.id, held.order.id, order.openOffer ?? ''))) {
      await this.deps.orders.transition(held.order.id, { to: 'cancelled', cause: 'offer-open', note: 'another upgrade offer was made at the same moment' });
      await this.deps.seats.release(order.eventId, held.order.id);
      const other = await this.openOfferOf((await this.deps.orders.get(order.id)) ?? order);
      return { ...refuse('offer_open', `Order ${order.id} already has an open upgrade offer${other ? `, ${other.id}` : ''}.`), openOffer: other };
    }
    const offer = await openCheckout(this.deps, held.order, {
      currency: order.currency,
      lineItems: [{ name: `Upgrade to ${target.name}: ${event.name}`, description: held.order.seats.join(', ') || undefined, unitAmount, quantity: order.quantity }],
      expiresAt: expiresAtSeconds,
      successUrl: `${this.payLink(held.order)}?paid=1`,
      cancelUrl: `${this.payLink(held.order)}?back=1`,
    });
    if (!offer) return refuse('checkout_failed', 'The payment page could not be created; nothing was held. Try again.');
    await this.deps.orders.note(order.id, `offer:${offer.id}`, `upgrade ${offer.id} offered by ${request.by}: ${target.name} ${offer.seats.join(', ')}`.trim());
    if (request.by === 'staff') await this.deps.notices.enqueue(offer.id, 'upgrade_offer');
    this.deps.log.info({ component: 'upgrades', orderId: order.id, offerId: offer.id, sectionId: target.id, by: request.by }, 'upgrade offered');
    return { ok: true, offer, payUrl: this.payLink(offer) };
  }

  /** Staff take an offer back: its session is expired first, then its seats are released and the customer told. */
  async withdraw(offerId: string, cause: string): Promise<WithdrawResult> {
    const offer = await this.deps.orders.get(offerId);
    if (!offer) return 'unknown_order';
    if (offer.kind !== 'upgrade') return 'not_an_offer';
    const result = await cancelHeld(this.deps, offerId, cause);
    if (result === 'cancelled') await this.deps.notices.enqueue(offerId, 'upgrade_withdrawn');
    return result;
  }

  /** What one ticket of the order has cost so far: its price, plus each upgrade taken since. */
  private async paidPerTicket(order: Order): Promise<number> {
    const taken = (await this.deps.orders.offersOf(order.id)).filter((offer) => offer.state === 'fulfilled');
    return taken.reduce((sum, offer) => sum + offer.unitAmount, order.unitAmount);
  }

  /** Why this order cannot be upgraded now (undefined: it can). */
  private whyNot(order: Order, now: number): Extract<OfferResult, { ok: false }> | undefined {
    if (order.kind !== 'tickets') return refuse('unknown_order', `${order.id} is an upgrade offer, not an order.`);
    if (order.state !== 'fulfilled') {
      return refuse('order_not_paid', `Order ${order.id} is ${order.state.replace('_', ' ')}: only a paid order with its tickets can be upgraded.`);
    }
    if (order.refundedTickets.length > 0 || order.refundedAmount > 0) {
      return refuse('order_has_refunds', `Order ${order.id} has a refund; upgrade only an order with all its tickets.`);
    }
    if (order.transferredTickets.length > 0) {
      return refuse('tickets_given_away', `Some tickets of order ${order.id} were given to someone else; upgrade only an order with all its tickets.`);
    }
    if (order.transferredFrom) {
      return refuse('tickets_given_away', `Order ${order.id} holds tickets given by order ${order.transferredFrom}; it was not paid here, so it cannot be upgraded.`);
    }
    const event = this.deps.catalog.event(order.eventId);
    if (!event || hasStarted(event, now)) return refuse('event_started', `The event of order ${order.id} has started.`);
    return undefined;
  }
}

function priceDifference(paidPerTicket: number, target: Section, request: OfferRequest): number {
  if (request.unitAmount !== undefined) return request.unitAmount;
  const difference = target.price - paidPerTicket;
  return request.discountPercent === undefined ? difference : Math.round((difference * (100 - request.discountPercent)) / 100);
}

function hasStarted(event: CatalogEvent, now: number): boolean {
  return Date.parse(event.startsAt) <= now;
}

function refuse(reason: OfferRefusal, message: string): Extract<OfferResult, { ok: false }> {
  return { ok: false, reason, message };
}
