import { randomBytes } from 'node:crypto';

/** The API version our events claim; the receiver reads only id, type and data.object. */
const API_VERSION = '2026-01-28.clover';

/** A Stripe-shaped event, for the events this project itself emits (the demo checkout). */
export interface StripeEventShape {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  type: string;
  data: { object: object };
}

/** Wraps `object` in an event of `type`, as Stripe would deliver it to a webhook. */
export function stripeEventFor(type: string, object: object, id = `evt_demo_${randomBytes(12).toString('hex')}`): StripeEventShape {
  return {
    id,
    object: 'event',
    api_version: API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}
