import express, { Router } from 'express';
import { z } from 'zod';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { parseOfferId, parseOrderId } from '../orders/order-id.js';
import type { OrderStore } from '../orders/order.store.js';
import { offerView } from '../upgrades/offer.view.js';
import type { OfferRefusal, UpgradeService } from '../upgrades/upgrade.service.js';
import { HttpError } from './errors.js';
import { requireStaffToken } from './staff-auth.js';

export interface StaffUpgradeRouteDeps {
  staffApiToken: string | undefined;
  catalog: EventCatalog;
  orders: OrderStore;
  upgrades: UpgradeService;
}

/**
 * POST /staff/orders/:id/upgrade-offers body. `unitAmount` (the price
 * difference per ticket, minor units) overrides the catalog's difference;
 * `discountPercent` takes a share off it; not both.
 */
const offerBodySchema = z
  .strictObject({
    section: z.string().trim().min(1).max(100),
    unitAmount: z.number().int().min(1).max(100_000_000).optional(),
    discountPercent: z.number().min(0).max(99).optional(),
    /** Stripe Checkout takes payment for 30 minutes to 24 hours, and the session gets 2 minutes' margin on top (held-checkout.ts). */
    expiresInMinutes: z.number().int().min(30).max(1430).optional(),
  })
  .refine((body) => body.unitAmount === undefined || body.discountPercent === undefined, {
    message: 'give unitAmount or discountPercent, not both',
  });

/** 404 no such order, 400 what was asked makes no sense, 502 Stripe unreachable, else 409 (the order's or the seats' state). */
const REFUSAL_STATUS: Record<OfferRefusal, number> = {
  unknown_order: 404,
  unknown_section: 400,
  bad_price: 400,
  not_better: 409,
  order_not_paid: 409,
  order_has_refunds: 409,
  tickets_given_away: 409,
  event_started: 409,
  offer_open: 409,
  not_enough_seats: 409,
  checkout_failed: 502,
};

/** Staff offer a ticket holder better seats, see the offers, withdraw one. Behind the staff token. */
export function staffUpgradeRoutes(deps: StaffUpgradeRouteDeps): Router {
  const router = Router();
  router.use('/staff', requireStaffToken(deps.staffApiToken));
  const view = (offer: Parameters<typeof offerView>[0]) => offerView(offer, deps.catalog, (record) => deps.upgrades.payLink(record));

  router.post('/staff/orders/:id/upgrade-offers', express.json({ limit: '2kb' }), async (req, res) => {
    if (req.body === undefined) throw new HttpError(415, 'Send the body as application/json.', 'unsupported_media_type');
    const body = offerBodySchema.safeParse(req.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      throw new HttpError(400, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`, 'bad_request');
    }
    const orderId = parseOrderId(req.params.id);
    const order = orderId ? await deps.orders.get(orderId) : undefined;
    if (!order) throw new HttpError(404, `No order ${JSON.stringify(req.params.id)}.`, 'unknown_order');
    const section = deps.upgrades.sectionNamed(order.eventId, body.data.section);
    if (!section) throw new HttpError(400, `The event of order ${order.id} has no section ${JSON.stringify(body.data.section)}.`, 'unknown_section');
    const result = await deps.upgrades.offer({
      orderId: order.id,
      sectionId: section.id,
      unitAmount: body.data.unitAmount,
      discountPercent: body.data.discountPercent,
      holdMinutes: body.data.expiresInMinutes,
      by: 'staff',
    });
    if (!result.ok) {
      res.status(REFUSAL_STATUS[result.reason]).json({
        error: result.reason,
        message: result.message,
        ...(result.openOffer ? { offer: view(result.openOffer) } : {}),
      });
      return;
    }
    res.status(201).json({ offer: view(result.offer) });
  });

  router.get('/staff/orders/:id/upgrade-offers', async (req, res) => {
    const orderId = parseOrderId(req.params.id);
    const order = orderId ? await deps.orders.get(orderId) : undefined;
    if (!order) throw new HttpError(404, `No order ${JSON.stringify(req.params.id)}.`, 'unknown_order');
    res.json({ offers: (await deps.orders.offersOf(order.id)).map(view) });
  });

  /** Withdraws an open offer: its Checkout Session is expired first, then its seats released. */
  router.delete('/staff/upgrade-offers/:id', async (req, res) => {
    const offerId = parseOfferId(req.params.id);
    const result = offerId ? await deps.upgrades.withdraw(offerId, 'staff:withdrawn').catch(stripeDown) : 'unknown_order';
    const offer = offerId ? await deps.orders.get(offerId) : undefined;
    switch (result) {
      case 'cancelled':
        res.json({ offer: view(offer!) });
        return;
      case 'already_paid':
        throw new HttpError(409, `Offer ${offerId} is paid: the seats are being swapped and it can no longer be withdrawn.`, 'offer_paid');
      case 'already_ended':
        res.status(409).json({ error: 'offer_ended', message: `Offer ${offerId} has already ended (${offer?.state}).`, offer: offer && view(offer) });
        return;
      default:
        throw new HttpError(404, `No upgrade offer ${JSON.stringify(req.params.id)}.`, 'unknown_offer');
    }
  });

  return router;
}

function stripeDown(err: unknown): never {
  throw new HttpError(502, 'Stripe could not be reached, so the offer was left as it is; try again.', 'stripe_unavailable', { cause: err });
}
