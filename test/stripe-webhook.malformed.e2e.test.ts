// Correctly signed Stripe webhooks whose body is not a well-formed event (no
// data, no data.object, a root that is not an object, an id no job can carry)
// are bad input: 400, nothing queued, never a 5xx that Stripe would retry for
// three days. A well-formed event beside them is still queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { postStripeEvent, stripeEvent } from './support/stripe-events.js';

let office: BoxOffice;

beforeAll(async () => {
  // No worker: whatever the route queues stays in the queue to be counted.
  office = await startBoxOffice({ worker: false });
});

afterAll(async () => {
  await office?.stop();
});

const session = { id: 'cs_test_malformed', object: 'checkout.session' };
const event = (changes: Record<string, unknown>) => JSON.stringify({ ...stripeEvent('checkout.session.completed', session), ...changes });

async function queued(): Promise<number> {
  const counts = await office.foundation.queues.payments.getJobCounts();
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

describe('signed Stripe webhooks that are not well-formed events', () => {
  it.each([
    ['no data', event({ data: undefined })],
    ['data null', event({ data: null })],
    ['data without object', event({ data: {} })],
    ['data.object null', event({ data: { object: null } })],
    ['data.object a string', event({ data: { object: 'cs_test_1' } })],
    ['a root that is an array', JSON.stringify([stripeEvent('checkout.session.completed', session)])],
    ['a root that is null', 'null'],
    ['a root that is a number', '42'],
    ['a root that is a string', '"evt_1"'],
    ['no id', event({ id: undefined })],
    ['a numeric id', event({ id: 12345 })],
    ['an id of digits', event({ id: '12345' })],
    ['a null id', event({ id: null })],
    ['an object id', event({ id: { evil: true } })],
    ['an id with a colon', event({ id: 'evt_a:b' })],
    ['an id with two colons', event({ id: 'evt_a:b:c' })],
    ['an empty id', event({ id: '' })],
    ['no type', event({ type: undefined })],
    ['no created', event({ created: 'yesterday' })],
  ])('%s: 400, nothing queued', async (_what, body) => {
    const before = await queued();
    const answer = await postStripeEvent(office, body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'malformed_event' });
    expect(await queued()).toBe(before);
  });

  it('still queues a well-formed event, under its own id', async () => {
    const good = stripeEvent('checkout.session.completed', session);
    expect((await postStripeEvent(office, good)).status).toBe(200);
    const job = await office.foundation.queues.payments.getJob(good.id);
    expect(job?.data).toEqual({ id: good.id, type: good.type, object: session, created: good.created });
  });

  it('queues an event whose object carries no string id, for the worker to ignore', async () => {
    const balance = stripeEvent('balance.available', { object: 'balance', available: [] });
    expect((await postStripeEvent(office, balance)).status).toBe(200);
    expect((await office.foundation.queues.payments.getJob(balance.id))?.data.object).toEqual({ object: 'balance' });
  });
});
