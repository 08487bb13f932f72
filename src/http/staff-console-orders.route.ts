import express, { Router } from 'express';
import { z } from 'zod';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { parseRecordId } from '../orders/order-id.js';
import type { OrderStore } from '../orders/order.store.js';
import { planRefund } from '../orders/refund.js';
import type { RefundRequestService } from '../orders/refund-request.service.js';
import { sameOriginChanges } from './staff-auth.js';
import { confirmRefundPage, orderPage, ORDERS_PATH, searchPage } from './staff-console-orders.page.js';
import { findOrders } from './staff-order-search.js';
import { staffOrder, type StaffOrderDeps } from './staff-order.view.js';
import { escapeHtml, page } from './html.js';
import { requireStaffSession, type StaffSessions } from './staff-sessions.js';

export interface StaffConsoleOrderDeps extends StaffOrderDeps {
  sessions: StaffSessions;
  catalog: EventCatalog;
  orders: Pick<OrderStore, 'get' | 'listByEvent'>;
  refunds: Pick<RefundRequestService, 'list' | 'request'>;
}

const refundFormSchema = z.object({
  tickets: z.coerce.number().int().min(1).max(1000),
  reason: z.string().trim().max(200).optional(),
  confirm: z.literal('yes').optional(),
});

/**
 * The console's orders, behind its session: find an order, see all of it, refund it. A refund takes two
 * steps, the form and a confirmation, and goes through the same
 * RefundRequestService as the staff API and the customer's own "cancel".
 */
export function staffConsoleOrderRoutes(deps: StaffConsoleOrderDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb' });
  router.use(ORDERS_PATH, requireStaffSession(deps.sessions));

  router.get(ORDERS_PATH, async (req, res) => {
    const query = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const found = query ? await findOrders(deps, query) : undefined;
    // One match: straight to it, as staff looking up an order id expect.
    if (found?.length === 1 && parseRecordId(query.trim()) !== undefined) {
      res.redirect(303, `${ORDERS_PATH}/${found[0]!.id}`);
      return;
    }
    res.set('Cache-Control', 'no-store').send(searchPage(query, found, deps.catalog));
  });

  router.get(`${ORDERS_PATH}/:id`, async (req, res) => {
    const id = parseRecordId(String(req.params.id));
    const view = id ? await staffOrder(deps, id) : undefined;
    if (!view) {
      res.status(404).send(searchPage(String(req.params.id), [], deps.catalog));
      return;
    }
    const notice = req.query.refund === 'asked' ? 'Refund asked of Stripe: the tickets are void and the seats back on sale once Stripe confirms it.' : undefined;
    res.set('Cache-Control', 'no-store').send(orderPage(view, deps.catalog, notice));
  });

  router.post(`${ORDERS_PATH}/:id/refund`, sameOriginChanges, form, async (req, res) => {
    const id = parseRecordId(String(req.params.id));
    const order = id ? await deps.orders.get(id) : undefined;
    const parsed = refundFormSchema.safeParse(req.body ?? {});
    if (!order || !parsed.success) {
      res.status(order ? 400 : 404).send(page('Refund not made', `<h1>Refund not made</h1><p>${order ? 'Choose how many tickets to refund.' : 'No such order.'}</p><p><a href="${ORDERS_PATH}">Find an order</a></p>`));
      return;
    }
    const { tickets, reason = '', confirm } = parsed.data;
    if (confirm !== 'yes') {
      const plan = planRefund(order, tickets);
      res.set('Cache-Control', 'no-store').send(confirmRefundPage(order, tickets, plan.ok ? plan.plan.amount : 0, reason));
      return;
    }
    const result = await deps.refunds.request({ orderId: order.id, tickets, ...(reason ? { reason } : {}), by: 'staff' });
    if (!result.ok) {
      res.status(409).send(page('Refund not made', `<h1>Refund not made</h1><p>${escapeHtml(result.message)}</p><p><a href="${ORDERS_PATH}/${escapeHtml(order.id)}">Back to ${escapeHtml(order.id)}</a></p>`));
      return;
    }
    res.redirect(303, `${ORDERS_PATH}/${order.id}?refund=asked`);
  });

  return router;
}
