// Both checkout gateways say "no such session / refund" the same way, with
// CheckoutNotFoundError, so the worker can end a job for good instead of
// retrying it (see payment-event.job.ts). The Stripe gateway runs on the real
// SDK against the local Stripe-compatible server, which answers unknown ids
// with Stripe's 404 `resource_missing`; the demo gateway on the test Redis.
import type { RedisClient } from '../src/redis/redis.client.js';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckoutNotFoundError, type CheckoutGateway, type CheckoutRequest } from '../src/checkout/checkout.gateway.js';
import { DemoCheckoutGateway } from '../src/payments/demo-checkout.gateway.js';
import { StripeCheckoutGateway } from '../src/payments/stripe-checkout.gateway.js';
import { createStripeClient } from '../src/payments/stripe.client.js';
import { testRedis, uniquePrefix } from './support/redis.js';
import { startStripeApiServer, type StripeApiServer, type StripeErrorBody } from './support/stripe-api.server.js';

type GatewayName = 'stripe' | 'demo';
type Lookup = 'retrieve' | 'expire' | 'retrieveRefund';

/** Well formed for the demo checkout, but never issued. */
const NEVER_ISSUED_DEMO_SESSION = `cs_demo_${'0'.repeat(24)}`;
const NEVER_ISSUED_DEMO_REFUND = `re_demo_${'0'.repeat(24)}`;

function ticketCheckout(reference: string): CheckoutRequest {
  return {
    reference,
    kind: 'tickets',
    currency: 'usd',
    lineItems: [{ name: 'Lakers vs Warriors, Section 101', unitAmount: 20_000, quantity: 2 }],
    expiresAt: Math.floor(Date.now() / 1000) + 31 * 60,
    successUrl: 'https://box.example/paid',
    cancelUrl: 'https://box.example/cancelled',
    idempotencyKey: `checkout:${reference}:1`,
  };
}

describe('an id the checkout provider does not know', () => {
  let server: StripeApiServer;
  let stripe: Stripe;
  let redis: RedisClient;
  const gateways = {} as Record<GatewayName, CheckoutGateway>;

  beforeAll(async () => {
    server = await startStripeApiServer();
    stripe = createStripeClient({ secretKey: 'sk_test_box_office', apiUrl: server.url });
    redis = testRedis();
    gateways.stripe = new StripeCheckoutGateway(stripe);
    gateways.demo = new DemoCheckoutGateway(redis, { prefix: uniquePrefix(), publicBaseUrl: 'https://box.example' });
  });
  afterAll(async () => {
    await server.close();
    await redis.quit();
  });

  it.each<[string, () => Promise<unknown>]>([
    ['GET /v1/checkout/sessions/cs_test_missing', () => stripe.checkout.sessions.retrieve('cs_test_missing')],
    ['POST /v1/checkout/sessions/cs_test_missing/expire', () => stripe.checkout.sessions.expire('cs_test_missing')],
    ['GET /v1/refunds/re_missing', () => stripe.refunds.retrieve('re_missing')],
  ])('is answered by the local Stripe server as Stripe does: %s is a 404 resource_missing', async (_request, call) => {
    await expect(call()).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing' });
  });

  it.each<[GatewayName, Lookup, string]>([
    ['stripe', 'retrieve', 'cs_test_missing'],
    ['stripe', 'expire', 'cs_test_missing'],
    ['stripe', 'retrieveRefund', 're_missing'],
    ['demo', 'retrieve', NEVER_ISSUED_DEMO_SESSION],
    ['demo', 'retrieve', 'cs_test_missing'],
    ['demo', 'expire', NEVER_ISSUED_DEMO_SESSION],
    ['demo', 'expire', 'cs_test_missing'],
    ['demo', 'retrieveRefund', NEVER_ISSUED_DEMO_REFUND],
    ['demo', 'retrieveRefund', 're_missing'],
  ])('makes the %s gateway %s throw CheckoutNotFoundError for %s', async (name, lookup, id) => {
    const error = await gateways[name][lookup](id).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(CheckoutNotFoundError);
    expect((error as Error).message).toContain(id);
  });

  it.each<[GatewayName, string]>([
    ['stripe', 'BX-STRP'],
    ['demo', 'BX-DEMO'],
  ])('is told apart from one the %s gateway made: that session is found and expired', async (name, reference) => {
    const gateway = gateways[name];
    const created = await gateway.create(ticketCheckout(reference));

    expect(await gateway.retrieve(created.id)).toMatchObject({ id: created.id, reference, status: 'open' });
    expect(await gateway.expire(created.id)).toMatchObject({ id: created.id, status: 'expired' });
  });

  it.each<[string, number, StripeErrorBody, new (...args: never[]) => Error]>([
    ['Stripe failing', 500, { type: 'api_error', message: 'Something went wrong on our end.' }, Stripe.errors.StripeAPIError],
    ['Stripe rate limiting', 429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly.' }, Stripe.errors.StripeRateLimitError],
    ['a request Stripe refuses for another reason', 400, { type: 'invalid_request_error', param: 'expand', message: 'This property cannot be expanded (foo).' }, Stripe.errors.StripeInvalidRequestError],
  ])('is told apart from %s: the Stripe error comes through as it is', async (_what, status, body, sdkError) => {
    server.failNext(status, body, { method: 'GET', path: /^\/v1\/checkout\/sessions\// });

    const error = await gateways.stripe.retrieve('cs_test_missing').catch((err: unknown) => err);

    expect(error).toBeInstanceOf(sdkError);
    expect(error).not.toBeInstanceOf(CheckoutNotFoundError);
  });
});
