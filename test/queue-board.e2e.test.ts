// Bull Board under /staff/queues, as a staff member's browser uses it: one
// Basic-auth prompt whose password is the staff token, then the page, its
// scripts and styles, and its JSON API all load under the prefix.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';

const BOARD = '/staff/queues';
let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice({ worker: false });
});

afterAll(async () => {
  await office?.stop();
});

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function get(path: string, authorization?: string, base = office.url): Promise<Response> {
  return fetch(base + path, { headers: authorization ? { authorization } : {} });
}

/** The page's own script and stylesheet URLs (relative to its <base href>). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(static\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
}

describe('the queue board', () => {
  it('asks a browser for Basic credentials: 401 with a Basic challenge and no page', async () => {
    const response = await get(BOARD);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="[^"]+"/);
    expect(await response.text()).not.toContain('<html');
  });

  it.each([
    ['a wrong password', basic('staff', 'not-the-staff-token-at-all')],
    ['the token as the user name', basic(TEST_STAFF_TOKEN, '')],
    ['a malformed Basic value', 'Basic !!!not-base64!!!'],
    ['a wrong bearer token', 'Bearer not-the-staff-token-at-all'],
  ])('refuses %s with 401', async (_what, authorization) => {
    expect((await get(BOARD, authorization)).status).toBe(401);
    expect((await get(`${BOARD}/api/queues`, authorization)).status).toBe(401);
  });

  it('serves the page under the prefix with Basic auth (any user name), and its scripts and styles load', async () => {
    const authorization = basic('anyone', TEST_STAFF_TOKEN);
    const page = await get(BOARD, authorization);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(`<base href="${BOARD}/"`);
    expect(html).toContain('<title>Box office queues</title>');
    const assets = assetsOf(html);
    expect(assets.some((asset) => asset.endsWith('.js'))).toBe(true);
    expect(assets.some((asset) => asset.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const response = await get(`${BOARD}/${asset}`, authorization);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type'), asset).toMatch(asset.endsWith('.js') ? /javascript/ : /text\/css/);
    }
    // The board's client-side routes are the same page.
    expect((await get(`${BOARD}/queue/payment-events`, authorization)).status).toBe(200);
  });

  it('keeps its assets behind the login too', async () => {
    const html = await (await get(BOARD, basic('staff', TEST_STAFF_TOKEN))).text();
    const [asset] = assetsOf(html);

    expect((await get(`${BOARD}/${asset}`)).status).toBe(401);
  });

  it('answers its JSON API with every queue, to Basic auth or the bearer token', async () => {
    for (const authorization of [basic('staff', TEST_STAFF_TOKEN), `Bearer ${TEST_STAFF_TOKEN}`]) {
      const response = await get(`${BOARD}/api/queues`, authorization);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { queues: Array<{ name: string }> };
      expect(body.queues.map((queue) => queue.name).sort()).toEqual(['maintenance', 'notifications', 'payment-events', 'sms-outbound']);
    }
  });

  it('takes changes only from its own pages: a cross-site request is refused, a same-origin one goes through', async () => {
    const authorization = basic('staff', TEST_STAFF_TOKEN);
    const resume = (headers: Record<string, string>) => fetch(`${office.url}${BOARD}/api/queues/maintenance/resume`, { method: 'PUT', headers: { authorization, ...headers } });

    expect((await resume({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await resume({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await resume({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('never sends a stack trace, even when NODE_ENV is development (as docker-compose sets it)', async () => {
    const was = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      const response = await fetch(`${office.url}${BOARD}/api/queues/maintenance/resume`, {
        method: 'PUT',
        headers: { authorization: basic('staff', TEST_STAFF_TOKEN), 'content-type': 'application/json' },
        body: '{"broken": ',
      });
      const text = await response.text();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(text).not.toMatch(/\bat .+:\d+:\d+|node_modules|stack/i);
      expect(JSON.parse(text)).toEqual({ error: expect.any(String), message: expect.any(String) });
    } finally {
      process.env.NODE_ENV = was;
    }
  });

  it('answers 404, not a login prompt, for a path the board does not have', async () => {
    const response = await get(`${BOARD}/no/such/page`, basic('staff', TEST_STAFF_TOKEN));

    expect(response.status).toBe(404);
  });
});

describe('the queue board given a malformed query', () => {
  let logged: BoxOffice;
  let log = '';

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    logged = await startBoxOffice({ worker: false, log: createLogger('info', { format: 'json', destination }) });
  });

  afterAll(async () => {
    await logged?.stop();
  });

  // The board decodes activeQueue once more after express: these are no longer valid %-encoding then.
  it.each(['activeQueue=%25', 'activeQueue=%', 'activeQueue=%25E0%25A4%25A'])('?%s: 400, and the log says what failed, under the request id', async (query) => {
    const response = await get(`${BOARD}/api/queues?${query}`, `Bearer ${TEST_STAFF_TOKEN}`, logged.url);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'malformed_query', message: expect.any(String) });
    const requestId = response.headers.get('x-request-id');
    const lines = log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.component === 'queue-board' && line.requestId === requestId)).toMatchObject({ msg: expect.stringMatching(/malformed query/) });
  });
});

describe('the queue board without STAFF_API_TOKEN', () => {
  let closed: BoxOffice;

  beforeAll(async () => {
    closed = await startBoxOffice({ worker: false, env: { STAFF_API_TOKEN: '' } });
  });

  afterAll(async () => {
    await closed?.stop();
  });

  it('refuses everything, whatever the credentials', async () => {
    for (const authorization of [undefined, basic('staff', ''), basic('staff', TEST_STAFF_TOKEN), 'Bearer ', `Bearer ${TEST_STAFF_TOKEN}`]) {
      expect((await get(BOARD, authorization, closed.url)).status, String(authorization)).toBe(401);
      expect((await get(`${BOARD}/api/queues`, authorization, closed.url)).status, String(authorization)).toBe(401);
    }
  });
});
