import { Router, type Request } from 'express';
import { z } from 'zod';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { maskPhone } from '../logger.js';
import { orderKindSchema, orderStateSchema, type Order } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import { summarizeSales } from '../orders/sales-summary.js';
import type { SeatStore } from '../seats/seat.store.js';
import { HttpError } from './errors.js';
import { requireStaffToken } from './staff-auth.js';
import { staffEvents } from './staff-events.view.js';
import type { AdmissionStore } from '../tickets/admission.store.js';

export interface StaffReportDeps {
  staffApiToken: string | undefined;
  catalog: EventCatalog;
  orders: OrderStore;
  seats: SeatStore;
  admissions: Pick<AdmissionStore, 'admittedBySection'>;
}

/** Orders on one page of GET /staff/orders. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

const listQuerySchema = z.object({
  event: z.string({ message: 'is required' }).min(1, 'is required'),
  state: orderStateSchema.optional(),
  kind: orderKindSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  /** The `nextCursor` of the page before. */
  cursor: z.string().min(1).optional(),
});

/** Staff reports, behind the staff bearer token: orders of an event, and its sales. */
export function staffReportRoutes(deps: StaffReportDeps): Router {
  const router = Router();
  const staff = requireStaffToken(deps.staffApiToken);

  /**
   * `GET /staff/orders?event=<id>[&state=<state>][&kind=tickets|upgrade][&limit=50][&cursor=<nextCursor>]`:
   * the event's orders, newest first, a page at a time. The cursor is the
   * last order of the page before, so orders made meanwhile (which come
   * first) do not shift the pages after it.
   */
  router.get('/staff/orders', staff, async (req, res) => {
    const parsed = listQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`, 'bad_request');
    }
    const query = parsed.data;
    if (!deps.catalog.event(query.event)) throw new HttpError(400, `event: no event ${JSON.stringify(query.event)}.`, 'unknown_event');
    // The store reads the whole event index; fine for a staff report at box office scale.
    const orders = await deps.orders.listByEvent(query.event, { state: query.state, kind: query.kind });
    const start = query.cursor === undefined ? 0 : orders.findIndex((order) => order.id === query.cursor) + 1;
    if (start === 0 && query.cursor !== undefined) throw new HttpError(400, 'cursor: not an order of this listing.', 'bad_request');
    const page = orders.slice(start, start + query.limit);
    const more = start + page.length < orders.length;
    res.json({ event: query.event, orders: page.map(listed), nextCursor: more ? page.at(-1)!.id : null });
  });

  /**
   * `GET /staff/events`: every event of the catalog, soonest first, with its
   * id (what the other event routes take), when and where, and per section
   * what is free, held, sold and admitted: where a newcomer to the staff side starts.
   */
  router.get('/staff/events', staff, async (_req, res) => {
    res.json({ events: await staffEvents(deps) });
  });

  /** `GET /staff/events/:id/sales`: tickets sold, seats held, revenue and refunds, orders by state. */
  router.get('/staff/events/:id/sales', staff, async (req: Request<{ id: string }>, res) => {
    const event = deps.catalog.event(req.params.id);
    const inventory = event ? await deps.seats.inventory(event.id) : undefined;
    if (!event || !inventory) throw new HttpError(404, `No event ${JSON.stringify(req.params.id)}.`, 'unknown_event');
    const orders = await deps.orders.listByEvent(event.id);
    res.json(summarizeSales({ eventId: event.id, currency: event.currency, orders, inventory }));
  });

  return router;
}

/**
 * An order as a line of the listing: no timeline, and an SMS customer's
 * number masked, as a list is easily copied around; the full order is at
 * GET /staff/orders/:id.
 */
function listed(order: Order) {
  const { channel, address } = order.customer;
  return {
    id: order.id,
    kind: order.kind,
    ...(order.upgradeOf ? { upgradeOf: order.upgradeOf } : {}),
    state: order.state,
    customer: { channel, address: channel === 'sms' ? maskPhone(address) : address },
    sectionId: order.sectionId,
    quantity: order.quantity,
    seats: order.seats,
    amount: order.amount,
    refundedAmount: order.refundedAmount,
    currency: order.currency,
    tickets: order.tickets.length,
    refundedTickets: order.refundedTickets.length,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
