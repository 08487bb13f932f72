// Stripe webhook deliveries for tests, signed with the SDK's own helper
// (never by skipping verification), as Stripe would post them.
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

export interface DeliveredEvent {
  id: string;
  status: number;
}

/** Posts a signed event of `type` about `object` to `${baseUrl}/webhooks/stripe`. */
export async function postStripeEvent(baseUrl: string, secret: string, type: string, object: object): Promise<DeliveredEvent> {
  const id = `evt_test_${randomBytes(12).toString('hex')}`;
  const payload = JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-01-28.clover',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  const response = await fetch(`${baseUrl}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  await response.arrayBuffer();
  return { id, status: response.status };
}
