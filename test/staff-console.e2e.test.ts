// The staff console's sign-in, over HTTP: without a session only the
// sign-in form is shown; a wrong token is told nothing but that, and an
// address that keeps trying is slowed; the right one opens a session whose
// cookie is HttpOnly, SameSite=Strict, Secure (PUBLIC_BASE_URL is https here)
// and scoped to /staff; sign-in and sign-out from another site are refused;
// signing out ends the session for good. Orders: found by id, ticket code
// and the phone's last four digits, shown with the phone masked, refunded
// one ticket through a confirmation step, the same refund as the staff API's.
// Against the test Redis and the local Stripe server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { buyAndPay, refundPosts } from './support/purchases.js';
import { jobEnd, newPhone, sectionInventory, smsTo, staffOrder, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, refundEvent } from './support/stripe-events.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice({ env: { IP_BAD_SIGNATURES_PER_MINUTE: '5' } });
});

afterAll(async () => {
  await office?.stop();
});

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

function signIn(token: string, headers: Record<string, string> = SAME_ORIGIN, from = '127.0.0.1') {
  return fetch(`${office.url}/staff/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from, ...headers },
    body: new URLSearchParams({ token }),
  });
}

/** The session cookie a sign-in answer sets, as `name=value` for a Cookie header. */
function cookieOf(response: Response): string {
  const set = response.headers.get('set-cookie') ?? '';
  return set.split(';')[0]!;
}

const get = (path: string, cookie?: string) => fetch(`${office.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

describe('the staff console', () => {
  it('shows only the sign-in form without a session, with its field labelled', async () => {
    const page = await get('/staff');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="token">Staff token</label>');
    expect(html).toContain('<input id="token" name="token" type="password"');
    expect(html).not.toContain('lakers-warriors');
    expect((await get('/staff/console/events.json')).status).toBe(401);
  });

  it('signs in with the staff token: a session cookie that scripts cannot read and other sites cannot send', async () => {
    const answer = await signIn(TEST_STAFF_TOKEN);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/staff');
    const set = answer.headers.get('set-cookie')!;
    expect(set).toMatch(/^box_office_staff=[A-Za-z0-9_-]{43}; /);
    for (const flag of ['Path=/staff', 'HttpOnly', 'SameSite=Strict', 'Secure', 'Max-Age=28800']) expect(set.split('; ')).toContain(flag);

    const page = await get('/staff', cookieOf(answer));
    const html = await page.text();
    expect(html).toContain('<h1>Events</h1>');
    expect(html).toContain('data-event="lakers-warriors"');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
  });

  it('shows each section as the seat store counts it, and the same figures as JSON for the live refresh', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');
    const inventory = await sectionInventory(office, '101');
    const { events } = (await (await get('/staff/console/events.json', cookie)).json()) as { events: Array<{ id: string; sections: Array<{ id: string; held: number; sold: number; available: number; admitted: number }> }> };
    const section = events.find((event) => event.id === 'lakers-warriors')!.sections.find((s) => s.id === '101')!;
    expect(section).toMatchObject({ held: inventory.held, sold: inventory.sold, available: inventory.available, admitted: inventory.admitted });
    expect(inventory.held).toBeGreaterThanOrEqual(2);
    const html = await (await get('/staff', cookie)).text();
    expect(html).toMatch(new RegExp(`<tr data-section="101">[\\s\\S]*?<td data-field="held">${inventory.held}</td>`));
  });

  it('tells a wrong token only that it is wrong, sets no cookie, and slows an address that keeps trying', async () => {
    const wrong = await signIn('not-the-staff-token', SAME_ORIGIN, '198.51.100.7');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const html = await wrong.text();
    expect(html).toContain('That is not the staff token.');
    expect(html).not.toMatch(/STAFF_API_TOKEN|length|configured/i);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await signIn('still-wrong', SAME_ORIGIN, '198.51.100.7')).status);
    expect(statuses.at(-1)).toBe(429);
    // Another address is not slowed by it.
    expect((await signIn(TEST_STAFF_TOKEN, SAME_ORIGIN, '198.51.100.8')).status).toBe(303);
  });

  it('refuses a sign-in and a sign-out posted from another site', async () => {
    const crossSite = await signIn(TEST_STAFF_TOKEN, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    const fromElsewhere = await signIn(TEST_STAFF_TOKEN, { origin: 'https://attacker.example' });
    expect(fromElsewhere.status).toBe(403);

    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    const signOut = await fetch(`${office.url}/staff/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie, 'sec-fetch-site': 'cross-site' } });
    expect(signOut.status).toBe(403);
    expect((await get('/staff/console/events.json', cookie)).status).toBe(200);
  });

  it('ends the session on sign-out: the old cookie is refused after', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    const out = await fetch(`${office.url}/staff/sign-out`, { method: 'POST', redirect: 'manual', headers: { cookie, ...SAME_ORIGIN } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^box_office_staff=; .*Max-Age=0/);
    expect((await get('/staff/console/events.json', cookie)).status).toBe(401);
    expect(await (await get('/staff', cookie)).text()).toContain('<label for="token">Staff token</label>');
  });

  it('refuses a made-up session id, and leaves the bearer API as it was', async () => {
    expect((await get('/staff/console/events.json', `box_office_staff=${'A'.repeat(43)}`)).status).toBe(401);
    const api = await fetch(`${office.url}/staff/events`, { headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } });
    expect(api.status).toBe(200);
    const { events } = (await api.json()) as { events: Array<{ sections: Array<{ admitted: number }> }> };
    expect(events[0]!.sections[0]).toHaveProperty('admitted');
  });

  it('finds an order by the last four digits, by its id and by a ticket code, and shows it with the phone masked', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    const phone = newPhone();
    const order = await buyAndPay(office, phone);
    const byDigits = await (await get(`/staff/console/orders?q=${phone.slice(-4)}`, cookie)).text();
    expect(byDigits).toContain(`<a href="/staff/console/orders/${order.id}">${order.id}</a>`);
    expect(byDigits).not.toContain(phone);
    for (const q of [order.id, order.id.toLowerCase(), order.tickets[0]!]) {
      const found = await get(`/staff/console/orders?q=${encodeURIComponent(q)}`, cookie);
      expect(found.status).toBe(303);
      expect(found.headers.get('location')).toBe(`/staff/console/orders/${order.id}`);
    }
    const html = await (await get(`/staff/console/orders/${order.id}`, cookie)).text();
    expect(html).toContain(`SMS ${phone.slice(0, 5)}•••${phone.slice(-4)}`);
    expect(html).not.toContain(phone);
    for (const code of order.tickets) expect(html).toContain(`<code>${code}</code>`);
    expect(html).toContain('on the payment page');
    expect(html).toContain('<code>fulfil:');
    expect(await (await get('/staff/console/orders?q=0000xyz', cookie)).text()).toContain('No order matches.');
  });

  it('refunds one ticket after a confirmation step, through the same refunds as the staff API', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    const order = await buyAndPay(office, newPhone());
    const post = (body: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) =>
      fetch(`${office.url}/staff/console/orders/${order.id}/refund`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });

    const confirm = await post({ tickets: '1', reason: 'guest cannot come' });
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain('1 of 2 valid tickets');
    expect(page).toContain('<input type="hidden" name="confirm" value="yes">');
    expect(refundPosts(office, order.id)).toHaveLength(0);

    expect((await post({ tickets: '1', confirm: 'yes' }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(refundPosts(office, order.id)).toHaveLength(0);

    const done = await post({ tickets: '1', reason: 'guest cannot come', confirm: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`/staff/console/orders/${order.id}?done=refund`);
    const [asked] = refundPosts(office, order.id);
    expect(asked!.body).toMatchObject({ amount: String(order.unitAmount) });
    // The same confirmation again (a double click) is the same refund: asked again under the same key, paid back once.
    expect((await post({ tickets: '1', confirm: 'yes' })).status).toBe(303);
    expect(new Set(refundPosts(office, order.id).map((request) => request.idempotencyKey)).size).toBe(1);
    expect([...office.stripe!.refunds.values()].filter((refund) => refund.metadata.orderId === order.id)).toHaveLength(1);
    expect(await (await get(`/staff/console/orders/${order.id}?done=refund`, cookie)).text()).toContain('Refund asked of Stripe');
    expect((await staffOrder(office, order.id)).state).toBe('fulfilled');

    // The seat map shows both seats sold, each a link to the order; once Stripe confirms the refund, one is free.
    const seatMap = async () => (await get(`/staff/console/events/lakers-warriors/sections/101`, cookie)).text();
    const [first, second] = order.seats as [string, string];
    const sold = (seat: string) => new RegExp(`<a href="/staff/console/orders/${order.id}"[^>]*><rect [^>]*data-seat="${seat}" data-state="sold">`);
    const before = await seatMap();
    expect(before).toMatch(sold(first));
    expect(before).toMatch(sold(second));
    const stripeRefund = [...office.stripe!.refunds.values()].find((refund) => refund.metadata.orderId === order.id)!;
    const event = refundEvent(office, 'refund.created', stripeRefund.id);
    expect((await postStripeEvent(office, event)).status).toBe(200);
    await jobEnd(office, 'payments', event.id);
    const after = await seatMap();
    const freed = (await staffOrder(office, order.id)).refundedTickets.length;
    expect(freed).toBe(1);
    expect([first, second].filter((seat) => new RegExp(`data-seat="${seat}" data-state="free"`).test(after))).toHaveLength(1);
  });

  it('draws no seat map for general admission, nor for a section that does not exist', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    expect((await get('/staff/console/events/lakers-warriors/sections/ga', cookie)).status).toBe(404);
    expect((await get('/staff/console/events/lakers-warriors/sections/999', cookie)).status).toBe(404);
    expect((await get('/staff/console/events/no-such-event/sections/101', cookie)).status).toBe(404);
    const events = await (await get('/staff', cookie)).text();
    expect(events).toContain('<a href="/staff/console/events/lakers-warriors/sections/101">Section 101</a>');
    expect(events).not.toContain('/sections/ga"');
  });

  it('keeps orders behind the session: a page goes to the sign-in form, a change is refused', async () => {
    const order = await buyAndPay(office, newPhone());
    const page = await fetch(`${office.url}/staff/console/orders/${order.id}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/staff');
    const refund = await fetch(`${office.url}/staff/console/orders/${order.id}/refund`, { method: 'POST', redirect: 'manual', headers: { ...SAME_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: 'tickets=1&confirm=yes' });
    expect(refund.status).toBe(401);
    expect(refundPosts(office, order.id)).toHaveLength(0);
  });

  it('offers an upgrade after a confirmation step, shows it on the order, and withdraws it', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    const phone = newPhone();
    const order = await buyAndPay(office, phone);
    const post = (path: string, body: Record<string, string>) =>
      fetch(`${office.url}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN }, body: new URLSearchParams(body) });

    const form = await (await get(`/staff/console/orders/${order.id}`, cookie)).text();
    expect(form).toContain('<option value="club">Premier Club ($250 more a ticket)</option>');
    const confirm = await post(`/staff/console/orders/${order.id}/upgrade`, { section: 'club', discountPercent: '10', expiresInMinutes: '' });
    expect(await confirm.text()).toContain(`Offer ${order.id} Premier Club?`);
    expect(await office.foundation.commerce.orders.offersOf(order.id)).toEqual([]);

    const made = await post(`/staff/console/orders/${order.id}/upgrade`, { section: 'club', discountPercent: '10', expiresInMinutes: '', confirm: 'yes' });
    expect(made.status).toBe(303);
    expect(made.headers.get('location')).toBe(`/staff/console/orders/${order.id}?done=offer`);
    const [offer] = await office.foundation.commerce.orders.offersOf(order.id);
    expect(offer).toMatchObject({ state: 'awaiting_payment', sectionId: 'club', unitAmount: 22_500 });
    const page = await (await get(`/staff/console/orders/${order.id}?done=offer`, cookie)).text();
    expect(page).toContain('Upgrade offered');
    expect(page).toContain(`<form method="post" action="/staff/console/offers/${offer!.id}/withdraw">`);
    await eventually(async () => smsTo(office, phone).find((text) => text.startsWith(`Upgrade offer for order ${order.id}`)), 10_000, 'the offer text');

    expect(await (await post(`/staff/console/offers/${offer!.id}/withdraw`, {})).text()).toContain(`Withdraw ${offer!.id}?`);
    const withdrawn = await post(`/staff/console/offers/${offer!.id}/withdraw`, { confirm: 'yes' });
    expect(withdrawn.headers.get('location')).toBe(`/staff/console/orders/${order.id}?done=withdrawn`);
    expect((await staffOrder(office, offer!.id)).state).toBe('cancelled');
    expect((await post(`/staff/console/offers/${offer!.id}/withdraw`, { confirm: 'yes' })).status).toBe(409);

    // A price of staff's own instead of the catalog's difference; not with a discount as well.
    expect((await post(`/staff/console/orders/${order.id}/upgrade`, { section: 'club', price: '150', discountPercent: '10' })).status).toBe(400);
    expect(await (await post(`/staff/console/orders/${order.id}/upgrade`, { section: 'club', price: '150' })).text()).toContain('$150 more a ticket');
    expect((await post(`/staff/console/orders/${order.id}/upgrade`, { section: 'club', price: '150', confirm: 'yes' })).status).toBe(303);
    const [priced] = await office.foundation.commerce.orders.offersOf(order.id);
    expect(priced).toMatchObject({ state: 'awaiting_payment', unitAmount: 15_000 });
  });

  it('sends the tickets again after a confirmation step', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    const phone = newPhone();
    const order = await buyAndPay(office, phone);
    const post = (body: Record<string, string>) =>
      fetch(`${office.url}/staff/console/orders/${order.id}/resend`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...SAME_ORIGIN }, body: new URLSearchParams(body) });
    expect(await (await post({})).text()).toContain(`Send ${order.id}&#39;s tickets again?`);
    expect((await post({ confirm: 'yes' })).headers.get('location')).toBe(`/staff/console/orders/${order.id}?done=resent`);
    await eventually(async () => (smsTo(office, phone).filter((text) => text.includes(order.tickets[0]!)).length === 2 ? true : undefined), 10_000, 'the tickets text again');
  });

  it("shows an event's sales, with its charts drawn as SVG, behind the session", async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    await buyAndPay(office, newPhone());
    const page = await get('/staff/console/events/lakers-warriors/sales', cookie);
    const html = await page.text();
    const sales = (await (await fetch(`${office.url}/staff/events/lakers-warriors/sales`, { headers: { authorization: `Bearer ${TEST_STAFF_TOKEN}` } })).json()) as { tickets: { sold: number } };
    expect(html).toContain(`<tr><th scope="row">Tickets sold</th><td>${sales.tickets.sold} (`);
    expect(html).toMatch(/<svg class="chart" role="img" aria-label="Tickets by section\. Section 101: \d+/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!tickets\.example)/);
    expect((await get('/staff/console/events/no-such-event/sales', cookie)).status).toBe(404);
    expect((await fetch(`${office.url}/staff/console/events/lakers-warriors/sales`, { redirect: 'manual', headers: { accept: 'text/html' } })).status).toBe(303);
    expect((await get('/staff/console/events/lakers-warriors/sales')).status).toBe(401);
  });

  it('links an order whose tickets were given by text to the order that received them, and back', async () => {
    const cookie = cookieOf(await signIn(TEST_STAFF_TOKEN));
    const sender = newPhone();
    const friend = newPhone();
    const order = await buyAndPay(office, sender, '2 tickets hozier section 101');
    await textBoxOffice(office, sender, `send 1 ticket to ${friend}`);
    expect((await textBoxOffice(office, sender, 'YES')).messages.join(' ')).toContain('Sent: 1 ticket');
    const [received] = await office.foundation.commerce.orders.listByCustomer('sms', friend);
    const html = await (await get(`/staff/console/orders/${order.id}`, cookie)).text();
    expect(html).toContain(`<tr><th scope="row">Given to</th><td><a href="/staff/console/orders/${received!.id}">${received!.id}</a></td></tr>`);
    expect(html).toMatch(/<td>given away<\/td>/);
    expect(await (await get(`/staff/console/orders/${received!.id}`, cookie)).text()).toContain(`<tr><th scope="row">Given by</th><td><a href="/staff/console/orders/${order.id}">${order.id}</a></td></tr>`);
  });
});
