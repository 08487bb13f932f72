import { describeEvent, describeSeats } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { OutboundMessage } from '../channels/message.sender.js';
import type { CustomerNotice } from '../orders/fulfilment.service.js';
import type { Order } from '../orders/order.js';

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
          `Your tickets: ${order.tickets.join(', ')}\n` +
          `Show this message at the door. Order ${order.id}.`,
      };
    case 'hold_expired':
      return { text: `Your hold on ${places} for ${eventName} has ended and the seats are released (order ${order.id}). ${tryAgain}` };
    case 'payment_failed':
      return { text: `Your payment for order ${order.id} did not go through, so the seats were released. ${tryAgain}` };
    case 'payment_pending':
      return { text: `Order ${order.id}: we have your order and your payment is processing. Your tickets follow as soon as it clears.` };
  }
}
