// What any HTTP caller sees of the box office: security headers on every
// response, JSON errors without internals (also when a route throws), a body
// size limit on every route that takes a body, and the staff read API behind
// its bearer token (a caller without the right token learns nothing but 401).
import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '../src/redis/redis.client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, TEST_PUBLIC_BASE_URL, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { testRedis, testRedisUrl } from './support/redis.js';
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

async function request(path: string, init: RequestInit = {}, target = office): Promise<Answer> {
  const response = await fetch(target.url + path, init);
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

  // Every route that reads a body, with a body just over its limit (the demo checkout's is below, on a demo office).
  const FORM = 'application/x-www-form-urlencoded';
  it.each([
    ['/sms/inbound', FORM, `Body=${'x'.repeat(65 * 1024)}`, {}],
    ['/sms/status', FORM, `MessageStatus=${'x'.repeat(65 * 1024)}`, {}],
    ['/webhooks/stripe', 'application/json', JSON.stringify({ pad: 'x'.repeat(513 * 1024) }), {}],
    ['/staff/orders/BX-ZZZZ/refund', 'application/json', JSON.stringify({ reason: 'x'.repeat(3 * 1024) }), { authorization: RIGHT }],
  ])('a body over the limit on %s answers 413 JSON', async (path, contentType, body, headers) => {
    const answer = await request(path, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'body_too_large' });
    expectNothingInternal(answer.text);
  });

  it.each([
    ['/api/messages', {}],
    ['/staff/orders/BX-ZZZZ/refund', { authorization: RIGHT }],
  ])('malformed JSON on %s answers 400 JSON with a plain message and no stack trace', async (path, headers) => {
    const answer = await request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"type": "message", ' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['error', 'message']);
    expect(body.error).toBe('malformed_body');
    expectNothingInternal(answer.text);
  });

  // Bull Board's own API parses JSON with express's default limit (100 kB) and answers errors in its own JSON shape.
  it.each([
    ['over the limit', JSON.stringify({ pad: 'x'.repeat(101 * 1024) }), 413],
    ['malformed', '{"pad": ', 400],
  ])('a body %s on the queue dashboard API answers %i JSON with no stack trace', async (_what, body, status) => {
    const answer = await request('/staff/queues/api/queues/payments/retry/failed', { method: 'PUT', headers: { authorization: RIGHT, 'content-type': 'application/json' }, body });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).not.toHaveProperty('details');
    expectNothingInternal(answer.text);
  });

  it.each([
    ['an empty object', {}],
    ['fields of the wrong type', { type: 5, from: 'nobody' }],
  ])('a chat body that is JSON but not an activity (%s) answers 400 JSON with no stack trace', async (_what, activity) => {
    const answer = await request('/api/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'malformed_activity' });
    expectNothingInternal(answer.text);
  });
});

describe('errors thrown inside routes (here: RedisClient refuses every command)', () => {
  // A Redis user allowed to connect and nothing else: every command a route
  // sends fails at once with NOPERM, the way an outage or a bug would throw.
  const user = `t-noperm-${randomUUID().slice(0, 8)}`;
  let admin: RedisClient;
  let broken: BoxOffice;

  beforeAll(async () => {
    admin = testRedis();
    await admin.call('ACL', 'SETUSER', user, 'on', '>pw', '~*', '&*', '-@all', '+@connection');
    const url = new URL(testRedisUrl());
    url.username = user;
    url.password = 'pw';
    broken = await startBoxOffice({ worker: false, redisUrl: url.toString() });
  });

  afterAll(async () => {
    await broken?.stop();
    await admin?.call('ACL', 'DELUSER', user);
    await admin?.quit();
  });

  it.each([
    ['GET', '/p/BX-ZZZZ'],
    ['GET', '/staff/orders/BX-ZZZZ'],
    ['GET', `/staff/events/${LAKERS}/inventory`],
    ['POST', '/staff/orders/BX-ZZZZ/refund'],
  ])('%s %s answers 500 JSON with a plain message and no stack trace', async (method, path) => {
    const answer = await request(path, { method, headers: { authorization: RIGHT, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, body: method === 'POST' ? '{}' : undefined }, broken);
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ error: 'internal', message: 'Something went wrong on our side; please try again.' });
    expectNothingInternal(answer.text);
    expect(answer.text).not.toMatch(/NOPERM|permission|redis/i);
  });
});

