import { describeEvent, describeSeats, formatEventTime, formatPrice, formatVenueTime } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { OutboundMessage } from './message.sender.js';
import { cardName, UNFINISHED_CARD_PAYMENT } from '../checkout/saved-cards.js';
import type { CustomerNotice } from './customer-notice.js';
import type { Order } from '../orders/order.js';
import { activeTickets } from '../orders/refund.js';
import { englishNotices, type NoticeWords } from './notice.words.en.js';
import { spanishNotices } from './notice.words.es.js';

/** What a notice may need beyond the order itself. */
export interface NoticeContext {
  /** The short link of an order or offer (/p/…/<secret>); without it the checkout URL itself is used. */
  payLink?: (order: Order) => string;
  /** Minor units given back so far from the order's upgrades' own payments (their share of refunded tickets). */
  upgradesPaidBack?: number;
  /** The link of the order's ticket page (/t/<secret>), for the messages that carry tickets. */
  ticketPage?: string;
}

/** The notices that carry an order's tickets, and so its ticket page link. */
export function carriesTickets(notice: CustomerNotice): boolean {
  return notice === 'tickets' || notice === 'reminder' || notice === 'transferred_in' || notice.startsWith('upgraded.');
}

/** Which notice says what, in the language of the conversation that made the order. */
export function noticeMessage(notice: CustomerNotice, order: Order, catalog: EventCatalog, context: NoticeContext = {}): OutboundMessage {
  const language = order.language ?? 'en';
  const words = language === 'es' ? spanishNotices : englishNotices;
  const payLink = context.payLink ?? (() => order.checkoutUrl);
  // Everything given back: the tickets' own payment, and the upgrades' share of those tickets.
  const refunded = formatPrice(order.refundedAmount + (context.upgradesPaidBack ?? 0), order.currency);
  const event = catalog.event(order.eventId);
  const eventName = event ? describeEvent(event, language) : order.eventId;
  const places = describeSeats(catalog.section(order.eventId, order.sectionId), order.seats, order.quantity, language);
  if (order.kind === 'upgrade') {
    // The deadline on the venue's clock, like the event's own time; UTC only for an event no longer in the catalog.
    const until = event ? formatVenueTime(order.holdExpiresAt, event, language) : `${formatEventTime(new Date(order.holdExpiresAt).toISOString(), language)} UTC`;
    return upgradeOfferMessage(notice, order, places, eventName, until, payLink(order), words);
  }
  const tryAgain = words.tryAgain(event?.aliases[0]);
  if (notice.startsWith('upgraded.')) return { text: words.upgraded(eventName, places, activeTickets(order), order.id, context.ticketPage) };
  switch (notice) {
    case 'tickets':
      return { text: words.tickets(eventName, places, activeTickets(order), order.id, context.ticketPage) };
    case 'transferred_in':
      return { text: words.transferredIn(order.transferredBy, eventName, places, activeTickets(order), order.id, context.ticketPage) };
    case 'reminder':
      // A partly refunded order is reminded of what it kept.
      return { text: words.reminder(eventName, placesKept(order, catalog), activeTickets(order), order.id, context.ticketPage) };
    case 'hold_expired':
      return { text: words.holdExpired(places, eventName, order.id, tryAgain) };
    case 'payment_failed':
      return { text: words.paymentFailed(order.id, tryAgain) };
    case 'payment_pending':
      return { text: words.paymentPending(order.id) };
    case 'card_refused': {
      const card = order.cardPayment;
      const named = card ? cardName(card, language) : words.yourCard;
      const why = card?.code === 'authentication_required' ? 'authentication' : card?.code === UNFINISHED_CARD_PAYMENT ? 'unfinished' : 'declined';
      return { text: words.cardRefused(order.id, named, why, payLink(order) ?? '') };
    }
    case 'late_payment_refunded':
      return { text: words.latePaymentRefunded(order.id, tryAgain) };
    case 'refunded':
      return { text: words.refunded(order.id, refunded, eventName, order.tickets.length > 0) };
    default:
      return partialRefundMessage(order, catalog, refunded, words);
  }
}

/** What an upgrade offer's customer is told; the order keeps its seats unless it says "done". */
function upgradeOfferMessage(notice: CustomerNotice, offer: Order, places: string, eventName: string, until: string, link: string | undefined, words: NoticeWords): OutboundMessage {
  const price = formatPrice(offer.amount, offer.currency);
  const unchanged = words.upgradeUnchanged(offer.upgradeOf);
  switch (notice) {
    case 'upgrade_offer':
      return { text: words.upgradeOffer(offer.upgradeOf, eventName, places, price, until, link ?? '') };
    case 'upgrade_withdrawn':
      return { text: words.upgradeWithdrawn(offer.id, unchanged) };
    case 'upgrade_refunded':
      return { text: words.upgradeRefunded(offer.id, price) };
    case 'payment_pending':
      return { text: words.upgradePending(offer.id) };
    default:
      return { text: words.upgradeEnded(offer.id, unchanged) };
  }
}

/** After a partial refund: what was refunded so far, and which tickets (and seats) still count. */
function partialRefundMessage(order: Order, catalog: EventCatalog, refunded: string, words: NoticeWords): OutboundMessage {
  return { text: words.partlyRefunded(order.id, order.refundedTickets.length, order.tickets.length, refunded, order.refundedTickets, activeTickets(order), placesKept(order, catalog)) };
}

/** The places of the tickets that still admit, in the order's language: "Section 101, row A, seat 1". */
function placesKept(order: Order, catalog: EventCatalog): string {
  const active = activeTickets(order);
  const seats = order.seats.filter((_, i) => active.includes(order.tickets[i]!));
  return describeSeats(catalog.section(order.eventId, order.sectionId), seats, active.length, order.language ?? 'en');
}
