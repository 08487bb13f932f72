import { describeEvent, describeSeats, formatPrice } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { OutboundMessage } from '../channels/message.sender.js';
import type { CustomerNotice } from '../orders/fulfilment.service.js';
import type { Order } from '../orders/order.js';
import { activeTickets } from '../orders/refund.js';

/** How long a card refund takes to show, as Stripe tells customers: https://docs.stripe.com/refunds#refund-timing */
const REFUND_TIMING = 'back to your card within 5-10 days';

/** The words of each notice. Short, plain text: an SMS segment or two. */
export function noticeMessage(notice: CustomerNotice, order: Order, catalog: EventCatalog): OutboundMessage {
  const event = catalog.event(order.eventId);
  const eventName = event ? describeEvent(event) : order.eventId;
  const places = describeSeats(catalog.section(order.eventId, order.sectionId), order.seats, order.quantity);
  const tryAgain = `Text "${event?.aliases[0] ?? 'tickets'}" to try again.`;
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
    case 'refunded':
      return {
        text:
          `Order ${order.id} is refunded: ${formatPrice(order.refundedAmount, order.currency)} ${REFUND_TIMING}. ` +
          `${order.tickets.length > 0 ? `Your tickets for ${eventName} are no longer valid.` : `Nothing more is owed for ${eventName}.`}`,
      };
    default:
      return partialRefundMessage(order, catalog);
  }
}

/** After a partial refund: what was refunded so far, and which tickets (and seats) still count. */
function partialRefundMessage(order: Order, catalog: EventCatalog): OutboundMessage {
  const active = activeTickets(order);
  const activeSeats = order.seats.filter((_, i) => active.includes(order.tickets[i]!));
  const stillValid = describeSeats(catalog.section(order.eventId, order.sectionId), activeSeats, active.length);
  return {
    text:
      `Order ${order.id}: ${order.refundedTickets.length} of your ${order.tickets.length} tickets refunded, ` +
      `${formatPrice(order.refundedAmount, order.currency)} ${REFUND_TIMING}. ` +
      `No longer valid: ${order.refundedTickets.join(', ')}\n` +
      `Still valid: ${active.join(', ')} (${stillValid}).`,
  };
}
