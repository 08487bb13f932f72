// The staff console in a real headless Chromium: signing in by keyboard
// alone (Tab to the labelled field, type, Enter), the events with each
// section's counts, a hold made by text showing up without a reload (the
// page's own refresh), no script or policy error on the page, and signing
// out back to the sign-in form.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { launchBrowser, pageProblems, screenshot } from './support/browser.js';
import { newPhone, sectionInventory, textBoxOffice } from './support/sms.client.js';

let office: BoxOffice;
let browser: Browser;

beforeAll(async () => {
  // PUBLIC_BASE_URL is https, so the cookie is Secure; Chromium keeps Secure cookies for loopback addresses too.
  office = await startBoxOffice({ worker: false });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await office?.stop();
});

describe('the staff console in a browser', () => {
  it('signs in by keyboard, shows the events, follows a new hold live, and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems = pageProblems(page);
    await page.goto(`${office.url}/staff`);
    await page.getByLabel('Staff token').focus();
    await page.keyboard.type(TEST_STAFF_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Events' }).waitFor();

    const lakers = page.locator('[data-event="lakers-warriors"]');
    const held = lakers.locator('[data-section="101"] [data-field="held"]');
    const before = Number(await held.textContent());
    await textBoxOffice(office, newPhone(), '2 tickets lakers section 101');
    const expected = (await sectionInventory(office, '101')).held;
    expect(expected).toBe(before + 2);
    await expect.poll(async () => Number(await held.textContent()), { timeout: 12_000, interval: 250 }).toBe(expected);
    await screenshot(page, 'staff-console.png');

    // The sign-out button is reachable by keyboard too.
    await page.getByRole('button', { name: 'Sign out' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Staff token').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
