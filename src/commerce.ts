import type { RedisClient } from './redis/redis.client.js';
import type { EventCatalog } from './catalog/event-catalog.js';
import type { Config } from './config.js';
import { TicketDeliveries } from './notifications/ticket-delivery.store.js';
import { AbandonedCheckouts } from './orders/abandoned-checkout.store.js';
import { OrderStore } from './orders/order.store.js';
import { StaffAttention } from './orders/staff-attention.store.js';
import { SeatStore } from './seats/seat.store.js';
import { AdmissionStore } from './tickets/admission.store.js';
import { TicketPageStore } from './tickets/ticket-page.store.js';
import { SavedCardStore } from './orders/saved-card.store.js';

/** Prefix of every key this project writes, so it can share a Redis. */
export const KEY_PREFIX = 'bx:';

/** The commerce layer the dialogs, routes and jobs are given: catalog, seats, orders. */
export interface Commerce {
  catalog: EventCatalog;
  seats: SeatStore;
  orders: OrderStore;
  /** What staff are asked to look at. */
  attention: StaffAttention;
  /** Fulfilled orders whose tickets message is not yet known sent. */
  ticketDeliveries: TicketDeliveries;
  /** Checkout creates that failed on our side, for reconciliation to find and expire. */
  abandonedCheckouts: AbandonedCheckouts;
  /** Tickets let in at the door, and codes that no longer admit. */
  admissions: AdmissionStore;
  /** The secret of each order's ticket page (/t/<secret>). */
  ticketPages: TicketPageStore;
  /** Customers' saved cards and their Customer at the payment provider. */
  savedCards: SavedCardStore;
}

export function createCommerce(
  redis: RedisClient,
  catalog: EventCatalog,
  config: Pick<Config, 'limits'> & Partial<Pick<Config, 'reconcile' | 'unpaidHolds'>>,
  prefix = KEY_PREFIX,
): Commerce {
  const reconcileAfterMs = config.reconcile ? config.reconcile.afterMinutes * 60_000 : undefined;
  const orders = new OrderStore(redis, { prefix, reconcileAfterMs });
  return {
    catalog,
    seats: new SeatStore(redis, catalog, {
      prefix,
      maxPartySize: config.limits.maxPartySize,
      maxOpenHoldsPerCustomer: config.limits.maxOpenHoldsPerCustomer,
      unpaidSharePercent: config.unpaidHolds?.sharePercent,
      maxOpenHoldsPerOrigin: config.unpaidHolds?.perAnonymousAddress,
    }),
    orders,
    attention: new StaffAttention(redis, orders, { prefix }),
    ticketDeliveries: new TicketDeliveries(redis, { prefix, checkAfterMs: reconcileAfterMs }),
    abandonedCheckouts: new AbandonedCheckouts(redis, { prefix }),
    admissions: new AdmissionStore(redis, orders, prefix),
    ticketPages: new TicketPageStore(redis, orders),
    savedCards: new SavedCardStore(redis, prefix),
  };
}
