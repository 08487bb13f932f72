import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { formatPrice } from '../catalog/describe.js';
import { parseOfferId, parseOrderId, parseRecordId } from '../orders/order-id.js';
import type { TicketResends } from '../orders/ticket-resend.service.js';
import type { UpgradeService } from '../upgrades/upgrade.service.js';
import type { OrderStore } from '../orders/order.store.js';
import { planRefund } from '../orders/refund.js';
import type { RefundRequestService } from '../orders/refund-request.service.js';
import { sameOriginChanges } from './staff-auth.js';
import { confirmPage, OFFERS_PATH, orderPage, ORDERS_PATH, refundExplanation, searchPage } from './staff-console-orders.page.js';
import { findOrders } from './staff-order-search.js';
import { staffOrder, type StaffOrderDeps } from './staff-order.view.js';
import { escapeHtml, page } from './html.js';
import { requireStaffSession, type StaffSessions } from './staff-sessions.js';

export interface StaffConsoleOrderDeps extends StaffOrderDeps {
  sessions: StaffSessions;
  catalog: EventCatalog;
  orders: Pick<OrderStore, 'get' | 'listByEvent'>;
  refunds: Pick<RefundRequestService, 'list' | 'request'>;
  upgrades: Pick<UpgradeService, 'offer' | 'withdraw'>;
  ticketResends: Pick<TicketResends, 'resend'>;
}

/** The order page again, saying what was just done. */
const NOTICES = {
  refund: 'Refund asked of Stripe: the tickets are void and the seats back on sale once Stripe confirms it.',
  offer: 'Upgrade offered: the customer has been sent it with its pay link.',
  withdrawn: 'Offer withdrawn: its seats are released, and the customer told.',
  resent: 'The tickets are on their way to the customer again.',
} as const;

