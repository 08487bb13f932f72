import type { EventCatalog } from '../catalog/event-catalog.js';
import type { Order } from '../orders/order.js';

/** An upgrade offer as staff see it (API answers and staff commands). */
export interface OfferView {
  id: string;
  orderId: string;
  state: Order['state'];
  eventId: string;
  sectionId: string;
  sectionName: string;
  seats: string[];
  quantity: number;
  /** Price difference per ticket and in all, minor units. */
  unitAmount: number;
  amount: number;
  currency: string;
  payUrl: string;
  /** When the held seats go back on sale if the offer is not paid. */
  expiresAt: string;
  createdAt: string;
}

export function offerView(offer: Order, catalog: EventCatalog, payLink: (offer: Order) => string): OfferView {
  return {
    id: offer.id,
    orderId: offer.upgradeOf ?? '',
    state: offer.state,
    eventId: offer.eventId,
    sectionId: offer.sectionId,
    sectionName: catalog.section(offer.eventId, offer.sectionId)?.name ?? offer.sectionId,
    seats: offer.seats,
    quantity: offer.quantity,
    unitAmount: offer.unitAmount,
    amount: offer.amount,
    currency: offer.currency,
    payUrl: payLink(offer),
    expiresAt: new Date(offer.holdExpiresAt).toISOString(),
    createdAt: offer.createdAt,
  };
}
