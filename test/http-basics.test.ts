// What any HTTP caller sees of the box office: JSON errors without internals,
// body size limits, and the staff read API behind its bearer token (a caller
// without the right token learns nothing but 401).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { LAKERS, newPhone, payLinkIn, textBoxOffice } from './support/sms.client.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice({ worker: false });
});

afterAll(async () => {
  await office?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function request(path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(office.url + path, init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function staff(path: string, authorization?: string): Promise<Answer> {
  return request(path, authorization === undefined ? {} : { headers: { authorization } });
}

const RIGHT = `Bearer ${TEST_STAFF_TOKEN}`;

/** Signs of internals a caller must never see. */
function expectNothingInternal(text: string): void {
  expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|\.js:\d+|SyntaxError|stack/i);
}

describe('JSON errors', () => {
  it('an unknown route answers 404 JSON', async () => {
    const answer = await request('/no/such/route');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'not_found' });
  });

  it('a chat message body over the limit answers 413 JSON', async () => {
    const huge = JSON.stringify({ type: 'message', text: 'x'.repeat(300 * 1024) });
    const answer = await request('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: huge });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'body_too_large' });
    expectNothingInternal(answer.text);
  });

  it.each([
    ['/sms/inbound', 'application/x-www-form-urlencoded', `Body=${'x'.repeat(100 * 1024)}`],
    ['/webhooks/stripe', 'application/json', JSON.stringify({ pad: 'x'.repeat(600 * 1024) })],
  ])('a body over the limit on %s answers 413 JSON', async (path, contentType, body) => {
    const answer = await request(path, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'body_too_large' });
  });

  it('malformed JSON answers 400 JSON with a plain message and no stack trace', async () => {
    const answer = await request('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message", ' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(body.error).toBe('malformed_body');
    expectNothingInternal(answer.text);
  });
});

describe('staff API: without the right token, 401 and nothing else', () => {
  const refused: Array<[string, string | undefined]> = [
    ['no Authorization header', undefined],
    ['a wrong token of the same length', `Bearer ${'x'.repeat(TEST_STAFF_TOKEN.length)}`],
    ['a wrong token of another length', 'Bearer nope'],
    ['the right token with something after it', `Bearer ${TEST_STAFF_TOKEN}x`],
    ['the right token as Basic auth', `Basic ${Buffer.from(`staff:${TEST_STAFF_TOKEN}`).toString('base64')}`],
    ['the right token without the Bearer scheme', TEST_STAFF_TOKEN],
    ['an empty Bearer', 'Bearer '],
  ];

  it.each(refused)('%s', async (_what, authorization) => {
    const answer = await staff('/staff/orders/BX-XXXX', authorization);
    expect(answer.status).toBe(401);
    expect(answer.text).toBe('{"error":"unauthorized"}');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    expect(answer.headers.get('x-powered-by')).toBeNull();
  });

  it('answers every refusal the same way, whatever the path, so nothing can be probed', async () => {
    const answers = await Promise.all([
      staff('/staff/orders/BX-XXXX'),
      staff('/staff/orders/BX-XXXX', 'Bearer nope'),
      staff(`/staff/events/${LAKERS}/inventory`, 'Bearer nope'),
      staff('/staff/events/no-such-event/inventory'),
      staff('/staff/no-such-route', 'Bearer nope'),
    ]);
    const shape = (a: Answer) => ({
      status: a.status,
      text: a.text,
      headers: [...a.headers.entries()].filter(([name]) => !['date', 'etag'].includes(name)),
    });
    for (const answer of answers) expect(shape(answer)).toEqual(shape(answers[0]!));
  });
});

describe('staff API with the right token', () => {
  it('an unknown order answers 404 JSON', async () => {
    for (const id of ['BX-XXXX', 'not-an-order-id']) {
      const answer = await staff(`/staff/orders/${id}`, RIGHT);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'unknown_order' });
    }
  });

  it('an order a customer created by text: its state, seats and timeline', async () => {
    const reply = await textBoxOffice(office, newPhone(), '2 tickets for the lakers game section 101');
    expect(reply.status).toBe(200);
    const link = payLinkIn(reply.messages.join('\n'));
    expect(link, `a pay link in ${JSON.stringify(reply.messages)}`).toBeDefined();

    const answer = await staff(`/staff/orders/${link!.orderId}`, RIGHT);
    expect(answer.status).toBe(200);
    const { order } = JSON.parse(answer.text) as {
      order: { id: string; state: string; eventId: string; sectionId: string; seats: string[]; timeline: Array<{ at: string; cause: string; to?: string }> };
    };
    expect(order).toMatchObject({ id: link!.orderId, state: 'awaiting_payment', eventId: LAKERS, sectionId: '101' });
    expect(order.seats).toHaveLength(2);
    expect(order.timeline.length).toBeGreaterThan(0);
    for (const entry of order.timeline) {
      expect(Number.isNaN(Date.parse(entry.at))).toBe(false);
      expect(entry.cause).toEqual(expect.any(String));
    }
    expect(order.timeline.at(-1)?.to).toBe('awaiting_payment');

    // The hold shows in the inventory: this office's Redis keys are its own, so these two seats are all that is held.
    const inventory = await staff(`/staff/events/${LAKERS}/inventory`, RIGHT);
    const section = (JSON.parse(inventory.text) as { sections: Array<{ id: string; held: number; sold: number; available: number; capacity: number }> }).sections.find(
      (s) => s.id === '101',
    );
    expect(section).toMatchObject({ capacity: 40, held: 2, sold: 0, available: 38 });
  });

  it('the inventory of an event: every section with numeric counts, available = capacity - held - sold', async () => {
    const answer = await staff(`/staff/events/${LAKERS}/inventory`, RIGHT);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const inventory = JSON.parse(answer.text) as { event: string; sections: Array<Record<string, unknown>> };
    expect(inventory.event).toBe(LAKERS);
    expect(inventory.sections.map((s) => s.id)).toEqual(['courtside', 'club', '101', '102', 'ga']);
    const capacities = Object.fromEntries(inventory.sections.map((s) => [s.id, s.capacity]));
    expect(capacities).toEqual({ courtside: 10, club: 48, '101': 40, '102': 40, ga: 200 });
    for (const section of inventory.sections) {
      for (const count of ['capacity', 'held', 'sold', 'available'] as const) {
        expect(Number.isInteger(section[count]), `${String(section.id)}.${count} = ${JSON.stringify(section[count])}`).toBe(true);
      }
      const { capacity, held, sold, available } = section as { capacity: number; held: number; sold: number; available: number };
      expect(available).toBe(capacity - held - sold);
    }
  });

  it('an unknown event answers 404 JSON', async () => {
    const answer = await staff('/staff/events/no-such-event/inventory', RIGHT);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'unknown_event' });
  });
});