const upgradeFormSchema = z.object({
  section: z.string().trim().min(1).max(100),
  /** In the currency's major units, as staff type it ("150" or "150.00"). */
  price: z.union([z.literal(''), z.string().regex(/^\d{1,7}(?:\.\d{1,2})?$/)]).optional(),
  discountPercent: z.union([z.literal(''), z.coerce.number().int().min(0).max(99)]).optional(),
  expiresInMinutes: z.union([z.literal(''), z.coerce.number().int().min(30).max(1430)]).optional(),
  confirm: z.literal('yes').optional(),
});

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
    const done = typeof req.query.done === 'string' && req.query.done in NOTICES ? (req.query.done as keyof typeof NOTICES) : undefined;
    const notice = done ? NOTICES[done] : undefined;
    // The orders its tickets were given to, found by their transferredFrom (only for an order that gave some).
    const givenTo = view.order.transferredTickets.length > 0 ? (await deps.orders.listByEvent(view.order.eventId)).filter((other) => other.transferredFrom === view.order.id).map((other) => other.id) : [];
    res.set('Cache-Control', 'no-store').send(orderPage(view, deps.catalog, notice, givenTo));
  });

  router.post(`${ORDERS_PATH}/:id/refund`, sameOriginChanges, form, async (req, res) => {
    const id = parseRecordId(String(req.params.id));
    const order = id ? await deps.orders.get(id) : undefined;
    const parsed = refundFormSchema.safeParse(req.body ?? {});
    if (!order || !parsed.success) return notMade(res, order ? 'Choose how many tickets to refund.' : 'No such order.', order?.id, order ? 400 : 404);
    const { tickets, reason = '', confirm } = parsed.data;
    if (confirm !== 'yes') {
      const plan = planRefund(order, tickets);
      const all = plan.ok && tickets === plan.plan.tickets.length && plan.plan.final;
      const question = `Refund ${all ? 'all of' : `${tickets} ticket${tickets === 1 ? '' : 's'} of`} ${order.id}?`;
      res.set('Cache-Control', 'no-store').send(confirmPage(order, question, refundExplanation(order, tickets, plan.ok ? plan.plan.amount : 0), `${ORDERS_PATH}/${order.id}/refund`, { tickets: String(tickets), reason }, `Refund ${all ? 'all' : tickets} now`));
      return;
    }
    const result = await deps.refunds.request({ orderId: order.id, tickets, ...(reason ? { reason } : {}), by: 'staff' });
    if (!result.ok) return notMade(res, result.message, order.id);
    res.redirect(303, `${ORDERS_PATH}/${order.id}?done=refund`);
  });

  router.post(`${ORDERS_PATH}/:id/upgrade`, sameOriginChanges, form, async (req, res) => {
    const id = parseRecordId(String(req.params.id));
    const order = id ? await deps.orders.get(id) : undefined;
    const parsed = upgradeFormSchema.safeParse(req.body ?? {});
    const section = order && parsed.success ? deps.catalog.section(order.eventId, parsed.data.section) : undefined;
    if (!order || !parsed.success || !section) return notMade(res, order ? 'Choose a section, a discount of 0 to 99 percent and 30 to 1430 minutes, or leave those empty.' : 'No such order.', order?.id, order ? 400 : 404);
    const discountPercent = typeof parsed.data.discountPercent === 'number' ? parsed.data.discountPercent : undefined;
    const holdMinutes = typeof parsed.data.expiresInMinutes === 'number' ? parsed.data.expiresInMinutes : undefined;
    const unitAmount = parsed.data.price ? Math.round(Number(parsed.data.price) * 100) : undefined;
    if (unitAmount !== undefined && discountPercent !== undefined) return notMade(res, 'Give a price or a discount, not both.', order.id, 400);
    if (parsed.data.confirm !== 'yes') {
      const fields = { section: section.id, price: parsed.data.price ?? '', discountPercent: discountPercent === undefined ? '' : String(discountPercent), expiresInMinutes: holdMinutes === undefined ? '' : String(holdMinutes) };
      const price = unitAmount !== undefined ? `${formatPrice(unitAmount, order.currency)} more a ticket` : discountPercent ? `${discountPercent}% off the catalog difference` : 'the catalog difference';
      const terms = `${price}${holdMinutes ? `, open ${holdMinutes} minutes` : ''}`;
      res.set('Cache-Control', 'no-store').send(confirmPage(order, `Offer ${order.id} ${section.name}?`, `The same number of seats together in ${section.name} are held for the customer, and they are sent the offer with a pay link (${terms}). Their seats stay as they are unless they pay.`, `${ORDERS_PATH}/${order.id}/upgrade`, fields, 'Send the offer'));
      return;
    }
    const result = await deps.upgrades.offer({ orderId: order.id, sectionId: section.id, unitAmount, discountPercent, holdMinutes, by: 'staff' });
    if (!result.ok) return notMade(res, result.message, order.id, 409);
    res.redirect(303, `${ORDERS_PATH}/${order.id}?done=offer`);
  });

  router.post(`${OFFERS_PATH}/:id/withdraw`, sameOriginChanges, form, async (req, res) => {
    const id = parseOfferId(String(req.params.id));
    const offer = id ? await deps.orders.get(id) : undefined;
    if (!offer?.upgradeOf) return notMade(res, 'No such upgrade offer.', undefined, 404);
    if ((req.body as { confirm?: string } | undefined)?.confirm !== 'yes') {
      res.set('Cache-Control', 'no-store').send(confirmPage(offer, `Withdraw ${offer.id}?`, `Its payment page is closed first, then its held seats released, and the customer told. Order ${offer.upgradeOf} keeps its seats.`, `${OFFERS_PATH}/${offer.id}/withdraw`, {}, 'Withdraw the offer'));
      return;
    }
    const outcome = await deps.upgrades.withdraw(offer.id, 'staff:withdrawn').catch(() => 'unavailable' as const);
    if (outcome !== 'cancelled') {
      const why = outcome === 'already_paid' ? 'It is paid: the seats are being swapped.' : outcome === 'unavailable' ? 'Stripe could not be reached, so nothing changed; try again.' : 'It had already ended.';
      return notMade(res, `Offer ${offer.id} was not withdrawn. ${why}`, offer.upgradeOf, 409);
    }
    res.redirect(303, `${ORDERS_PATH}/${offer.upgradeOf}?done=withdrawn`);
  });

  router.post(`${ORDERS_PATH}/:id/resend`, sameOriginChanges, form, async (req, res) => {
    const id = parseOrderId(String(req.params.id));
    const order = id ? await deps.orders.get(id) : undefined;
    if (!order) return notMade(res, 'No such order.', undefined, 404);
    if ((req.body as { confirm?: string } | undefined)?.confirm !== 'yes') {
      res.set('Cache-Control', 'no-store').send(confirmPage(order, `Send ${order.id}'s tickets again?`, 'The tickets message goes again to the customer on their channel, as it went the first time.', `${ORDERS_PATH}/${order.id}/resend`, {}, 'Send them again'));
      return;
    }
    const result = await deps.ticketResends.resend(order.id, 'staff');
    if (!result.ok) return notMade(res, `Order ${order.id} has no tickets to send.`, order.id, 409);
    res.redirect(303, `${ORDERS_PATH}/${order.id}?done=resent`);
  });

  return router;
}

/** Nothing was changed, and why: back to the order (or the search). */
function notMade(res: Response, why: string, orderId: string | undefined, status = 409): void {
  const back = orderId ? `<a href="${ORDERS_PATH}/${escapeHtml(orderId)}">Back to ${escapeHtml(orderId)}</a>` : `<a href="${ORDERS_PATH}">Find an order</a>`;
  res.status(status).send(page('Not done', `<h1>Not done</h1><p role="alert">${escapeHtml(why)}</p><p>${back}</p>`));
}
