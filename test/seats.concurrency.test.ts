// Hundreds of customers race for fewer seats over several connections, with
// sells, releases and upgrades interleaved. Afterwards the seat maps, the
// counters and the allocations must tell one consistent story.
import type { RedisClient } from '../src/redis/redis.client.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogSchema, sectionCapacity, type Section } from '../src/catalog/catalog.schema.js';
import { EventCatalog } from '../src/catalog/event-catalog.js';
import { SeatStore, type Allocation } from '../src/seats/seat.store.js';
import { testRedis, uniquePrefix } from './support/redis.js';

const EVENT = 'finals-2026-06-01';
const NOW = Date.parse('2026-05-01T12:00:00Z');
const CONNECTIONS = 6;
const ATTEMPTS = 600;
const FLOWS = 60;
const CUSTOMERS = 120;
const MAX_OPEN_HOLDS = 2;

const SECTIONS: Section[] = [
  { id: 'floor', name: 'Floor', tier: 2, price: 30_000, rows: { A: 10, B: 10, C: 9, D: 12, E: 7 } },
  // Only upgrades hold here, so some swaps find seats while floor and GA sell out.
  { id: 'upper', name: 'Upper', tier: 3, price: 50_000, rows: { U: 10, V: 10, W: 10 } },
  { id: 'ga', name: 'Standing', tier: 0, price: 5_000, capacity: 60 },
];
const catalog = new EventCatalog(
  catalogSchema.parse({
    events: [{ id: EVENT, name: 'Finals', startsAt: '2026-06-01T19:00:00-07:00', venue: 'Arena', currency: 'usd', sections: SECTIONS }],
  }),
);

