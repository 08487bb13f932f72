// Tickets at the door, in a real headless Chromium: the ticket page a
// customer opens from their text draws a QR code that decodes (jsQR, here in
// the test) to a value check-in admits; the door page admits a typed code and
// says NO, with when and where, to the second scan; and its camera reads a
// ticket held up to it (Chromium's fake camera playing the page's own QR code).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoxOffice, TEST_STAFF_TOKEN, type BoxOffice } from './support/box-office.harness.js';
import { launchBrowser, pageProblems, screenshot } from './support/browser.js';
import { buyAndPay } from './support/purchases.js';
import { LATE, writeRefundCatalog } from './support/refund-catalog.js';
import { newPhone, smsTo } from './support/sms.client.js';

let office: BoxOffice;
let browser: Browser;
let catalog: ReturnType<typeof writeRefundCatalog>;
// jsQR's build is CommonJS with its function as both module.exports and .default; its types name only the default.
const jsQR = jsQRModule.default;
const scratch = mkdtempSync(join(tmpdir(), 'box-office-door-'));

beforeAll(async () => {
  catalog = writeRefundCatalog();
  // The late show's doors are open: it starts within 48 hours.
  office = await startBoxOffice({ env: { CATALOG_PATH: catalog.path, CHECKIN_OPENS_HOURS_BEFORE: '48' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await office?.stop();
  catalog?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** A paid order of the late show, and the ticket page link its text carried, on this box office (the text's is on PUBLIC_BASE_URL). */
async function ticketsBought(text = '2 tickets late show section 101'): Promise<{ tickets: string[]; link: string }> {
  const phone = newPhone();
  const order = await buyAndPay(office, phone, text);
  const link = smsTo(office, phone)
    .map((message) => /https?:\/\/\S+(\/t\/[A-Za-z0-9_-]{22})/.exec(message)?.[1])
    .find(Boolean);
  expect(link).toBeDefined();
  return { tickets: order.tickets, link: `${office.url}${link}` };
}

/** The picture of one ticket's QR code as the phone draws it, and what it decodes to. */
async function qrOf(page: Page, code: string): Promise<{ png: PNG; value: string | undefined }> {
  const png = PNG.sync.read(await page.locator(`section[data-code="${code}"] .qr svg`).screenshot());
  return { png, value: jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data };
}

async function checkin(code: string): Promise<{ status: number; body: { admitted: boolean; reason?: string } }> {
  const response = await fetch(`${office.url}/staff/checkin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_STAFF_TOKEN}` },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: (await response.json()) as { admitted: boolean; reason?: string } };
}

async function doorContext(on: Browser): Promise<BrowserContext> {
  return on.newContext({ viewport: { width: 390, height: 800 }, httpCredentials: { username: 'door', password: TEST_STAFF_TOKEN } });
}

describe('tickets at the door', { timeout: 90_000 }, () => {
  it('the ticket page draws QR codes that decode to values check-in admits, then shows the ticket admitted', async () => {
    const { tickets, link } = await ticketsBought();
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const problems = pageProblems(page);
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Late Show');
    // Fits a phone: nothing wider than the screen.
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'ticket-page.png');

    const decoded = await Promise.all(tickets.map(async (code) => (await qrOf(page, code)).value));
    expect(decoded.map((value) => value?.split('.')[0])).toEqual(tickets);
    expect((await checkin(decoded[0]!)).body).toMatchObject({ admitted: true });
    expect((await checkin(decoded[0]!)).body).toMatchObject({ admitted: false, reason: 'already_admitted' });

    await page.reload();
    const card = page.locator(`section[data-code="${tickets[0]}"]`);
    expect(await card.getAttribute('class')).toBe('ticket admitted');
    expect(await card.locator('svg').count()).toBe(0);
    expect(await card.locator('.state').textContent()).toMatch(/^Admitted /);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the door page admits a typed code once, then says NO with when and where, and counts who is in', async () => {
    const { tickets } = await ticketsBought('1 ticket late show section 101');
    const context = await doorContext(browser);
    const door = await context.newPage();
    const problems = pageProblems(door);
    await door.goto(`${office.url}/staff/door`);
    await door.getByLabel('Event').selectOption(LATE);
    await door.getByLabel('Gate').fill('North 1');
    await door.getByLabel('Gate').dispatchEvent('change');

    await door.getByLabel('Ticket code').fill(tickets[0]!.toLowerCase());
    await door.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => door.locator('#word').textContent()).toBe('ADMIT');
    expect(await door.locator('#verdict').getAttribute('class')).toBe('admit');
    expect(await door.locator('#detail').textContent()).toContain('Section 101');
    await expect.poll(() => door.locator('#count').textContent()).toMatch(/^\d+ in of \d+ sold$/);

    await door.getByLabel('Ticket code').fill(tickets[0]!);
    await door.keyboard.press('Enter');
    await expect.poll(() => door.locator('#word').textContent()).toBe('NO');
    expect(await door.locator('#verdict').getAttribute('class')).toBe('no');
    expect(await door.locator('#detail').textContent()).toMatch(/^Already admitted at .+, North 1\.$/);
    await screenshot(door, 'door-page.png');

    await door.getByLabel('Ticket code').fill('BX-ZZZZ-A1-ZZZZ');
    await door.keyboard.press('Enter');
    await expect.poll(() => door.locator('#detail').textContent()).toBe('No such ticket.');
    // Chromium logs the two refusals' statuses (409, 404); nothing else went wrong on the page.
    expect(problems).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)', 'Failed to load resource: the server responded with a status of 404 (Not Found)']);
    await context.close();
  });

  it('asks for the staff login, and takes scans only from the door page itself', async () => {
    const signIn = await fetch(`${office.url}/staff/door`);
    expect(signIn.status).toBe(401);
    expect(signIn.headers.get('www-authenticate')).toMatch(/^Basic realm="Box office staff"/);
    const forged = await fetch(`${office.url}/staff/door/checkin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`door:${TEST_STAFF_TOKEN}`).toString('base64')}`, 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ code: 'BX-ZZZZ-A1-ZZZZ' }),
    });
    expect(forged.status).toBe(403);
  });

  it('the door camera reads a ticket held up to it and admits it', async () => {
    const { tickets, link } = await ticketsBought('1 ticket late show section 101');
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(link);
    const { png, value } = await qrOf(phone, tickets[0]!);
    expect(value).toBeDefined();
    await phone.close();

    // Chromium's fake camera plays a file: the phone's QR code on a grey frame.
    const video = join(scratch, 'ticket.y4m');
    writeFileSync(video, y4mFrame(png, 640, 480));
    const camera = await launchBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      const context = await doorContext(camera);
      await context.grantPermissions(['camera'], { origin: office.url });
      const door = await context.newPage();
      const problems = pageProblems(door);
      await door.goto(`${office.url}/staff/door`);
      await door.getByRole('button', { name: 'Start camera' }).click();
      await expect.poll(() => door.locator('#word').textContent(), { timeout: 20_000 }).toBe('ADMIT');
      expect((await checkin(value!)).body).toMatchObject({ admitted: false, reason: 'already_admitted' });
      // The same ticket still in front of the camera is one scan, not a second one refused.
      await door.waitForTimeout(1_000);
      expect(await door.locator('#word').textContent()).toBe('ADMIT');
      expect(problems).toEqual([]);
    } finally {
      await camera.close();
    }
  });
});

/**
 * One frame of YUV4MPEG2 (what --use-file-for-fake-video-capture plays, on a
 * loop): `picture` in grey levels, centred on a light grey frame.
 */
function y4mFrame(picture: PNG, width: number, height: number): Buffer {
  const luma = Buffer.alloc(width * height, 200);
  const scale = Math.min(1, (height * 0.9) / picture.height);
  const drawn = { width: Math.floor(picture.width * scale), height: Math.floor(picture.height * scale) };
  const left = Math.floor((width - drawn.width) / 2);
  const top = Math.floor((height - drawn.height) / 2);
  for (let y = 0; y < drawn.height; y += 1) {
    for (let x = 0; x < drawn.width; x += 1) {
      const from = (Math.floor(y / scale) * picture.width + Math.floor(x / scale)) * 4;
      const grey = 0.299 * picture.data[from]! + 0.587 * picture.data[from + 1]! + 0.114 * picture.data[from + 2]!;
      luma[(top + y) * width + left + x] = Math.round(grey);
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]);
}
