// The demo chat page as a newcomer uses it, in a real headless Chromium:
// Microsoft's Web Chat on the box office's local Direct Line. Greeted on
// opening (webchat/join), buying by clicking the buttons, paying the demo
// checkout, and the tickets arriving in the chat, shown as written.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/redis/redis-server.process.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { launchBrowser, pageProblems, screenshot } from './support/browser.js';

let office: BoxOffice;
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  office = await startBoxOffice({ demo: true, port, env: { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await office?.stop();
});

/** The bot's messages in Web Chat's transcript, newest last. */
function botSays(page: Page, text: string | RegExp) {
  return page.locator('.webchat__bubble:not(.webchat__bubble--from-user)').filter({ hasText: text }).last();
}

async function click(page: Page, name: RegExp): Promise<void> {
  const button = page.getByRole('button', { name }).last();
  await button.waitFor({ timeout: 15_000 });
  await button.click();
}

describe('the demo chat page (Web Chat on a local Direct Line)', { timeout: 90_000 }, () => {
  it('greets on opening, sells by clicking, and shows the tickets after the demo checkout is paid', async () => {
    const context = await browser.newContext({ viewport: { width: 480, height: 900 } });
    const chat = await context.newPage();
    const problems = pageProblems(chat);
    await chat.goto(`${office.url}/demo/chat`);

    // Greeted before typing anything: the page sends webchat/join.
    await botSays(chat, 'This is the Box Office').waitFor({ timeout: 20_000 });
    const input = chat.getByRole('textbox').last();
    await input.fill('hi');
    await input.press('Enter');
    await click(chat, /Lakers vs Warriors/);
    await click(chat, /Section 101/);
    await click(chat, /^2$/);

    const hold = botSays(chat, 'Holding Section 101');
    await hold.waitFor({ timeout: 15_000 });
    // "Crypto.com Arena" is a venue, not a link to crypto.com.
    expect(await hold.textContent()).toContain('Crypto.com Arena');
    expect(await chat.locator('a', { hasText: /crypto\.com/i }).count()).toBe(0);

    const [checkout] = await Promise.all([context.waitForEvent('page'), click(chat, /Pay \$400/)]);
    await checkout.waitForLoadState();
    expect(await checkout.textContent('body')).toContain('DEMO CHECKOUT');
    await checkout.getByRole('button', { name: /Pay/ }).click();
    await checkout.waitForURL(/paid=1/);

    const tickets = botSays(chat, 'Your tickets');
    await tickets.waitFor({ timeout: 20_000 });
    // Its lines are kept: the seats, the tickets and the door each on a line of their own.
    const shown = await tickets.innerText();
    expect(shown).toMatch(/seats 1-2\.\s*\n\s*Your tickets: BX-[A-Z0-9]+-A1-/);
    expect(shown).toMatch(/\n\s*Show their QR codes at the door: \S*http:\/\/127\.0\.0\.1:\d+\/t\/[A-Za-z0-9_-]{22}/);
    // The ticket page link is a link, on this box office.
    expect(await tickets.locator('a[href*="/t/"]').count()).toBe(1);
    const picture = await screenshot(chat, 'demo-chat.png');
    expect(picture.length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await context.close();
  });
});
