import express, { Router } from 'express';
import { z } from 'zod';
import type { OrderStore } from '../orders/order.store.js';
import { parseOrderId, parseRecordId } from '../orders/order-id.js';
import type { RefundRefusal } from '../orders/refund-steps.js';
import type { RefundRequestService } from '../orders/refund-request.service.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { StaffAttention } from '../orders/staff-attention.store.js';
import type { TicketResends } from '../orders/ticket-resend.service.js';
import type { AdmissionStore } from '../tickets/admission.store.js';
import type { OfferView } from '../upgrades/offer.view.js';
import { HttpError } from './errors.js';
import { requireStaffToken } from './staff-auth.js';
import { staffOrder } from './staff-order.view.js';

export interface StaffRouteDeps {
  staffApiToken: string | undefined;
  orders: OrderStore;
  seats: SeatStore;
  refunds: RefundRequestService;
  /** The upgrade offers made on an order, as staff see them. */
  offersOf(orderId: string): Promise<OfferView[]>;
  /** What staff are asked to look at. */
  attention: Pick<StaffAttention, 'list' | 'of'>;
  ticketResends: Pick<TicketResends, 'resend'>;
  /** Tickets let in at the door, counted per section in the inventory. */
  admissions: Pick<AdmissionStore, 'admittedBySection'>;
}

/** POST /staff/orders/:id/refund body: no `tickets` refunds every ticket still valid. */
const refundBodySchema = z.strictObject({
  tickets: z.number().int().min(1).max(1000).optional(),
  reason: z.string().trim().min(1).max(200).optional(),
});

/** The HTTP status of each refusal: 404 no such order, 400 a bad count, 502 Stripe unreachable, else 409 (the order's or the payment's state). */
const REFUSAL_STATUS: Record<RefundRefusal, number> = {
  unknown_order: 404,
  bad_ticket_count: 400,
  not_paid: 409,
  already_refunded: 409,
  fulfilment_pending: 409,
  too_many_tickets: 409,
  refund_in_progress: 409,
  upgrade_pending: 409,
  no_payment: 409,
  rejected: 409,
  stripe_unavailable: 502,
};

/** The staff API under /staff, behind the bearer token. */
export function staffRoutes(deps: StaffRouteDeps): Router {
  const router = Router();
  router.use('/staff', requireStaffToken(deps.staffApiToken));

  router.get('/staff/orders/:id', async (req, res) => {
    // An upgrade offer (UP-…) is looked up the same way: it is a record of its own.
    const id = parseRecordId(req.params.id);
    const view = id ? await staffOrder(deps, id) : undefined;
    if (!view) throw new HttpError(404, `No order ${JSON.stringify(req.params.id)}.`, 'unknown_order');
    res.json(view);
  });

  /** Every open request for staff, oldest first: undelivered tickets, refused payments, refunds to make by hand. */
  router.get('/staff/attention', async (_req, res) => {
    res.json({ flags: await deps.attention.list() });
  });

  /**
   * Sends the order's tickets again, on the customer's channel: 202 once
   * queued (a flag for them clears when it is delivered), 409 for an order
   * with no tickets (not paid, or refunded).
   */
  router.post('/staff/orders/:id/resend-tickets', async (req, res) => {
    const id = parseOrderId(req.params.id);
    const result = id ? await deps.ticketResends.resend(id, 'staff') : { ok: false as const, reason: 'unknown_order' as const };
    if (!result.ok) {
      if (result.reason === 'unknown_order') throw new HttpError(404, `No order ${JSON.stringify(req.params.id)}.`, 'unknown_order');
      throw new HttpError(409, `Order ${id} has no tickets to send.`, 'no_tickets');
    }
    res.status(202).json({ order: id, resend: result.resend, queued: true });
  });

  /**
   * Refunds the whole order, or `tickets` of it. Answers 202 with the refund
   * `requested`: seats and tickets change when Stripe confirms it through the
   * webhook. The same request again (while it waits, or after a timeout) is
   * the same refund with the same Stripe idempotency key.
   */
  router.post('/staff/orders/:id/refund', express.json({ limit: '2kb' }), async (req, res) => {
    // A body that is not JSON must not read as "no tickets given", which means refund everything.
    if (req.body === undefined && hasBody(req.headers)) throw new HttpError(415, 'Send the body as application/json.', 'unsupported_media_type');
    const body = refundBodySchema.safeParse(req.body ?? {});
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new HttpError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`, 'bad_request');
    }
    const id = parseOrderId(req.params.id);
    if (!id) throw new HttpError(404, `No order ${JSON.stringify(req.params.id)}.`, 'unknown_order');
    const result = await deps.refunds.request({ orderId: id, tickets: body.data.tickets, reason: body.data.reason, by: 'staff' });
    if (!result.ok) {
      res.status(REFUSAL_STATUS[result.reason]).json({
        error: result.reason === 'rejected' ? 'refund_rejected' : result.reason,
        message: result.message,
        ...(result.refund ? { refund: result.refund } : {}),
        ...(result.stripeCode ? { stripe: { code: result.stripeCode } } : {}),
      });
      return;
    }
    res.status(202).json({ refund: result.refund, replay: result.replay, order: result.order, upgradePayBacks: result.upgradePayBacks });
  });

  router.get('/staff/events/:id/inventory', async (req, res) => {
    const inventory = await deps.seats.inventory(req.params.id);
    if (!inventory) throw new HttpError(404, `No event ${JSON.stringify(req.params.id)}.`, 'unknown_event');
    const admitted = await deps.admissions.admittedBySection(inventory.event, inventory.sections.map((section) => section.id));
    res.json({ ...inventory, sections: inventory.sections.map((section) => ({ ...section, admitted: admitted.get(section.id) ?? 0 })) });
  });

  return router;
}

function hasBody(headers: { 'transfer-encoding'?: string; 'content-length'?: string }): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}
