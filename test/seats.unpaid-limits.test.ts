// The seat engine's limits on unpaid holds (hold.lua), against a real Redis:
// a section's share for customers who never paid, and open holds per origin.
// Sell and release do not know these counts; holds that end must still leave them.
import type { RedisClient } from '../src/redis/redis.client.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogSchema, type Section } from '../src/catalog/catalog.schema.js';
import { EventCatalog } from '../src/catalog/event-catalog.js';
import { SeatStore, type HoldRequest } from '../src/seats/seat.store.js';
import { testRedis, uniquePrefix } from './support/redis.js';

const EVENT = 'limits-2026-12-05';
const NOW = Date.parse('2026-11-01T12:00:00Z');
const IN_30_MIN = NOW + 30 * 60_000;
const SECTIONS: Section[] = [
  { id: 'ga', name: 'Standing', tier: 0, price: 5_000, capacity: 40 },
  { id: 'box', name: 'Box', tier: 2, price: 50_000, rows: { A: 6 } },
];

let redis: RedisClient;
let store: SeatStore;
let counter = 0;

beforeEach(() => {
  redis = testRedis();
  const catalog = new EventCatalog(
    catalogSchema.parse({ events: [{ id: EVENT, name: 'Limits', startsAt: '2026-12-05T19:30:00-08:00', venue: 'Arena', currency: 'usd', sections: SECTIONS }] }),
  );
  store = new SeatStore(redis, catalog, { prefix: uniquePrefix(), maxPartySize: 4, unpaidSharePercent: 50, maxOpenHoldsPerOrigin: 2 });
});

afterEach(async () => {
  await redis.quit();
});

function req(sectionId: string, quantity: number, over: Partial<HoldRequest> = {}): HoldRequest {
  counter += 1;
  return { eventId: EVENT, sectionId, quantity, holdId: `BX-${counter}`, customerKey: `c${counter}`, expiresAt: IN_30_MIN, now: NOW, ...over };
}

async function holdOk(request: HoldRequest): Promise<string> {
  const result = await store.hold(request);
  if (!result.ok) throw new Error(`hold refused: ${result.reason}`);
  return request.holdId;
}

describe('the unpaid share of a section', () => {
  it('refuses past half the section, counts only unpaid holds, and frees what is sold or released', async () => {
    const sold = await holdOk(req('ga', 4, { unpaid: true }));
    const released = await holdOk(req('ga', 4, { unpaid: true }));
    for (let i = 0; i < 3; i += 1) await holdOk(req('ga', 4, { unpaid: true }));
    expect(await store.hold(req('ga', 4, { unpaid: true }))).toMatchObject({ ok: false, reason: 'unpaid_share', available: 20 });
    // A customer who has paid before is not in the share.
    await holdOk(req('ga', 4));

    expect((await store.sell(EVENT, sold)).ok).toBe(true);
    await holdOk(req('ga', 4, { unpaid: true }));
    expect((await store.release(EVENT, released)).ok).toBe(true);
    await holdOk(req('ga', 4, { unpaid: true }));
    expect(await store.hold(req('ga', 1, { unpaid: true }))).toMatchObject({ ok: false, reason: 'unpaid_share' });
  });

  it('always leaves room for one full party, however small the share', async () => {
    // Half of 6 is 3; a party may be 4.
    await holdOk(req('box', 4, { unpaid: true }));
    expect(await store.hold(req('box', 1, { unpaid: true }))).toMatchObject({ ok: false, reason: 'unpaid_share' });
  });
});

describe('open holds per origin', () => {
  it('refuses an origin past its budget in the event, whoever the customer, until one of its holds ends', async () => {
    const first = await holdOk(req('ga', 1, { originKey: 'addr-1' }));
    await holdOk(req('ga', 1, { originKey: 'addr-1' }));
    expect(await store.hold(req('ga', 1, { originKey: 'addr-1' }))).toMatchObject({ ok: false, reason: 'origin_holds' });
    await holdOk(req('ga', 1, { originKey: 'addr-2' }));

    expect((await store.release(EVENT, first)).ok).toBe(true);
    await holdOk(req('ga', 1, { originKey: 'addr-1' }));
    // An expired hold no longer counts, as for a customer's own cap.
    await holdOk(req('ga', 1, { originKey: 'addr-3', expiresAt: NOW + 1 }));
    await holdOk(req('ga', 1, { originKey: 'addr-3', now: NOW + 2 }));
    await holdOk(req('ga', 1, { originKey: 'addr-3', now: NOW + 2 }));
  });
});
