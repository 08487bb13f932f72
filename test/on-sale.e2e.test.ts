// An event with `onSaleAt` ahead is not sold before it: a customer asking for
// it is told when it goes on sale, on the venue's clock, and nothing is held;
// an event whose on-sale has passed sells as any other. The catalog refuses
// an on-sale after the start, and a rolled sample catalog moves the on-sale
// with its event. Against the test Redis and the local Stripe and Twilio servers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogSchema } from '../src/catalog/catalog.schema.js';
import { rollForward } from '../src/catalog/roll-forward.js';
import { startBoxOffice, type BoxOffice } from './support/box-office.harness.js';
import { DAY_MS, HOUR_MS, startsAtIn } from './support/dates.js';
import { newPhone, payLinkIn, sectionInventory, textBoxOffice } from './support/sms.client.js';

let office: BoxOffice;
let dir: string;

const sections = [{ id: '101', name: 'Section 101', tier: 1, price: 10_000, rows: { A: 20 } }];
const base = { venue: 'Town Hall', currency: 'usd', sections };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'on-sale-catalog-'));
  writeFileSync(
    join(dir, 'events.json'),
    JSON.stringify({
      events: [
        { ...base, id: 'big-tour', name: 'Big Tour', aliases: ['big tour'], startsAt: startsAtIn(30 * DAY_MS), onSaleAt: startsAtIn(2 * DAY_MS) },
        { ...base, id: 'open-now', name: 'Open Now', aliases: ['open now'], startsAt: startsAtIn(30 * DAY_MS), onSaleAt: startsAtIn(-HOUR_MS) },
      ],
    }),
  );
  office = await startBoxOffice({ env: { CATALOG_PATH: join(dir, 'events.json') } });
});

afterAll(async () => {
  await office?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('an event not on sale yet', () => {
  it('tells the customer when it goes on sale, and holds nothing', async () => {
    const reply = (await textBoxOffice(office, newPhone(), '2 tickets big tour section 101')).messages.join('\n');
    expect(reply).toMatch(/^Big Tour, .+ goes on sale \w{3} \w{3} \d{1,2}, \d{1,2}(?::\d{2})?(?:am|pm)\. Nothing is held yet: message us then to buy\.$/);
    expect(payLinkIn(reply)).toBeUndefined();
    expect((await sectionInventory(office, '101', 'big-tour')).held).toBe(0);
  });

  it('sells an event whose on-sale has passed', async () => {
    const reply = (await textBoxOffice(office, newPhone(), '2 tickets open now section 101')).messages.join('\n');
    expect(payLinkIn(reply)).toBeDefined();
    expect((await sectionInventory(office, '101', 'open-now')).held).toBe(2);
  });

  it('refuses a catalog whose on-sale is not before the start', () => {
    const startsAt = '2027-03-01T19:30:00-08:00';
    const parsed = catalogSchema.safeParse({ events: [{ ...base, id: 'late', name: 'Late', startsAt, onSaleAt: startsAt }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['events', 0, 'onSaleAt'], message: 'must be before startsAt: an event cannot go on sale after it starts' });
    expect(catalogSchema.safeParse({ events: [{ ...base, id: 'bad', name: 'Bad', startsAt, onSaleAt: 'next friday' }] }).success).toBe(false);
  });

  it('moves the on-sale with its event when a sample catalog rolls forward', () => {
    const catalog = catalogSchema.parse({
      rollForward: true,
      events: [{ ...base, id: 'old', name: 'Old', startsAt: '2020-03-10T19:30:00-07:00', onSaleAt: '2020-02-10T10:00:00-08:00', timeZone: 'America/Los_Angeles' }],
    });
    const [event] = rollForward(catalog, new Date()).events;
    expect(Date.parse(event!.startsAt)).toBeGreaterThan(Date.now());
    // Whole weeks, so the gap between on-sale and start stays (give or take a daylight-saving hour).
    const gap = Date.parse(event!.startsAt) - Date.parse(event!.onSaleAt!);
    expect(Math.abs(gap - (Date.parse('2020-03-10T19:30:00-07:00') - Date.parse('2020-02-10T10:00:00-08:00')))).toBeLessThanOrEqual(HOUR_MS);
    expect(event!.onSaleAt).toMatch(/T10:00:00-0[78]:00$/);
  });
});
