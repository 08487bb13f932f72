// Upgrade offers as staff and Stripe drive them, for the upgrade tests.
import { expect } from 'vitest';
import type { Order } from '../../src/orders/order.js';
import type { OfferView } from '../../src/upgrades/offer.view.js';
import { TEST_STAFF_TOKEN, type BoxOffice } from './box-office.harness.js';
import { jobEnd, staffOrder, type JobEnd } from './sms.client.js';
import { postStripeEvent, sessionEvent } from './stripe-events.js';

export interface StaffAnswer {
  status: number;
  body: { offer?: OfferView; offers?: OfferView[]; error?: string; message?: string };
}

async function staffCall(office: BoxOffice, method: string, path: string, body?: unknown, token: string | null = TEST_STAFF_TOKEN): Promise<StaffAnswer> {
  const response = await fetch(office.url + path, {
    method,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as StaffAnswer['body'] };
}

/** `POST /staff/orders/:id/upgrade-offers`; `token` null sends no Authorization header. */
export function offerUpgrade(office: BoxOffice, orderId: string, body: unknown, token: string | null = TEST_STAFF_TOKEN): Promise<StaffAnswer> {
  return staffCall(office, 'POST', `/staff/orders/${encodeURIComponent(orderId)}/upgrade-offers`, body, token);
}

/** `DELETE /staff/upgrade-offers/:id`. */
export function withdrawOffer(office: BoxOffice, offerId: string, token: string | null = TEST_STAFF_TOKEN): Promise<StaffAnswer> {
  return staffCall(office, 'DELETE', `/staff/upgrade-offers/${encodeURIComponent(offerId)}`, undefined, token);
}

/** The order with its upgrade offers, as `GET /staff/orders/:id` shows them. */
export async function orderWithOffers(office: BoxOffice, orderId: string): Promise<{ order: Order; upgradeOffers: OfferView[] }> {
  const response = await fetch(`${office.url}/staff/orders/${orderId}`, { headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as { order: Order; upgradeOffers: OfferView[] };
}

/** The customer pays the offer on Stripe's page; Stripe's signed event goes through the webhook and the worker. */
export async function payOffer(office: BoxOffice, offerId: string, eventId?: string): Promise<JobEnd> {
  const offer = await staffOrder(office, offerId);
  office.stripe!.markPaid(offer.stripeSessionId!);
  return deliverSessionEvent(office, offer, 'checkout.session.completed', eventId);
}

/** One signed Stripe event about the offer's session, processed to its end. */
export async function deliverSessionEvent(office: BoxOffice, offer: Order, type: string, eventId?: string): Promise<JobEnd> {
  const event = sessionEvent(office, type, offer.stripeSessionId!, eventId);
  expect((await postStripeEvent(office, event)).status).toBe(200);
  return jobEnd(office, 'payments', event.id);
}
