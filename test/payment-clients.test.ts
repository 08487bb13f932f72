// The real stripe and twilio SDKs, built by our factories, talking to the
// local recording servers: proves the apiUrl redirection works and that the
// servers speak the wire formats (form bodies in, Stripe/Twilio JSON and
// errors out) that the rest of the test suite relies on.
import Stripe from 'stripe';
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rebase, createTwilioClient } from '../src/channels/sms/twilio.client.js';
import { createStripeClient } from '../src/payments/stripe.client.js';
import { startStripeApiServer, type StripeApiServer } from './support/stripe-api.server.js';
import { startTwilioApiServer, type TwilioApiServer } from './support/twilio-api.server.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

function ticketSession(orderId = 'BX-7K2Q'): Stripe.Checkout.SessionCreateParams {
  return {
    mode: 'payment',
    client_reference_id: orderId,
    metadata: { orderId, kind: 'tickets' },
    expires_at: nowSeconds() + 31 * 60,
    success_url: 'https://box.example/paid',
    cancel_url: 'https://box.example/cancelled',
    line_items: [
      {
        quantity: 2,
        price_data: { currency: 'usd', unit_amount: 20000, product_data: { name: 'Lakers vs Warriors, Section 101' } },
      },
    ],
  };
}

describe('Stripe SDK against the local Stripe API server', () => {
  let server: StripeApiServer;
  let stripe: Stripe;

  beforeAll(async () => {
    server = await startStripeApiServer();
    stripe = createStripeClient({ secretKey: 'sk_test_box_office', apiUrl: server.url });
  });
  afterEach(() => {
    server.requests.length = 0;
  });
  afterAll(() => server.close());

  it('creates a checkout session with the form fields and idempotency key we sent', async () => {
    const session = await stripe.checkout.sessions.create(ticketSession(), { idempotencyKey: 'checkout:BX-7K2Q:1' });

    expect(session).toMatchObject({
      object: 'checkout.session',
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: 'BX-7K2Q',
      metadata: { orderId: 'BX-7K2Q', kind: 'tickets' },
      amount_total: 40000,
      currency: 'usd',
      mode: 'payment',
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toContain(session.id);
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/checkout/sessions', idempotencyKey: 'checkout:BX-7K2Q:1' });
    expect(request?.headers.authorization).toBe('Bearer sk_test_box_office');
    expect(request?.body).toMatchObject({
      client_reference_id: 'BX-7K2Q',
      metadata: { orderId: 'BX-7K2Q' },
      line_items: [{ quantity: '2', price_data: { currency: 'usd', unit_amount: '20000', product_data: { name: 'Lakers vs Warriors, Section 101' } } }],
    });
    expect(request?.rawBody).toContain('line_items[0][price_data][unit_amount]=20000');
  });

  it('answers a repeated idempotency key with the same session, and rejects it with other parameters', async () => {
    const params = ticketSession('BX-AAAA');
    const first = await stripe.checkout.sessions.create(params, { idempotencyKey: 'checkout:BX-AAAA:1' });
    const again = await stripe.checkout.sessions.create(params, { idempotencyKey: 'checkout:BX-AAAA:1' });
    expect(again.id).toBe(first.id);

    const changed = stripe.checkout.sessions.create(ticketSession('BX-BBBB'), { idempotencyKey: 'checkout:BX-AAAA:1' });
    await expect(changed).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('rejects an expires_at under 30 minutes, as Stripe does', async () => {
    const tooSoon = { ...ticketSession(), expires_at: nowSeconds() + 10 * 60 };
    await expect(stripe.checkout.sessions.create(tooSoon)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'expires_at' });
  });

  it('retrieves what the test set, and expires an open session once', async () => {
    const session = await stripe.checkout.sessions.create(ticketSession());
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('unpaid');

    server.markPaid(session.id);
    const paid = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(paid.payment_intent).toMatch(/^pi_/);
    expect(paid.line_items?.data[0]).toMatchObject({ quantity: 2, amount_total: 40000 });

    const other = await stripe.checkout.sessions.create(ticketSession('BX-CCCC'));
    expect(await stripe.checkout.sessions.expire(other.id)).toMatchObject({ status: 'expired', url: null });
    await expect(stripe.checkout.sessions.expire(other.id)).rejects.toThrow(/status in \["open"\] can be expired/);
    await expect(stripe.checkout.sessions.retrieve('cs_test_missing')).rejects.toMatchObject({ code: 'resource_missing', statusCode: 404 });
  });

  it('refunds a paid session, in full by default and never beyond what was paid', async () => {
    const session = await stripe.checkout.sessions.create(ticketSession());
    const paymentIntent = String(server.markPaid(session.id).payment_intent);

    const refund = await stripe.refunds.create({ payment_intent: paymentIntent, metadata: { orderId: 'BX-7K2Q' } }, { idempotencyKey: 'refund:BX-7K2Q' });
    expect(refund).toMatchObject({ object: 'refund', amount: 40000, currency: 'usd', status: 'succeeded', payment_intent: paymentIntent });
    expect((await stripe.refunds.retrieve(refund.id)).id).toBe(refund.id);
    await expect(stripe.refunds.create({ payment_intent: paymentIntent })).rejects.toMatchObject({ code: 'charge_already_refunded' });
  });

  it('surfaces an injected failure as a StripeError with its code', async () => {
    server.failNext(402, { type: 'card_error', code: 'card_declined', message: 'Your card was declined.' }, { path: '/v1/checkout/sessions' });
    const sessionsBefore = server.sessions.size;

    const error = await stripe.checkout.sessions.create(ticketSession()).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(Stripe.errors.StripeError);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ code: 'card_declined', statusCode: 402, message: 'Your card was declined.' });
    expect(server.sessions.size).toBe(sessionsBefore);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 with the same idempotency key when retries are on', async () => {
    const retrying = createStripeClient({ secretKey: 'sk_test_box_office', apiUrl: server.url, maxNetworkRetries: 1 });
    server.failNext(500, { type: 'api_error', message: 'Something went wrong on our end.' });

    const session = await retrying.checkout.sessions.create(ticketSession(), { idempotencyKey: 'checkout:BX-RTRY:1' });

    expect(session.id).toMatch(/^cs_test_/);
    expect(server.requests.map((r) => r.idempotencyKey)).toEqual(['checkout:BX-RTRY:1', 'checkout:BX-RTRY:1']);
  });

  it('refuses an apiUrl with a path, which the SDK cannot honour', () => {
    expect(() => createStripeClient({ secretKey: 'sk_test_x', apiUrl: 'http://127.0.0.1:4010/stripe' })).toThrow(/bare origin/);
  });
});

describe('Twilio SDK against the local Twilio API server', () => {
  const accountSid = `AC${'0123456789abcdef'.repeat(2)}`;
  const authToken = 'test-auth-token';
  let server: TwilioApiServer;
  let client: twilio.Twilio;

  beforeAll(async () => {
    server = await startTwilioApiServer();
    client = createTwilioClient({ accountSid, authToken, apiUrl: server.url });
  });
  afterEach(() => {
    server.requests.length = 0;
    server.clearFailures();
  });
  afterAll(() => server.close());

  it('sends a message with the fields we gave, authenticated as the account', async () => {
    const message = await client.messages.create({
      to: '+15551230001',
      from: '+15550001111',
      body: 'Your tickets: Section 101, row A, seats 7-8.',
      statusCallback: 'https://box.example/sms/status',
    });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({ status: 'queued', to: '+15551230001', from: '+15550001111', accountSid });
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
      auth: { username: accountSid, password: authToken },
      body: {
        To: '+15551230001',
        From: '+15550001111',
        Body: 'Your tickets: Section 101, row A, seats 7-8.',
        StatusCallback: 'https://box.example/sms/status',
      },
    });
  });

  it('sends through a Messaging Service when given one', async () => {
    const message = await client.messages.create({ to: '+15551230002', messagingServiceSid: 'MG0123', body: 'Hi' });
    expect(message).toMatchObject({ status: 'accepted', messagingServiceSid: 'MG0123', from: null });
  });

  it('answers an unsubscribed recipient with a RestException 21610', async () => {
    server.failFor('+15551230003', { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });

    const error = await client.messages.create({ to: '+15551230003', from: '+15550001111', body: 'Hi' }).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: 400, code: 21610, moreInfo: 'https://www.twilio.com/docs/errors/21610' });
    expect(server.messages.map((m) => m.to)).not.toContain('+15551230003');
  });

  it('answers a request without a sender the way Twilio does', async () => {
    const error = await client.messages.create({ to: '+15551230004', body: 'Hi' } as never).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 400, code: 21603 });
  });

  it('lists messages the way the SDK asks: To, From and DateSent> filters, newest first, across pages', async () => {
    const to = '+15551230005';
    for (const body of ['one', 'two', 'three']) await client.messages.create({ to, from: '+15550001111', body });
    await client.messages.create({ to, from: '+15550002222', body: 'other sender' });
    await client.messages.create({ to: '+15551230006', from: '+15550001111', body: 'other recipient' });
    const since = new Date(Date.now() - 60_000);

    const listed = await client.messages.list({ to, from: '+15550001111', dateSentAfter: since, pageSize: 2 });

    expect(listed.map((m) => m.body)).toEqual(['three', 'two', 'one']);
    expect(listed[0]).toMatchObject({ to, from: '+15550001111', direction: 'outbound-api', status: 'sent' });
    expect(listed[0]!.dateCreated).toBeInstanceOf(Date);
    const gets = server.requests.filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(2); // two pages of two
    expect(gets[0]!.query).toMatchObject({ To: to, From: '+15550001111', 'DateSent>': since.toISOString().replace(/\.\d{3}Z$/, 'Z'), PageSize: '2' });
    // Twilio reads DateSent> as a date: tomorrow finds nothing, however early in the day.
    const tomorrow = new Date(Date.now() + 24 * 3600_000);
    expect(await client.messages.list({ to, dateSentAfter: tomorrow, limit: 10 })).toEqual([]);
  });

  it('keeps the API path and query when rebasing onto another base URL', () => {
    const base = new URL('http://127.0.0.1:4020/twilio/');
    expect(rebase('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?PageSize=20', base)).toBe(
      'http://127.0.0.1:4020/twilio/2010-04-01/Accounts/AC1/Messages.json?PageSize=20',
    );
  });
});
