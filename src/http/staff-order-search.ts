import type { EventCatalog } from '../catalog/event-catalog.js';
import { parseRecordId } from '../orders/order-id.js';
import type { Order } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';

/** Most orders one search lists. */
export const SEARCH_LIMIT = 50;

/**
 * Orders staff look for while the customer is on the phone: by order or
 * offer id, by ticket code (it starts with its order's id), by the last four
 * digits of a phone number, or by a chat user's id. The last two read every
 * event's orders (the store keeps no index by phone suffix): fine at a box
 * office's scale, newest first.
 */
export async function findOrders(deps: { catalog: EventCatalog; orders: Pick<OrderStore, 'get' | 'listByEvent'> }, query: string): Promise<Order[]> {
  const q = query.trim();
  if (q === '') return [];
  const id = parseRecordId(q) ?? parseRecordId(/^([A-Za-z]{2}-[A-Za-z0-9]{4,6})-[A-Za-z0-9]+-[A-Za-z0-9]+$/.exec(q)?.[1] ?? '');
  if (id) {
    const order = await deps.orders.get(id);
    return order ? [order] : [];
  }
  const digits = /^\d{4}$/.test(q.replace(/\D/g, '')) && q.replace(/[\d\s\-().]/g, '') === '' ? q.replace(/\D/g, '') : undefined;
  const needle = q.toLowerCase();
  if (digits === undefined && needle.length < 3) return [];
  const matches = (order: Order) =>
    digits !== undefined ? order.customer.channel === 'sms' && order.customer.address.endsWith(digits) : order.customer.channel === 'chat' && order.customer.address.toLowerCase().includes(needle);
  const perEvent = await Promise.all([...deps.catalog.events()].map((event) => deps.orders.listByEvent(event.id)));
  return perEvent
    .flat()
    .filter(matches)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
    .slice(0, SEARCH_LIMIT);
}
