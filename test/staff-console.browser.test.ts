// The staff console in a real headless Chromium: signing in by keyboard
// alone (Tab to the labelled field, type, Enter), the events with each
// section's counts, a hold made by text showing up without a reload (the
// page's own refresh), an order found by the phone's last four digits and
// one of its tickets refunded through the confirmation step, its seat turning
// free on the seat map once Stripe confirms it, an upgrade offered and shown
// on the order, no script or policy error on any page, every control named,
// and signing out back to the sign-in form, the order page then refused.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { launchBrowser, pageProblems, screenshot } from './support/browser.js';
import { buyAndPay, refundPosts } from './support/purchases.js';
import { jobEnd, newPhone, sectionInventory, textBoxOffice } from './support/sms.client.js';
import { postStripeEvent, refundEvent } from './support/stripe-events.js';

let office: BoxOffice;
let browser: Browser;

beforeAll(async () => {
  // PUBLIC_BASE_URL is https, so the cookie is Secure; Chromium keeps Secure cookies for loopback addresses too.
  office = await startBoxOffice();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await office?.stop();
});

/** Whether pressing Tab from the top reaches every link, button and field of the page, in turn (run in the page, as script text: the tests' types have no DOM). */
async function everyControlByTab(page: Page): Promise<boolean> {
  const CONTROLS = 'a[href], button, input:not([type=hidden]):not([hidden]), select';
  const controls = await page.locator(CONTROLS).count();
  await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  const reached = new Set<number>();
  for (let i = 0; i < controls + 2; i += 1) {
    await page.keyboard.press('Tab');
    reached.add(Number(await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(CONTROLS)})].indexOf(document.activeElement)`)));
  }
  reached.delete(-1);
  return reached.size === controls;
}

/** Controls a screen reader could not name: inputs and selects with no label, buttons and links with no text. */
async function unnamed(page: Page): Promise<string[]> {
  return page.locator('input:not([type=hidden]):not([hidden]), select, button, a').evaluateAll((elements) =>
    elements
      .filter((element) => {
        const control = element as unknown as { labels?: { length: number } | null };
        if (control.labels && control.labels.length > 0) return false;
        return !(element.getAttribute('aria-label') || element.textContent?.trim());
      })
      .map((element) => element.outerHTML.slice(0, 80)),
  );
}

describe('the staff console in a browser', () => {
  it('signs in by keyboard, shows the events, follows a new hold live, and signs out', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems = pageProblems(page);
    await page.goto(`${office.url}/staff`);
    expect(await unnamed(page)).toEqual([]);
    await page.getByLabel('Staff token').focus();
    await page.keyboard.type(TEST_STAFF_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    expect(await unnamed(page)).toEqual([]);

    const lakers = page.locator('[data-event="lakers-warriors"]');
    const held = lakers.locator('[data-section="101"] [data-field="held"]');
    const before = Number(await held.textContent());
    await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');
    const expected = (await sectionInventory(office, '101')).held;
    expect(expected).toBe(before + 2);
    await expect.poll(async () => Number(await held.textContent()), { timeout: 12_000, interval: 250 }).toBe(expected);
    await screenshot(page, 'staff-console.png');

    // An order, found by the customer's last four digits, and one ticket refunded.
    const phone = newPhone();
    const order = await buyAndPay(office, phone);
    await page.getByRole('link', { name: 'Find an order' }).click();
    await page.getByLabel('Order id, ticket code, last 4 digits of the phone, or chat user').fill(phone.slice(-4));
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: order.id }).click();
    await page.getByRole('heading', { name: new RegExp(order.id) }).waitFor();
    expect(await unnamed(page)).toEqual([]);
    expect(await everyControlByTab(page)).toBe(true);
    await page.getByLabel('Tickets to refund').selectOption('1');
    await page.getByLabel('Reason (kept on the refund)').fill('one guest cannot come');
    await page.getByRole('button', { name: 'Refund…' }).click();
    await page.getByText('1 of 2 valid tickets').waitFor();
    await page.getByRole('button', { name: 'Refund 1 now' }).click();
    await page.getByText('Refund asked of Stripe').waitFor();
    expect(refundPosts(office, order.id)).toHaveLength(1);
    await screenshot(page, 'staff-order.png');
    await page.getByRole('link', { name: 'Events' }).click();

    // The section's seat map: held and sold seats, each a link to its order.
    await lakers.getByRole('link', { name: 'Section 101' }).click();
    await page.getByRole('link', { name: new RegExp(`sold, order ${order.id}`) }).first().waitFor();
    expect(await page.locator('rect[data-state="held"]').count()).toBeGreaterThanOrEqual(2);
    expect(await unnamed(page)).toEqual([]);
    await screenshot(page, 'staff-seat-map.png');
    const seat = (label: string) => page.locator(`rect[data-seat="${label}"]`);
    expect(await Promise.all(order.seats.map((label) => seat(label).getAttribute('data-state')))).toEqual(['sold', 'sold']);
    // Stripe confirms the refund: one of the two seats is free on the map.
    const stripeRefund = [...office.stripe!.refunds.values()].find((refund) => refund.metadata.orderId === order.id)!;
    const confirmed = refundEvent(office, 'refund.created', stripeRefund.id);
    expect((await postStripeEvent(office, confirmed)).status).toBe(200);
    await jobEnd(office, 'payments', confirmed.id);
    await page.reload();
    expect((await Promise.all(order.seats.map((label) => seat(label).getAttribute('data-state')))).sort()).toEqual(['free', 'sold']);
    await page.getByRole('link', { name: 'Events' }).click();

    // An upgrade offered from another order's page (one with a refund is not offered any), and there once sent.
    const other = await buyAndPay(office, newPhone(), '2 tickets lakers section 102');
    await page.getByRole('link', { name: 'Find an order' }).click();
    await page.getByLabel('Order id, ticket code, last 4 digits of the phone, or chat user').fill(other.id);
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('heading', { name: new RegExp(other.id) }).waitFor();
    await page.getByLabel('To', { exact: true }).selectOption('club');
    await page.getByRole('button', { name: 'Offer…' }).click();
    await page.getByRole('button', { name: 'Send the offer' }).click();
    await page.getByText('Upgrade offered').waitFor();
    const [offer] = await office.foundation.commerce.orders.offersOf(other.id);
    await page.getByRole('cell', { name: offer!.id, exact: true }).waitFor();
    await page.getByRole('link', { name: 'Events' }).click();

    // The event's sales, charted.
    await lakers.getByRole('link', { name: 'Sales' }).click();
    await page.getByRole('img', { name: /^Tickets by section\. Section 101: \d+/ }).waitFor();
    await page.getByRole('link', { name: 'Events' }).click();

    // The sign-out button is reachable by keyboard too.
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Staff token').waitFor();
    // Signed out, the order page is refused: the sign-in form instead.
    await page.goto(`${office.url}/staff/console/orders/${order.id}`);
    await page.getByLabel('Staff token').waitFor();
    expect(await page.getByText(order.id).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
