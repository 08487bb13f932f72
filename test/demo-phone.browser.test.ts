// The demo phone as a newcomer uses it, in a real headless Chromium: type a
// request on /demo/phone, open the pay link it answers with, pay the demo
// checkout, and see the tickets arrive on the phone.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/redis/redis-server.process.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { launchBrowser, pageProblems, screenshot } from './support/browser.js';

let office: BoxOffice;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  // Links the phone shows must open here: PUBLIC_BASE_URL is the box office itself.
  office = await startBoxOffice({ demo: true, noTwilio: true, port, env: { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await office?.stop();
});

describe('the demo phone page', { timeout: 60_000 }, () => {
  it('buys tickets by typing: the reply with a pay link, the demo checkout, then the tickets on the phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 760 } });
    const phone = await context.newPage();
    const problems = pageProblems(phone);
    await phone.goto(`${office.url}/demo/phone`);
    // Labelled controls, reachable by keyboard: the text box has the focus after one Tab from the number.
    await expect.poll(() => phone.getByLabel('Your phone number').inputValue()).toMatch(/^\+1555\d{7}$/);
    await phone.getByLabel('Your phone number').focus();
    await phone.keyboard.press('Tab');
    await phone.keyboard.type('2 tickets lakers section 101');
    await phone.keyboard.press('Enter');

    const reply = phone.locator('#messages li.box').filter({ hasText: 'Holding Section 101' });
    await reply.waitFor({ timeout: 15_000 });
    await expect.poll(() => phone.locator('#messages li.you').first().textContent()).toContain('2 tickets lakers section 101');
    const link = reply.locator('a');
    expect(await link.getAttribute('href')).toMatch(/\/p\/BX-[A-Z0-9]+\//);

    // The link opens the demo checkout in a new tab; pay there.
    const [checkout] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await checkout.waitForLoadState();
    expect(await checkout.textContent('body')).toContain('DEMO CHECKOUT');
    await checkout.getByRole('button', { name: /Pay/ }).click();
    await checkout.waitForURL(/paid=1/);

    const tickets = phone.locator('#messages li.box').filter({ hasText: 'Your tickets' });
    await tickets.waitFor({ timeout: 15_000 });
    expect(await tickets.textContent()).toMatch(/BX-[A-Z0-9]+-A1-/);
    // The ticket text keeps its lines.
    expect(await tickets.evaluate((item) => item.ownerDocument.defaultView!.getComputedStyle(item).whiteSpace)).toBe('pre-wrap');
    expect(await phone.locator('#messages li').count()).toBe(3);
    const picture = await screenshot(phone, 'demo-phone.png');
    expect(picture.length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await context.close();
  });
});
