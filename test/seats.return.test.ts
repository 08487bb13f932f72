// Refunds put sold seats back on sale: return.lua, alone and racing holds.
import type { RedisClient } from '../src/redis/redis.client.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalogSchema, sectionCapacity, type Section } from '../src/catalog/catalog.schema.js';
import { EventCatalog } from '../src/catalog/event-catalog.js';
import { SeatStore, type Allocation } from '../src/seats/seat.store.js';
import { testRedis, uniquePrefix } from './support/redis.js';

const EVENT = 'lakers-2026-12-05';
const NOW = Date.parse('2026-11-01T12:00:00Z');

const SECTIONS: Section[] = [
  { id: '101', name: 'Section 101', tier: 1, price: 20_000, rows: { A: 4, B: 4 } },
  { id: 'ga', name: 'Standing', tier: 0, price: 5_000, capacity: 5 },
];
const catalog = new EventCatalog(
  catalogSchema.parse({
    events: [{ id: EVENT, name: 'Lakers vs Warriors', startsAt: '2026-12-05T19:30:00-08:00', venue: 'Arena', currency: 'usd', sections: SECTIONS }],
  }),
);

describe('SeatStore.returnSold', () => {
  let redis: RedisClient;
  let store: SeatStore;
  let counter = 0;

  beforeAll(() => {
    redis = testRedis();
  });

  afterAll(async () => {
    await redis.quit();
  });

  beforeEach(() => {
    store = new SeatStore(redis, catalog, { prefix: uniquePrefix() });
  });

  async function sold(sectionId: string, quantity: number): Promise<Allocation> {
    counter += 1;
    const holdId = `BX-R${counter}`;
    const held = await store.hold({ eventId: EVENT, sectionId, quantity, holdId, customerKey: `c${counter}`, expiresAt: NOW + 60_000, now: NOW });
    if (!held.ok) throw new Error(`hold refused: ${held.reason}`);
    const sale = await store.sell(EVENT, holdId, NOW);
    if (!sale.ok) throw new Error(`sell refused: ${sale.reason}`);
    return sale.allocation;
  }

  async function counts(sectionId: string) {
    const section = (await store.inventory(EVENT))!.sections.find((s) => s.id === sectionId)!;
    return { held: section.held, sold: section.sold, available: section.available };
  }

  it('returns some seats of a sold allocation and keeps the rest sold', async () => {
    const allocation = await sold('101', 4);
    expect(allocation.seats).toEqual(['A-1', 'A-2', 'A-3', 'A-4']);

    const result = await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-1', seats: ['A-3', 'A-4'], places: 2 });
    expect(result).toMatchObject({ ok: true, already: false, allocation: { state: 'sold', quantity: 2, seats: ['A-1', 'A-2'] } });
    expect(await store.seatMap(EVENT, '101')).toEqual({ A: 'SS..', B: '....' });
    expect(await counts('101')).toEqual({ held: 0, sold: 2, available: 6 });
  });

  it('applies one return id once', async () => {
    const allocation = await sold('101', 4);
    const request = { eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-ONCE', seats: ['A-4'], places: 1 };
    expect((await store.returnSold(request)).ok).toBe(true);
    const again = await store.returnSold(request);
    expect(again).toMatchObject({ ok: true, already: true, allocation: { quantity: 3, seats: ['A-1', 'A-2', 'A-3'] } });
    expect(await counts('101')).toEqual({ held: 0, sold: 3, available: 5 });
  });

  it('ends the allocation "returned" when the last seats go back, and refuses more', async () => {
    const allocation = await sold('101', 2);
    await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-A', seats: ['A-2'], places: 1 });
    const last = await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-B', seats: ['A-1'], places: 1 });
    expect(last).toMatchObject({ ok: true, allocation: { state: 'returned', quantity: 0, seats: [] } });
    expect(await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-C', seats: ['A-1'], places: 1 })).toEqual({ ok: false, reason: 'not_sold' });
    // A returned allocation is neither sold again nor released.
    expect(await store.sell(EVENT, allocation.holdId)).toMatchObject({ ok: false });
    expect(await counts('101')).toEqual({ held: 0, sold: 0, available: 8 });
  });

  it('returns general-admission places by count', async () => {
    const allocation = await sold('ga', 3);
    const result = await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-GA', seats: [], places: 2 });
    expect(result).toMatchObject({ ok: true, allocation: { state: 'sold', quantity: 1 } });
    expect(await counts('ga')).toEqual({ held: 0, sold: 1, available: 4 });
    expect(await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-GA2', seats: [], places: 2 })).toEqual({ ok: false, reason: 'too_many' });
  });

  it('refuses what is not sold or not the allocation’s, changing nothing', async () => {
    const allocation = await sold('101', 2);
    counter += 1;
    const held = await store.hold({ eventId: EVENT, sectionId: '101', quantity: 2, holdId: `BX-H${counter}`, customerKey: 'x', expiresAt: NOW + 60_000, now: NOW });
    expect(held.ok).toBe(true);
    const before = await store.seatMap(EVENT, '101');

    expect(await store.returnSold({ eventId: EVENT, holdId: 'BX-NONE', returnId: 'RF-1', seats: ['A-1'], places: 1 })).toEqual({ ok: false, reason: 'unknown_hold' });
    expect(await store.returnSold({ eventId: EVENT, holdId: `BX-H${counter}`, returnId: 'RF-2', seats: ['A-3'], places: 1 })).toEqual({ ok: false, reason: 'not_sold' });
    expect(await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-3', seats: ['A-3'], places: 1 })).toEqual({ ok: false, reason: 'not_in_allocation' });
    expect(await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-4', seats: ['A-1', 'A-1'], places: 2 })).toEqual({ ok: false, reason: 'not_in_allocation' });
    expect(await store.returnSold({ eventId: EVENT, holdId: allocation.holdId, returnId: 'RF-5', seats: ['A-1', 'A-2', 'A-3'], places: 3 })).toEqual({ ok: false, reason: 'too_many' });

    expect(await store.seatMap(EVENT, '101')).toEqual(before);
    expect(await counts('101')).toEqual({ held: 2, sold: 2, available: 4 });
  });

  it('puts returned seats back where the next hold can take them', async () => {
    const first = await sold('101', 4);
    await sold('101', 4); // row B
    await store.returnSold({ eventId: EVENT, holdId: first.holdId, returnId: 'RF-1', seats: ['A-3', 'A-4'], places: 2 });
    const next = await store.hold({ eventId: EVENT, sectionId: '101', quantity: 2, holdId: 'BX-NEXT', customerKey: 'n', expiresAt: NOW + 60_000, now: NOW });
    expect(next).toMatchObject({ ok: true, allocation: { seats: ['A-3', 'A-4'] } });
  });
});

describe('returns racing holds', () => {
  const prefix = uniquePrefix();
  const connections: RedisClient[] = [];
  const stores: SeatStore[] = [];
  const ROWS = 6;
  const SEATS_PER_ROW = 10;
  const sections: Section[] = [
    { id: 'floor', name: 'Floor', tier: 1, price: 10_000, rows: Object.fromEntries(Array.from({ length: ROWS }, (_, i) => [`R${i}`, SEATS_PER_ROW])) },
    { id: 'ga', name: 'Standing', tier: 0, price: 5_000, capacity: 40 },
  ];
  const raceCatalog = new EventCatalog(
    catalogSchema.parse({ events: [{ id: EVENT, name: 'Race', startsAt: '2026-12-05T19:30:00-08:00', venue: 'Arena', currency: 'usd', sections }] }),
  );
  const holdIds: string[] = [];
  let returnedPlaces = 0;
  let appliedReturns = 0;
  let soldBefore = 0;

  beforeAll(async () => {
    for (let i = 0; i < 4; i += 1) {
      const redis = testRedis();
      connections.push(redis);
      stores.push(new SeatStore(redis, raceCatalog, { prefix, maxOpenHoldsPerCustomer: 100 }));
    }
    const store = stores[0]!;
    // Fill most of the venue with sold allocations of 2-4 places.
    const sold: Allocation[] = [];
    for (let i = 0; i < 24; i += 1) {
      const sectionId = i % 3 === 0 ? 'ga' : 'floor';
      const held = await store.hold({ eventId: EVENT, sectionId, quantity: 2 + (i % 3), holdId: `S-${i}`, customerKey: `s${i}`, expiresAt: NOW + 60_000, now: NOW });
      if (!held.ok) continue;
      const sale = await store.sell(EVENT, `S-${i}`, NOW);
      if (sale.ok) sold.push(sale.allocation);
      holdIds.push(`S-${i}`);
    }
    soldBefore = sold.reduce((n, a) => n + a.quantity, 0);

    // Refund one place of every sold allocation (each refund delivered twice,
    // concurrently) while new customers keep trying to hold 1-3 places.
    const returns = sold.map(async (allocation, i) => {
      const seats = allocation.seats.length > 0 ? allocation.seats.slice(-1) : [];
      const request = { eventId: EVENT, holdId: allocation.holdId, returnId: `RF-${i}`, seats, places: 1, now: NOW };
      const results = await Promise.all([stores[i % 4]!.returnSold(request), stores[(i + 1) % 4]!.returnSold(request)]);
      appliedReturns += results.filter((r) => r.ok && !r.already).length;
      if (results.some((r) => r.ok)) returnedPlaces += 1;
    });
    const holds = Array.from({ length: 60 }, async (_, i) => {
      const holdId = `N-${i}`;
      holdIds.push(holdId);
      await stores[i % 4]!.hold({
        eventId: EVENT, sectionId: i % 2 === 0 ? 'floor' : 'ga', quantity: 1 + (i % 3), holdId, customerKey: `n${i}`, expiresAt: NOW + 60_000, now: NOW,
      });
    });
    await Promise.all([...returns, ...holds]);
  });

  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.quit()));
  });

  async function live(): Promise<Allocation[]> {
    const all = await Promise.all(holdIds.map((id) => stores[0]!.allocation(EVENT, id)));
    return all.filter((a): a is Allocation => a !== undefined && (a.state === 'held' || a.state === 'sold'));
  }

  it('applied each return once, however often it was delivered', () => {
    expect(returnedPlaces).toBeGreaterThan(10);
    expect(appliedReturns).toBe(returnedPlaces);
  });

  it('keeps the counters equal to the live allocations', async () => {
    const allocations = await live();
    const inventory = (await stores[0]!.inventory(EVENT))!;
    for (const section of sections) {
      const counted = inventory.sections.find((s) => s.id === section.id)!;
      const mine = allocations.filter((a) => a.sectionId === section.id);
      const sum = (state: string) => mine.filter((a) => a.state === state).reduce((n, a) => n + a.quantity, 0);
      expect({ section: section.id, held: counted.held, sold: counted.sold }).toEqual({ section: section.id, held: sum('held'), sold: sum('sold') });
      expect(counted.held + counted.sold).toBeLessThanOrEqual(sectionCapacity(section));
    }
    const soldNow = allocations.filter((a) => a.holdId.startsWith('S-')).reduce((n, a) => n + a.quantity, 0);
    expect(soldNow).toBe(soldBefore - returnedPlaces);
  });

  it('has a seat map that is exactly the live allocations, with no seat in two', async () => {
    const expected: Record<string, string[]> = Object.fromEntries(Array.from({ length: ROWS }, (_, i) => [`R${i}`, Array(SEATS_PER_ROW).fill('.')]));
    for (const allocation of (await live()).filter((a) => a.sectionId === 'floor')) {
      for (const seat of allocation.seats) {
        const [row, n] = seat.split('-') as [string, string];
        expect(expected[row]![Number(n) - 1], `${seat} twice`).toBe('.');
        expected[row]![Number(n) - 1] = allocation.state === 'held' ? 'H' : 'S';
      }
    }
    expect(await stores[0]!.seatMap(EVENT, 'floor')).toEqual(Object.fromEntries(Object.entries(expected).map(([row, seats]) => [row, seats.join('')])));
  });
});
