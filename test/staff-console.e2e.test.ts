// The staff console's sign-in, over HTTP: without a session only the
// sign-in form is shown; a wrong token is told nothing but that, and an
// address that keeps trying is slowed; the right one opens a session whose
// cookie is HttpOnly, SameSite=Strict, Secure (PUBLIC_BASE_URL is https here)
// and scoped to /staff; sign-in and sign-out from another site are refused;
// signing out ends the session for good. Against the test Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { newPhone, sectionInventory, textBoxOffice } from './support/sms.client.js';

let office: BoxOffice;

beforeAll(async () => {
  office = await startBoxOffice({ worker: false, env: { IP_BAD_SIGNATURES_PER_MINUTE: '5' } });
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
});
