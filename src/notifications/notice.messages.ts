import { describeEvent, describeSeats, formatPrice } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { OutboundMessage } from './message.sender.js';
import type { CustomerNotice } from './customer-notice.js';
import type { Order } from '../orders/order.js';
import { activeTickets } from '../orders/refund.js';

/** How long a card refund takes to show, as Stripe tells customers: https://docs.stripe.com/refunds#refund-timing */
const REFUND_TIMING = 'back to your card within 5-10 days';

/** What a notice may need beyond the order itself. */
export interface NoticeContext {
  /** The short link of an order or offer (/p/…/<secret>); without it the checkout URL itself is used. */
  payLink?: (order: Order) => string;
  /** Minor units given back so far from the order's upgrades' own payments (their share of refunded tickets). */
  upgradesPaidBack?: number;
}

/** The words of each notice. Short, plain text: an SMS segment or two. */
export function noticeMessage(notice: CustomerNotice, order: Order, catalog: EventCatalog, context: NoticeContext = {}): OutboundMessage {
  const payLink = context.payLink ?? (() => order.checkoutUrl);
  // Everything given back: the tickets' own payment, and the upgrades' share of those tickets.
  const refunded = formatPrice(order.refundedAmount + (context.upgradesPaidBack ?? 0), order.currency);
  const event = catalog.event(order.eventId);
  const eventName = event ? describeEvent(event) : order.eventId;
  const places = describeSeats(catalog.section(order.eventId, order.sectionId), order.seats, order.quantity);
  if (order.kind === 'upgrade') return upgradeOfferMessage(notice, order, places, eventName, payLink(order));
  const tryAgain = `Text "${event?.aliases[0] ?? 'tickets'}" to try again.`;
  if (notice.startsWith('upgraded.')) {
    return {
      text:
        `Upgrade done! ${eventName}. Your new seats: ${places}.\n` +
        `Your new tickets: ${activeTickets(order).join(', ')}\n` +
        `Your earlier tickets are no longer valid. Order ${order.id}.`,
    };
  }
  switch (notice) {
    case 'tickets':
      return {
        text:
          `Paid, thank you! ${eventName}. ${places}.\n` +
          `Your tickets: ${activeTickets(order).join(', ')}\n` +
          `Show this message at the door. Order ${order.id}.`,
      };
    case 'hold_expired':
      return { text: `Your hold on ${places} for ${eventName} has ended and the seats are released (order ${order.id}). ${tryAgain}` };
    case 'payment_failed':
      return { text: `Your payment for order ${order.id} did not go through, so the seats were released. ${tryAgain}` };
    case 'payment_pending':
      return { text: `Order ${order.id}: we have your order and your payment is processing. Your tickets follow as soon as it clears.` };
    case 'late_payment_refunded':
      return { text: `Your payment for order ${order.id} arrived after the order had ended and its seats were let go, so it is refunded in full, ${REFUND_TIMING}. ${tryAgain}` };
    case 'refunded':
      return {
        text:
          `Order ${order.id} is refunded: ${refunded} ${REFUND_TIMING}. ` +
          `${order.tickets.length > 0 ? `Your tickets for ${eventName} are no longer valid.` : `Nothing more is owed for ${eventName}.`}`,
      };
    default:
      return partialRefundMessage(order, catalog, refunded);
  }
}

/** What an upgrade offer's customer is told; the order keeps its seats unless it says "done". */
function upgradeOfferMessage(notice: CustomerNotice, offer: Order, places: string, eventName: string, link: string | undefined): OutboundMessage {
  const price = formatPrice(offer.amount, offer.currency);
  const unchanged = `Your seats and tickets for order ${offer.upgradeOf} stay as they are.`;
  switch (notice) {
    case 'upgrade_offer': {
      const until = new Date(offer.holdExpiresAt).toISOString().slice(11, 16);
      return {
        text:
          `Upgrade offer for order ${offer.upgradeOf}, ${eventName}: move to ${places} for ${price} more. ` +
          `Pay by ${until} UTC to take it: ${link ?? ''}`.trimEnd(),
      };
    }
    case 'upgrade_withdrawn':
      return { text: `The upgrade offer ${offer.id} has been withdrawn; nothing was charged. ${unchanged}` };
    case 'upgrade_refunded':
      return { text: `We could not give you upgrade ${offer.id}, so its payment of ${price} is refunded, ${REFUND_TIMING}.` };
    case 'payment_pending':
      return { text: `Upgrade ${offer.id}: your payment is processing. Your new tickets follow as soon as it clears.` };
    default:
      return { text: `The upgrade offer ${offer.id} has ended and nothing was charged. ${unchanged}` };
  }
}

/** After a partial refund: what was refunded so far, and which tickets (and seats) still count. */
function partialRefundMessage(order: Order, catalog: EventCatalog, refunded: string): OutboundMessage {
  const active = activeTickets(order);
  const activeSeats = order.seats.filter((_, i) => active.includes(order.tickets[i]!));
  const stillValid = describeSeats(catalog.section(order.eventId, order.sectionId), activeSeats, active.length);
  return {
    text:
      `Order ${order.id}: ${order.refundedTickets.length} of your ${order.tickets.length} tickets refunded, ` +
      `${refunded} ${REFUND_TIMING}. ` +
      `No longer valid: ${order.refundedTickets.join(', ')}\n` +
      `Still valid: ${active.join(', ')} (${stillValid}).`,
  };
}
