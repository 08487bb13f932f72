import type { Order } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import type { RefundRecord } from '../orders/refund.js';
import type { RefundRequestService } from '../orders/refund-request.service.js';
import type { StaffAttention } from '../orders/staff-attention.store.js';
import type { OfferView } from '../upgrades/offer.view.js';
import { isOpenOffer } from '../upgrades/upgrade.service.js';

/** An order as staff see it: the record, its refunds, its upgrade offers, and what staff are asked to look at. */
export interface StaffOrderView {
  order: Order;
  refunds: RefundRecord[];
  upgradeOffers: OfferView[];
  attention: Awaited<ReturnType<StaffAttention['of']>>;
}

export interface StaffOrderDeps {
  orders: Pick<OrderStore, 'get'>;
  refunds: Pick<RefundRequestService, 'list'>;
  offersOf(orderId: string): Promise<OfferView[]>;
  attention: Pick<StaffAttention, 'of'>;
}

/** What GET /staff/orders/:id answers and the console's order page shows; undefined for no such record. */
export async function staffOrder(deps: StaffOrderDeps, id: string): Promise<StaffOrderView | undefined> {
  const order = await deps.orders.get(id);
  if (!order) return undefined;
  const [refunds, upgradeOffers, attention] = await Promise.all([deps.refunds.list(order.id), deps.offersOf(order.id), deps.attention.of(order.id)]);
  // An order keeps its last offer's claim after that offer ends (claim-offer.lua: the next offer takes
  // it over), so openOffer is shown only while the offer it names is still open.
  const stillOpen = upgradeOffers.some((offer) => offer.id === order.openOffer && isOpenOffer(offer));
  return { order: stillOpen ? order : { ...order, openOffer: undefined }, refunds, upgradeOffers, attention };
}
