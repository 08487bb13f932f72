import { Router } from 'express';
import type { OrderStore } from '../orders/order.store.js';
import { parseOrderId } from '../orders/order-id.js';
import type { SeatStore } from '../seats/seat.store.js';
import { HttpError } from './errors.js';
import { requireStaffToken } from './staff-auth.js';

export interface StaffRouteDeps {
  staffApiToken: string | undefined;
  orders: OrderStore;
  seats: SeatStore;
}

/** The staff API under /staff, behind the bearer token. */
export function staffRoutes(deps: StaffRouteDeps): Router {
  const router = Router();
  router.use('/staff', requireStaffToken(deps.staffApiToken));

  router.get('/staff/orders/:id', async (req, res) => {
    const id = parseOrderId(req.params.id);
    const order = id ? await deps.orders.get(id) : undefined;
    if (!order) throw new HttpError(404, `No order ${JSON.stringify(req.params.id)}.`, 'unknown_order');
    res.json({ order });
  });

  router.get('/staff/events/:id/inventory', async (req, res) => {
    const inventory = await deps.seats.inventory(req.params.id);
    if (!inventory) throw new HttpError(404, `No event ${JSON.stringify(req.params.id)}.`, 'unknown_event');
    res.json(inventory);
  });

  return router;
}