/** Small seeded PRNG (mulberry32) so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('seat engine under concurrency', () => {
  const seed = Date.now() % 1_000_000;
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const prefix = uniquePrefix();
  const connections: RedisClient[] = [];
  const stores: SeatStore[] = [];
  const holdIds = new Set<string>();
  const outcomes = { held: 0, refused: new Map<string, number>(), raceWinners: [] as number[], swapWinners: [] as number[] };

  beforeAll(async () => {
    for (let i = 0; i < CONNECTIONS; i++) {
      const redis = testRedis();
      connections.push(redis);
      stores.push(new SeatStore(redis, catalog, { prefix, maxOpenHoldsPerCustomer: MAX_OPEN_HOLDS }));
    }
    // FLOWS customers at a time, each taking the next attempt as soon as it is
    // done, so holds keep racing the sells and releases that free seats.
    let next = 0;
    const flow = async () => {
      while (next < ATTEMPTS) await customer(next++);
    };
    await Promise.all(Array.from({ length: FLOWS }, flow));
  });

  afterAll(async () => {
    await Promise.all(connections.map((redis) => redis.quit()));
  });

  const anyStore = () => pick(stores);

  /** One customer's flow: hold, then sell, release, race both, upgrade, or walk away. */
  async function customer(i: number): Promise<void> {
    // Every 25th attempt reuses an earlier hold id: at most one of them may hold.
    const holdId = i % 25 === 24 ? `H-${i - 1}` : `H-${i}`;
    holdIds.add(holdId);
    const customerKey = `c${Math.floor(rand() * CUSTOMERS)}`;
    const result = await anyStore().hold({
      eventId: EVENT, sectionId: pick(['floor', 'floor', 'ga']), quantity: 1 + Math.floor(rand() * 4),
      holdId, customerKey, expiresAt: NOW + 60_000, now: NOW,
    });
    if (!result.ok) {
      outcomes.refused.set(result.reason, (outcomes.refused.get(result.reason) ?? 0) + 1);
      return;
    }
    outcomes.held += 1;
    const next = rand();
    if (next < 0.25) await sellTwice(holdId);
    else if (next < 0.55) await anyStore().release(EVENT, holdId);
    else if (next < 0.7) await raceSellAndRelease(holdId);
    else if (next < 0.85) await sellThenUpgrade(holdId, result.allocation, `U-${i}`);
  }

  async function sellTwice(holdId: string) {
    const [a, b] = await Promise.all([anyStore().sell(EVENT, holdId), anyStore().sell(EVENT, holdId)]);
    outcomes.raceWinners.push([a, b].filter((r) => r.ok && !r.already).length);
  }

  async function raceSellAndRelease(holdId: string) {
    const [sold, released] = await Promise.all([anyStore().sell(EVENT, holdId), anyStore().release(EVENT, holdId)]);
    outcomes.raceWinners.push([sold, released].filter((r) => r.ok && !r.already).length);
  }

  async function sellThenUpgrade(holdId: string, allocation: Allocation, upgradeId: string) {
    await anyStore().sell(EVENT, holdId);
    holdIds.add(upgradeId);
    const upgrade = await anyStore().hold({
      eventId: EVENT, sectionId: 'upper', quantity: allocation.quantity, holdId: upgradeId,
      customerKey: allocation.customerKey, expiresAt: NOW + 60_000, now: NOW,
    });
    if (!upgrade.ok) return;
    const [a, b] = await Promise.all([anyStore().swap(EVENT, holdId, upgradeId), anyStore().swap(EVENT, holdId, upgradeId)]);
    outcomes.swapWinners.push([a, b].filter((r) => r.ok && !r.already).length);
  }

  async function liveAllocations(): Promise<Allocation[]> {
    const all = await Promise.all([...holdIds].map((id) => stores[0]!.allocation(EVENT, id)));
    return all.filter((a): a is Allocation => a !== undefined && a.state !== 'released');
  }

  it('raced for more seats than there are (seed ' + seed + ')', () => {
    expect(outcomes.held).toBeGreaterThan(40);
    expect(outcomes.refused.get('not_enough_seats') ?? 0).toBeGreaterThan(0);
    expect(outcomes.refused.get('hold_exists') ?? 0).toBeGreaterThan(0);
  });

  it('lets exactly one of two racing sells, sell/release pairs or swaps win', () => {
    expect(outcomes.raceWinners.length).toBeGreaterThan(0);
    expect(outcomes.raceWinners.every((winners) => winners === 1)).toBe(true);
    expect(outcomes.swapWinners.length).toBeGreaterThan(0);
    expect(outcomes.swapWinners.every((winners) => winners === 1)).toBe(true);
  });

  it('never puts one seat in two allocations', async () => {
    const seen = new Map<string, string>();
    for (const allocation of await liveAllocations()) {
      for (const seat of allocation.seats) {
        const place = `${allocation.sectionId}/${seat}`;
        expect(seen.get(place), `${place} in ${allocation.holdId} and ${seen.get(place)}`).toBeUndefined();
        seen.set(place, allocation.holdId);
      }
    }
  });

  it('has seat maps that are exactly the live allocations', async () => {
    const live = await liveAllocations();
    for (const section of SECTIONS.filter((s) => 'rows' in s)) {
      const expected: Record<string, string[]> = {};
      for (const [row, size] of Object.entries((section as { rows: Record<string, number> }).rows)) expected[row] = Array(size).fill('.');
      for (const allocation of live.filter((a) => a.sectionId === section.id)) {
        for (const seat of allocation.seats) {
          const [row, n] = seat.split('-') as [string, string];
          expected[row]![Number(n) - 1] = allocation.state === 'held' ? 'H' : 'S';
        }
      }
      const map = await stores[0]!.seatMap(EVENT, section.id);
      expect(map).toEqual(Object.fromEntries(Object.entries(expected).map(([row, seats]) => [row, seats.join('')])));
    }
  });

  it('keeps counters equal to the live allocations and within capacity', async () => {
    const live = await liveAllocations();
    const inventory = await stores[0]!.inventory(EVENT);
    for (const section of SECTIONS) {
      const counted = inventory!.sections.find((s) => s.id === section.id)!;
      const mine = live.filter((a) => a.sectionId === section.id);
      const sum = (state: string) => mine.filter((a) => a.state === state).reduce((n, a) => n + a.quantity, 0);
      expect({ section: section.id, held: counted.held, sold: counted.sold }).toEqual({ section: section.id, held: sum('held'), sold: sum('sold') });
      expect(counted.held + counted.sold).toBeLessThanOrEqual(sectionCapacity(section));
      expect(counted.available).toBe(sectionCapacity(section) - counted.held - counted.sold);
    }
  });

  it('never lets a customer hold more than the cap at once', async () => {
    const open = new Map<string, number>();
    for (const allocation of (await liveAllocations()).filter((a) => a.state === 'held')) {
      open.set(allocation.customerKey, (open.get(allocation.customerKey) ?? 0) + 1);
    }
    expect(Math.max(0, ...open.values())).toBeLessThanOrEqual(MAX_OPEN_HOLDS);
  });
});