describe('security headers', () => {
  /** The policy's directives by name, e.g. { 'default-src': ["'none'"] }. */
  function directives(policy: string | null): Record<string, string[]> {
    expect(policy).toBeTruthy();
    return Object.fromEntries(policy!.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  }

  function expectBaseline(answer: Answer): void {
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(directives(answer.headers.get('content-security-policy'))['frame-ancestors']).toEqual(["'none'"]);
    expect(answer.headers.get('x-powered-by')).toBeNull();
  }

  it.each([
    ['a page', 'GET', '/p/BX-ZZZZ', 404],
    ['health', 'GET', '/healthz', 200],
    ['an unknown route', 'GET', '/no/such/route', 404],
    ['a refused staff request', 'GET', '/staff/orders/BX-ZZZZ', 401],
    ['a refused webhook', 'POST', '/sms/inbound', 403],
    ['a refused chat activity', 'POST', '/api/messages', 400],
  ])('on every response (%s): nosniff, no referrer, no framing, HSTS over https, no X-Powered-By', async (_what, method, path, status) => {
    const answer = await request(path, method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: '{}' } : {});
    expect(answer.status).toBe(status);
    expectBaseline(answer);
    expect(TEST_PUBLIC_BASE_URL).toMatch(/^https:/);
    expect(answer.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}/);
  });

  it("our pages' policy allows their one inline stylesheet by its hash, and no script at all", async () => {
    const answer = await request('/p/BX-ZZZZ');
    const policy = directives(answer.headers.get('content-security-policy'));
    const css = /<style>([\s\S]*?)<\/style>/.exec(answer.text)?.[1];
    expect(css).toBeDefined();

    expect(policy['default-src']).toEqual(["'none'"]);
    expect(policy['style-src']).toEqual([`'sha256-${createHash('sha256').update(css!).digest('base64')}'`]);
    expect(policy['script-src']).toBeUndefined();
    expect(answer.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(answer.text).not.toMatch(/<script|style=|\son[a-z]+=/i);
  });

  it('the staff queue dashboard (Bull Board, under /staff/queues) gets a policy that lets its own scripts and styles run', async () => {
    for (const path of ['/staff/queues', '/staff/queues/static/js/main.js', '/staff/queues/api/queues']) {
      const answer = await request(path);
      expectBaseline(answer);
      const policy = directives(answer.headers.get('content-security-policy'));
      expect(policy['script-src']).toEqual(["'self'"]);
      expect(policy['style-src']).toContain("'self'");
      expect(policy['connect-src']).toEqual(["'self'"]);
    }
    expect(directives((await request('/staff/queuesque')).headers.get('content-security-policy'))['default-src']).toEqual(["'none'"]);
  });
});

describe('a demo box office on http (a laptop)', () => {
  let demo: BoxOffice;

  beforeAll(async () => {
    demo = await startBoxOffice({ demo: true, worker: false, env: { PUBLIC_BASE_URL: 'http://localhost:3978' } });
  });

  afterAll(async () => {
    await demo?.stop();
  });

  it('sends no HSTS, which would pin localhost to https', async () => {
    const answer = await request('/healthz', {}, demo);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('strict-transport-security')).toBeNull();
  });

  it('lets the demo checkout form post to us, and to PUBLIC_BASE_URL where its answer redirects', async () => {
    const answer = await request('/demo/checkout/cs_demo_none', {}, demo);
    expect(answer.status).toBe(404);
    expect(answer.text).toContain('DEMO CHECKOUT');
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("form-action 'self' http://localhost:3978");
    const css = /<style>([\s\S]*?)<\/style>/.exec(answer.text)?.[1] ?? '';
    expect(policy).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
  });

  it('limits the body of the demo "Pay" form: 413 JSON', async () => {
    const answer = await request('/demo/checkout/cs_demo_none/pay', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `pad=${'x'.repeat(2 * 1024)}` }, demo);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'body_too_large' });
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
    // One fixed answer: the same for every refusal (see below), so it tells nothing about the token offered.
    expect(JSON.parse(answer.text)).toMatchObject({ error: 'unauthorized' });
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
      // x-request-id differs on every response by design; it says nothing about the path.
      headers: [...a.headers.entries()].filter(([name]) => !['date', 'etag', 'x-request-id'].includes(name)),
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
