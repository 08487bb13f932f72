// GET /metrics as Prometheus reads it: valid text, and counters and gauges
// that move when customers, Stripe, Twilio and the worker do something.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotConnector, type BotConnectorServer } from './support/bot-connector.server.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { chatUser } from './support/chat-user.js';
import { counterValue, parseExposition, sampleValue, scrape, type Exposition } from './support/metrics.js';
import { buyAndPay } from './support/purchases.js';
import { inboundSmsParams, jobEnd, LAKERS, newPhone, payLinkIn, postTwilioForm, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, sessionEvent, stripeEvent } from './support/stripe-events.js';

let office: BoxOffice;
let connector: BotConnectorServer;

beforeAll(async () => {
  office = await startBoxOffice();
  connector = await startBotConnector();
});

afterAll(async () => {
  await office?.stop();
  await connector?.close();
});

/** How much each counter moved between two scrapes. */
function moved(before: Exposition, after: Exposition, name: string, labels: Record<string, string> = {}): number {
  return counterValue(after, name, labels) - counterValue(before, name, labels);
}

/** Scrapes until `check` holds: for counters the worker moves after the test has seen the outcome. */
async function scrapeUntil(check: (exposition: Exposition) => boolean, what: string): Promise<Exposition> {
  return eventually(async () => {
    const exposition = await scrape(office.url);
    return check(exposition) ? exposition : undefined;
  }, 10_000, what);
}

describe('GET /metrics', () => {
  it('answers Prometheus text that parses, every sample under a declared family', async () => {
    const response = await fetch(`${office.url}/metrics`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const exposition = parseExposition(await response.text());
    expect(exposition.samples.length).toBeGreaterThan(0);
    // A histogram's samples are its name plus _bucket, _sum and _count.
    const family = (name: string) => (exposition.types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''));
    for (const sample of exposition.samples) expect(exposition.types.has(family(sample.name)), `a TYPE line for ${sample.name}`).toBe(true);
    expect(exposition.types.get('box_office_turn_duration_seconds')).toBe('histogram');
    expect(exposition.types.get('box_office_seats_held')).toBe('gauge');
    expect(exposition.types.get('box_office_stripe_webhooks_total')).toBe('counter');
    // Process metrics come from this box office's own registry.
    expect(exposition.types.has('process_cpu_user_seconds_total')).toBe(true);
  });

  it('reports the depth of every queue by state', async () => {
    const exposition = await scrape(office.url);

    for (const queue of ['payment-events', 'notifications', 'sms-outbound', 'maintenance']) {
      expect(sampleValue(exposition, 'box_office_queue_jobs', { queue, state: 'wait' }), queue).toBeTypeOf('number');
      expect(sampleValue(exposition, 'box_office_queue_jobs', { queue, state: 'failed' }), queue).toBeTypeOf('number');
    }
  });
});

describe('a purchase, paid and fulfilled', () => {
  it('moves the message, turn, checkout, webhook, job, notification and seat metrics', async () => {
    const before = await scrape(office.url);
    const soldBefore = sampleValue(before, 'box_office_seats_sold', { event: LAKERS });
    expect(soldBefore).toBeTypeOf('number');

    const order = await buyAndPay(office, newPhone());

    // The ticket SMS has been sent (buyAndPay waited for it), so every job of the purchase has ended.
    const after = await scrapeUntil((e) => moved(before, e, 'box_office_jobs_total', { queue: 'sms-outbound', outcome: 'completed' }) >= 1, 'the SMS job counted');
    expect(moved(before, after, 'box_office_inbound_messages_total', { channel: 'sms' })).toBe(1);
    expect(moved(before, after, 'box_office_turns_total', { channel: 'sms', outcome: 'ok' })).toBe(1);
    expect(moved(before, after, 'box_office_turn_duration_seconds_count', { channel: 'sms' })).toBe(1);
    expect(moved(before, after, 'box_office_checkout_sessions_total', { kind: 'tickets', outcome: 'created' })).toBe(1);
    expect(moved(before, after, 'box_office_stripe_webhooks_total', { outcome: 'received' })).toBe(1);
    expect(moved(before, after, 'box_office_notifications_total', { channel: 'sms', outcome: 'sent' })).toBe(1);
    expect(moved(before, after, 'box_office_jobs_total', { queue: 'payment-events', outcome: 'completed' })).toBe(1);
    expect(moved(before, after, 'box_office_jobs_total', { queue: 'payment-events', outcome: 'failed' })).toBe(0);
    expect(sampleValue(after, 'box_office_seats_sold', { event: LAKERS })).toBe(soldBefore! + order.quantity);
    expect(sampleValue(after, 'box_office_queue_jobs', { queue: 'payment-events', state: 'completed' })).toBeGreaterThanOrEqual(1);
  });

  it('counts seats held while an order waits for payment, per event', async () => {
    const before = await scrape(office.url);
    const heldBefore = sampleValue(before, 'box_office_seats_held', { event: LAKERS })!;

    const reply = await textBoxOffice(office, newPhone(), '3 tickets lakers section 102');
    expect(payLinkIn(reply.messages.join('\n'))).toBeDefined();

    const after = await scrape(office.url);
    expect(sampleValue(after, 'box_office_seats_held', { event: LAKERS })).toBe(heldBefore + 3);
  });
});

