import type { Redis } from 'ioredis';
import type { EventCatalog } from './catalog/event-catalog.js';
import type { Config } from './config.js';
import { OrderStore } from './orders/order.store.js';
import { SeatStore } from './seats/seat.store.js';

/** Prefix of every key this project writes, so it can share a Redis. */
export const KEY_PREFIX = 'bx:';

/** The commerce layer the dialogs, routes and jobs are given: catalog, seats, orders. */
export interface Commerce {
  catalog: EventCatalog;
  seats: SeatStore;
  orders: OrderStore;
}

export function createCommerce(
  redis: Redis,
  catalog: EventCatalog,
  config: Pick<Config, 'limits'> & Partial<Pick<Config, 'reconcile'>>,
  prefix = KEY_PREFIX,
): Commerce {
  return {
    catalog,
    seats: new SeatStore(redis, catalog, {
      prefix,
      maxPartySize: config.limits.maxPartySize,
      maxOpenHoldsPerCustomer: config.limits.maxOpenHoldsPerCustomer,
    }),
    orders: new OrderStore(redis, {
      prefix,
      reconcileAfterMs: config.reconcile ? config.reconcile.afterMinutes * 60_000 : undefined,
    }),
  };
}
