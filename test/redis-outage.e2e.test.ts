// Redis goes away mid-traffic: Stripe must be told to retry (5xx), /readyz
// must say so, and once Redis is back the same delivery goes through and the
// order is fulfilled without a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../src/redis/redis-server.process.js';
import { eventually, startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { newPhone, payLinkIn, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, sessionEvent } from './support/stripe-events.js';

describe('when Redis goes away', () => {
  let dir: string;
  let redis: RedisServerHandle;
  let office: BoxOffice;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'box-office-outage-'));
    redis = await startRedisServer({ dir, appendOnly: true });
    office = await startBoxOffice({ redisUrl: redis.url });
  });

  afterAll(async () => {
    await office?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 to Stripe and on /readyz, then takes the retried event once Redis is back', async () => {
    const reply = await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');
    const orderId = payLinkIn(reply.messages[0] ?? '')!.orderId;
    const sessionId = (await staffOrder(office, orderId)).stripeSessionId!;
    office.stripe!.markPaid(sessionId);
    const event = sessionEvent(office, 'checkout.session.completed', sessionId);

    await redis.stop();
    const refused = await postStripeEvent(office, event);
    expect(refused.status).toBe(503);
    expect((await fetch(`${office.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${office.url}/healthz`)).status).toBe(200);

    // Same port, same folder: the append-only file brings the hold and the order back.
    redis = await startRedisServer({ dir, port: Number(new URL(redis.url).port), appendOnly: true });
    await eventually(async () => ((await fetch(`${office.url}/readyz`)).status === 200 ? true : undefined), 15_000, 'readyz');
    const accepted = await postStripeEvent(office, event);
    expect(accepted.status).toBe(200);
    const order = await eventually(async () => {
      const current = await staffOrder(office, orderId);
      return current.state === 'fulfilled' ? current : undefined;
    }, 15_000, 'fulfilment');
    expect(order.tickets).toHaveLength(2);
    const ticketTexts = () => office.twilio.messages.filter((message) => message.body.includes(orderId));
    await eventually(async () => (ticketTexts().length > 0 ? true : undefined), 15_000, 'the ticket SMS');
    expect(ticketTexts()).toHaveLength(1);
  });
});