describe('Stripe webhooks', () => {
  it('counts a forged signature as rejected, and nothing else', async () => {
    const before = await scrape(office.url);

    const delivery = await postStripeEvent(office, stripeEvent('customer.created', { id: 'cus_forged', object: 'customer' }), { signature: 't=1,v1=forged' });

    expect(delivery.status).toBe(400);
    const after = await scrape(office.url);
    expect(moved(before, after, 'box_office_stripe_webhooks_total', { outcome: 'rejected' })).toBe(1);
    expect(moved(before, after, 'box_office_stripe_webhooks_total', { outcome: 'received' })).toBe(0);
  });

  it('counts the second delivery of one event as a duplicate', async () => {
    const event = stripeEvent('customer.created', { id: 'cus_twice', object: 'customer' });
    const before = await scrape(office.url);

    expect((await postStripeEvent(office, event)).status).toBe(200);
    const once = await scrape(office.url);
    expect((await postStripeEvent(office, event)).status).toBe(200);
    const twice = await scrape(office.url);

    expect(moved(before, once, 'box_office_stripe_webhooks_total', { outcome: 'received' })).toBe(1);
    expect(moved(before, once, 'box_office_stripe_webhooks_total', { outcome: 'duplicate' })).toBe(0);
    expect(moved(once, twice, 'box_office_stripe_webhooks_total', { outcome: 'received' })).toBe(0);
    expect(moved(once, twice, 'box_office_stripe_webhooks_total', { outcome: 'duplicate' })).toBe(1);
  });

  it('counts a payment job that fails on Stripe and runs again as retried, then completed', async () => {
    const reply = await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');
    const { stripeSessionId } = await staffOrder(office, payLinkIn(reply.messages.join('\n'))!.orderId);
    office.stripe!.markPaid(stripeSessionId!);
    office.stripe!.failNext(500, { type: 'api_error', message: 'Stripe is having a moment' }, { method: 'GET', path: /^\/v1\/checkout\/sessions\// });
    const before = await scrape(office.url);

    const event = sessionEvent(office, 'checkout.session.completed', stripeSessionId!);
    expect((await postStripeEvent(office, event)).status).toBe(200);

    expect((await jobEnd(office, 'payments', event.id)).state).toBe('completed');
    const after = await scrapeUntil((e) => moved(before, e, 'box_office_jobs_total', { queue: 'payment-events', outcome: 'completed' }) >= 1, 'the completed job counted');
    expect(moved(before, after, 'box_office_jobs_total', { queue: 'payment-events', outcome: 'retried' })).toBe(1);
    expect(moved(before, after, 'box_office_jobs_total', { queue: 'payment-events', outcome: 'failed' })).toBe(0);
  });
});

describe('jobs that fail for good', () => {
  it('counts a notice for an order that does not exist as failed, not retried', async () => {
    const before = await scrape(office.url);
    const jobId = `tickets-BX-ZZZZ-${Date.now()}`;

    await office.foundation.queues.notifications.add('tickets', { orderId: 'BX-ZZZZ', notice: 'tickets' }, { jobId });

    expect((await jobEnd(office, 'notifications', jobId)).state).toBe('failed');
    const after = await scrapeUntil((e) => moved(before, e, 'box_office_jobs_total', { queue: 'notifications', outcome: 'failed' }) >= 1, 'the failed job counted');
    expect(moved(before, after, 'box_office_jobs_total', { queue: 'notifications', outcome: 'failed' })).toBe(1);
    expect(moved(before, after, 'box_office_jobs_total', { queue: 'notifications', outcome: 'retried' })).toBe(0);
  });
});

describe('chat', () => {
  it('counts a chat message as inbound and its turn, and opening the chat as a turn only', async () => {
    const chat = chatUser(office.url, connector);
    const before = await scrape(office.url);

    await chat.open();
    const opened = await scrape(office.url);
    expect((await chat.say('hi')).length).toBeGreaterThan(0);
    const after = await scrape(office.url);

    expect(moved(before, opened, 'box_office_turns_total', { channel: 'chat', outcome: 'ok' })).toBe(1);
    expect(moved(before, opened, 'box_office_inbound_messages_total', { channel: 'chat' })).toBe(0);
    expect(moved(opened, after, 'box_office_turns_total', { channel: 'chat', outcome: 'ok' })).toBe(1);
    expect(moved(opened, after, 'box_office_inbound_messages_total', { channel: 'chat' })).toBe(1);
    expect(moved(before, after, 'box_office_turn_duration_seconds_count', { channel: 'chat' })).toBe(2);
    expect(moved(before, after, 'box_office_inbound_messages_total', { channel: 'sms' })).toBe(0);
  });
});

describe('Twilio webhooks', () => {
  it('counts a forged signature as rejected, not as an inbound message', async () => {
    const before = await scrape(office.url);

    const reply = await postTwilioForm(office, inboundSmsParams(newPhone(), 'hi'), { signature: 'forged' });

    expect(reply.status).toBe(403);
    const after = await scrape(office.url);
    expect(moved(before, after, 'box_office_twilio_webhooks_rejected_total', { endpoint: 'inbound' })).toBe(1);
    expect(moved(before, after, 'box_office_inbound_messages_total', { channel: 'sms' })).toBe(0);
  });

  it('counts consent words as inbound messages, though no bot turn runs for them', async () => {
    const before = await scrape(office.url);

    expect((await textBoxOffice(office, newPhone(), 'HELP')).status).toBe(200);

    const after = await scrape(office.url);
    expect(moved(before, after, 'box_office_inbound_messages_total', { channel: 'sms' })).toBe(1);
    expect(moved(before, after, 'box_office_turns_total', { channel: 'sms', outcome: 'ok' })).toBe(0);
  });
});

describe('purchases that cannot go ahead', () => {
  it('counts a purchase in a section with no seats left as a hold conflict', async () => {
    // Someone else holds all ten courtside seats.
    for (const [quantity, holdId] of [[8, 'BX-CSA1'], [2, 'BX-CSA2']] as const) {
      const hold = await office.foundation.commerce.seats.hold({
        eventId: LAKERS, sectionId: 'courtside', quantity, holdId, customerKey: `other-${holdId}`, expiresAt: Date.now() + 3_600_000,
      });
      expect(hold.ok).toBe(true);
    }
    const before = await scrape(office.url);

    const reply = await textBoxOffice(office, newPhone(), '2 tickets lakers courtside');

    expect(reply.messages.join('\n')).toContain('sold out');
    const after = await scrape(office.url);
    expect(moved(before, after, 'box_office_hold_conflicts_total', { reason: 'not_enough_seats' })).toBe(1);
    expect(moved(before, after, 'box_office_checkout_sessions_total', { kind: 'tickets', outcome: 'created' })).toBe(0);
  });

  it('counts a Checkout Session Stripe refuses as failed', async () => {
    office.stripe!.failNext(400, { type: 'invalid_request_error', message: 'Invalid request' }, { method: 'POST', path: '/v1/checkout/sessions' });
    const before = await scrape(office.url);

    const reply = await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');

    expect(payLinkIn(reply.messages.join('\n'))).toBeUndefined();
    const after = await scrape(office.url);
    expect(moved(before, after, 'box_office_checkout_sessions_total', { kind: 'tickets', outcome: 'failed' })).toBe(1);
    expect(moved(before, after, 'box_office_checkout_sessions_total', { kind: 'tickets', outcome: 'created' })).toBe(0);
  });
});
