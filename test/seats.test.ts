import type { RedisClient } from '../src/redis/redis.client.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { catalogSchema, type Section } from '../src/catalog/catalog.schema.js';
import { EventCatalog } from '../src/catalog/event-catalog.js';
import { SeatKeys, layoutField } from '../src/seats/seat.keys.js';
import { SeatStore, type HoldRequest, type SeatStoreOptions } from '../src/seats/seat.store.js';
import { scanKeys, testRedis, uniquePrefix } from './support/redis.js';

const EVENT = 'lakers-2026-12-05';
const NOW = Date.parse('2026-11-01T12:00:00Z');
const IN_30_MIN = NOW + 30 * 60_000;

const DEFAULT_SECTIONS: Section[] = [
  { id: '101', name: 'Section 101', tier: 1, price: 20_000, rows: { A: 4, B: 4 } },
  { id: 'courtside', name: 'Courtside', tier: 3, price: 150_000, rows: { CS: 6 } },
  { id: 'ga', name: 'Standing', tier: 0, price: 5_000, capacity: 5 },
];

function catalogOf(sections: Section[]): EventCatalog {
  return new EventCatalog(
    catalogSchema.parse({
      events: [{ id: EVENT, name: 'Lakers vs Warriors', startsAt: '2026-12-05T19:30:00-08:00', venue: 'Arena', currency: 'usd', sections }],
    }),
  );
}

describe('SeatStore', () => {
  let redis: RedisClient;
  let prefix: string;
  let store: SeatStore;
  let counter = 0;

  function useStore(sections: Section[] = DEFAULT_SECTIONS, options: Partial<SeatStoreOptions> = {}): SeatStore {
    store = new SeatStore(redis, catalogOf(sections), { prefix, ...options });
    return store;
  }

  /** A hold request with a fresh hold id and, unless given, a fresh customer. */
  function req(sectionId: string, quantity: number, over: Partial<HoldRequest> = {}): HoldRequest {
    counter += 1;
    return {
      eventId: EVENT, sectionId, quantity, holdId: `BX-${counter}`, customerKey: `sms:${counter}`,
      expiresAt: IN_30_MIN, now: NOW, ...over,
    };
  }

  async function holdOk(sectionId: string, quantity: number, over: Partial<HoldRequest> = {}) {
    const result = await store.hold(req(sectionId, quantity, over));
    if (!result.ok) throw new Error(`hold refused: ${result.reason}`);
    return result.allocation;
  }

  /**
   * Puts a section's seats in a given state ('.' free, 'H' held, 'S' sold), in
   * the stored seat-map format described in seat.keys.ts, for layouts that
   * holds alone cannot produce.
   */
  async function seedSeats(sectionId: string, rows: Record<string, string>) {
    const map = Object.entries(rows).map(([row, seats]) => `|${row}:${seats}`).join('');
    const layout = Object.entries(rows).map(([row, seats]) => `${row}:${seats.length}`).join('|');
    await redis.hset(new SeatKeys(prefix).event(EVENT).seats, sectionId, map, layoutField(sectionId), layout);
  }

  async function counts(sectionId: string) {
    const inventory = await store.inventory(EVENT);
    const section = inventory?.sections.find((s) => s.id === sectionId);
    return { held: section?.held, sold: section?.sold, available: section?.available };
  }

  beforeEach(() => {
    redis = testRedis();
    prefix = uniquePrefix();
    useStore();
  });

  afterEach(async () => {
    await redis.quit();
  });

  describe('hold, sell, release', () => {
    it('holds adjacent seats in the best row and counts them as held', async () => {
      const allocation = await holdOk('101', 2);
      expect(allocation).toMatchObject({ sectionId: '101', seats: ['A-1', 'A-2'], quantity: 2, state: 'held', expiresAt: IN_30_MIN });
      expect(await store.seatMap(EVENT, '101')).toEqual({ A: 'HH..', B: '....' });
      expect(await counts('101')).toEqual({ held: 2, sold: 0, available: 6 });
      expect(await store.allocation(EVENT, allocation.holdId)).toEqual(allocation);
    });

    it('sells a hold, and selling it again changes nothing', async () => {
      const { holdId } = await holdOk('101', 2);
      const first = await store.sell(EVENT, holdId);
      expect(first).toMatchObject({ ok: true, already: false, allocation: { state: 'sold', seats: ['A-1', 'A-2'] } });
      const second = await store.sell(EVENT, holdId);
      expect(second).toMatchObject({ ok: true, already: true, allocation: { state: 'sold', seats: ['A-1', 'A-2'] } });
      expect(await store.seatMap(EVENT, '101')).toEqual({ A: 'SS..', B: '....' });
      expect(await counts('101')).toEqual({ held: 0, sold: 2, available: 6 });
    });

    it('releases a hold, and releasing it again changes nothing', async () => {
      const { holdId } = await holdOk('101', 3);
      expect(await store.release(EVENT, holdId)).toMatchObject({ ok: true, already: false, allocation: { state: 'released' } });
      expect(await store.release(EVENT, holdId)).toMatchObject({ ok: true, already: true, allocation: { state: 'released' } });
      expect(await store.seatMap(EVENT, '101')).toEqual({ A: '....', B: '....' });
      expect(await counts('101')).toEqual({ held: 0, sold: 0, available: 8 });
    });

    it('refuses to sell a released hold', async () => {
      const { holdId } = await holdOk('101', 2);
      await store.release(EVENT, holdId);
      expect(await store.sell(EVENT, holdId)).toEqual({ ok: false, reason: 'released' });
      expect(await store.seatMap(EVENT, '101')).toEqual({ A: '....', B: '....' });
    });

    it('refuses to release a sold hold', async () => {
      const { holdId } = await holdOk('101', 2);
      await store.sell(EVENT, holdId);
      expect(await store.release(EVENT, holdId)).toEqual({ ok: false, reason: 'sold' });
      expect(await counts('101')).toEqual({ held: 0, sold: 2, available: 6 });
    });

    it('answers unknown_hold for a hold id it never saw', async () => {
      expect(await store.sell(EVENT, 'BX-NOPE')).toEqual({ ok: false, reason: 'unknown_hold' });
      expect(await store.release(EVENT, 'BX-NOPE')).toEqual({ ok: false, reason: 'unknown_hold' });
      expect(await store.allocation(EVENT, 'BX-NOPE')).toBeUndefined();
    });

    it('refuses a second hold with the same id, even after release', async () => {
      const first = await holdOk('101', 2);
      expect(await store.hold(req('101', 2, { holdId: first.holdId }))).toMatchObject({ ok: false, reason: 'hold_exists' });
      await store.release(EVENT, first.holdId);
      expect(await store.hold(req('101', 2, { holdId: first.holdId }))).toMatchObject({ ok: false, reason: 'hold_exists' });
    });

    it('keeps a released hold as a tombstone that expires after 3 days', async () => {
      const { holdId } = await holdOk('101', 2);
      await store.release(EVENT, holdId);
      const ttl = await redis.pttl(new SeatKeys(prefix).allocation(EVENT, holdId));
      expect(ttl).toBeGreaterThan(3 * 24 * 3600_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(3 * 24 * 3600_000);
    });

    it('sells a hold past its expiry that nobody released (a hold ends only on evidence)', async () => {
      const { holdId } = await holdOk('101', 2, { expiresAt: NOW - 1 });
      expect(await store.sell(EVENT, holdId)).toMatchObject({ ok: true, allocation: { state: 'sold' } });
    });

    it('holds and sells general admission as counts, without seat names', async () => {
      const allocation = await holdOk('ga', 3);
      expect(allocation.seats).toEqual([]);
      await store.sell(EVENT, allocation.holdId);
      expect(await counts('ga')).toEqual({ held: 0, sold: 3, available: 2 });
    });
  });

  describe('best available', () => {
    // Row seeds: '.' free, 'S' sold; rows best first. The catalog takes each row's length.
    const cases: Array<{ name: string; rows: Record<string, string>; quantity: number; seats?: string[]; refused?: object }> = [
      { name: 'an empty row, flush to seat 1', rows: { A: '........' }, quantity: 2, seats: ['A-1', 'A-2'] },
      { name: 'the best row first', rows: { A: 'SSSSSS..', B: '........' }, quantity: 2, seats: ['A-7', 'A-8'] },
      { name: 'an exact fit in the row over a run it would strand', rows: { A: 'S...S..' }, quantity: 2, seats: ['A-6', 'A-7'] },
      { name: 'an exact fit over a run that leaves two', rows: { A: '.....S..' }, quantity: 2, seats: ['A-7', 'A-8'] },
      { name: 'a worse row over stranding one seat', rows: { A: '...', B: '..' }, quantity: 2, seats: ['B-1', 'B-2'] },
      { name: 'a worse row that leaves two over stranding one', rows: { A: 'S...S...', B: '....' }, quantity: 2, seats: ['B-1', 'B-2'] },
      { name: 'a run of n+2 flush against its edge', rows: { A: 'SS.....S' }, quantity: 3, seats: ['A-3', 'A-4', 'A-5'] },
      { name: 'a single seat into a lone gap', rows: { A: '..', B: 'S.S' }, quantity: 1, seats: ['B-2'] },
      { name: 'a single seat flush against a long run', rows: { A: 'S...' }, quantity: 1, seats: ['A-2'] },
      { name: 'stranding only when nothing avoids it, best row', rows: { A: '...', B: '...' }, quantity: 2, seats: ['A-1', 'A-2'] },
      { name: 'a shorter row skipped', rows: { A: '...', B: '......' }, quantity: 4, seats: ['B-1', 'B-2', 'B-3', 'B-4'] },
      {
        name: 'no adjacent block when seats are scattered', rows: { A: '.S.S..', B: 'S.S.S.' }, quantity: 3,
        refused: { reason: 'no_adjacent_block', available: 7, largestBlock: 2 },
      },
      {
        name: 'not enough seats when fewer are free than asked', rows: { A: 'SS.S', B: 'S.SS' }, quantity: 3,
        refused: { reason: 'not_enough_seats', available: 2, largestBlock: 1 },
      },
    ];

    it.each(cases)('takes $name', async ({ rows, quantity, seats, refused }) => {
      useStore([{ id: 's', name: 'S', tier: 1, price: 100, rows: Object.fromEntries(Object.entries(rows).map(([r, s]) => [r, s.length])) }]);
      await seedSeats('s', rows);

      const result = await store.hold(req('s', quantity));
      if (seats) expect(result).toMatchObject({ ok: true, allocation: { seats } });
      else expect(result).toMatchObject({ ok: false, ...refused });
    });

    it('fills a section party by party without stranding a seat it could avoid', async () => {
      useStore([{ id: 's', name: 'S', tier: 1, price: 100, rows: { A: 10, B: 10 } }]);
      const taken: string[][] = [];
      for (const quantity of [3, 4, 2, 3, 4, 2, 2]) taken.push((await holdOk('s', quantity)).seats);
      // The pair skips A-8..10 (it would strand A-10), so the next party of 3 fits there exactly.
      expect(taken).toEqual([
        ['A-1', 'A-2', 'A-3'], ['A-4', 'A-5', 'A-6', 'A-7'], ['B-1', 'B-2'], ['A-8', 'A-9', 'A-10'],
        ['B-3', 'B-4', 'B-5', 'B-6'], ['B-7', 'B-8'], ['B-9', 'B-10'],
      ]);
      expect(await store.hold(req('s', 1))).toMatchObject({ ok: false, reason: 'not_enough_seats', available: 0, largestBlock: 0 });
    });
  });

  describe('expiry', () => {
    it('lists holds past expiresAt, not unexpired, sold or released ones', async () => {
      const expired = await holdOk('101', 1, { expiresAt: NOW - 1000 });
      const atNow = await holdOk('101', 1, { expiresAt: NOW });
      await holdOk('101', 1, { expiresAt: IN_30_MIN });
      const sold = await holdOk('101', 1, { expiresAt: NOW - 1000 });
      const released = await holdOk('courtside', 1, { expiresAt: NOW - 1000 });
      await store.sell(EVENT, sold.holdId);
      await store.release(EVENT, released.holdId);

      expect((await store.expiredHolds(EVENT, NOW)).sort()).toEqual([expired.holdId, atNow.holdId].sort());
      expect((await store.allocation(EVENT, expired.holdId))?.state).toBe('held');
    });

    it('does not count expired holds towards the customer cap', async () => {
      const customerKey = 'sms:+15550001111';
      await holdOk('101', 1, { customerKey, expiresAt: NOW - 1 });
      await holdOk('101', 1, { customerKey });
      await holdOk('101', 1, { customerKey });
      expect(await store.hold(req('101', 1, { customerKey }))).toMatchObject({ ok: false, reason: 'too_many_holds' });
      // Once the open holds expire, the customer may hold again.
      expect(await store.hold(req('101', 1, { customerKey, now: IN_30_MIN }))).toMatchObject({ ok: true });
    });
  });

  describe('limits', () => {
    it.each([
      [0, 'bad_quantity'],
      [-1, 'bad_quantity'],
      [1.5, 'bad_quantity'],
      [Number.NaN, 'bad_quantity'],
      [9, 'party_too_large'],
    ])('refuses a party of %s with %s', async (quantity, reason) => {
      expect(await store.hold(req('101', quantity))).toMatchObject({ ok: false, reason });
      expect(await counts('101')).toEqual({ held: 0, sold: 0, available: 8 });
    });

    it('applies a configured party size cap', async () => {
      useStore(DEFAULT_SECTIONS, { maxPartySize: 2 });
      expect(await store.hold(req('101', 3))).toMatchObject({ ok: false, reason: 'party_too_large' });
      expect(await store.hold(req('101', 2))).toMatchObject({ ok: true });
    });

    it('refuses an unknown section or event', async () => {
      expect(await store.hold(req('999', 2))).toMatchObject({ ok: false, reason: 'unknown_section' });
      expect(await store.hold(req('101', 2, { eventId: 'nope' }))).toMatchObject({ ok: false, reason: 'unknown_section' });
    });

    it('caps open holds per customer, counting only held ones', async () => {
      const customerKey = 'chat:user-7';
      const first = await holdOk('101', 2, { customerKey });
      await holdOk('courtside', 2, { customerKey });
      expect(await store.hold(req('ga', 1, { customerKey }))).toMatchObject({ ok: false, reason: 'too_many_holds', available: 5 });
      await store.sell(EVENT, first.holdId);
      expect(await store.hold(req('ga', 1, { customerKey }))).toMatchObject({ ok: true });
    });

    it('applies a configured per-customer cap', async () => {
      useStore(DEFAULT_SECTIONS, { maxOpenHoldsPerCustomer: 1 });
      await holdOk('101', 1, { customerKey: 'c' });
      expect(await store.hold(req('101', 1, { customerKey: 'c' }))).toMatchObject({ ok: false, reason: 'too_many_holds' });
      expect(await store.hold(req('101', 1, { customerKey: 'd' }))).toMatchObject({ ok: true });
    });

    it('keeps general admission within capacity', async () => {
      const first = await holdOk('ga', 3);
      expect(await store.hold(req('ga', 3))).toMatchObject({ ok: false, reason: 'not_enough_seats', available: 2, largestBlock: 2 });
      await holdOk('ga', 2);
      expect(await store.hold(req('ga', 1))).toMatchObject({ ok: false, reason: 'not_enough_seats', available: 0 });
      await store.release(EVENT, first.holdId);
      expect(await store.hold(req('ga', 3))).toMatchObject({ ok: true });
      expect(await counts('ga')).toEqual({ held: 5, sold: 0, available: 0 });
    });
  });

  describe('swap (upgrade)', () => {
    async function paidAndUpgradeHold() {
      const paid = await holdOk('101', 2, { customerKey: 'sms:+15550002222' });
      await store.sell(EVENT, paid.holdId);
      const upgrade = await holdOk('courtside', 2, { customerKey: 'sms:+15550002222' });
      return { paid, upgrade };
    }

    it('moves a sold allocation onto the held seats and frees the old ones', async () => {
      const { paid, upgrade } = await paidAndUpgradeHold();
      const result = await store.swap(EVENT, paid.holdId, upgrade.holdId);
      expect(result).toMatchObject({
        ok: true, already: false, seats: ['CS-1', 'CS-2'], freedSectionId: '101', freedSeats: ['A-1', 'A-2'],
        allocation: { holdId: paid.holdId, sectionId: 'courtside', seats: ['CS-1', 'CS-2'], state: 'sold', quantity: 2 },
      });
      expect(await store.seatMap(EVENT, '101')).toEqual({ A: '....', B: '....' });
      expect(await store.seatMap(EVENT, 'courtside')).toEqual({ CS: 'SS....' });
      expect(await counts('101')).toEqual({ held: 0, sold: 0, available: 8 });
      expect(await counts('courtside')).toEqual({ held: 0, sold: 2, available: 4 });
      expect(await store.allocation(EVENT, upgrade.holdId)).toMatchObject({ state: 'released', swappedInto: paid.holdId });
    });

    it('changes nothing when run twice', async () => {
      const { paid, upgrade } = await paidAndUpgradeHold();
      const first = await store.swap(EVENT, paid.holdId, upgrade.holdId);
      const second = await store.swap(EVENT, paid.holdId, upgrade.holdId);
      expect(second).toEqual({ ...first, already: true });
      expect(await store.seatMap(EVENT, '101')).toEqual({ A: '....', B: '....' });
      expect(await counts('courtside')).toEqual({ held: 0, sold: 2, available: 4 });
    });

    it('does not let the consumed upgrade hold be sold or released', async () => {
      const { paid, upgrade } = await paidAndUpgradeHold();
      await store.swap(EVENT, paid.holdId, upgrade.holdId);
      expect(await store.sell(EVENT, upgrade.holdId)).toEqual({ ok: false, reason: 'swapped' });
      expect(await store.release(EVENT, upgrade.holdId)).toEqual({ ok: false, reason: 'swapped' });
      expect(await store.seatMap(EVENT, 'courtside')).toEqual({ CS: 'SS....' });
    });

    it('swaps general admission onto seats', async () => {
      const paid = await holdOk('ga', 2);
      await store.sell(EVENT, paid.holdId);
      const upgrade = await holdOk('101', 2);
      expect(await store.swap(EVENT, paid.holdId, upgrade.holdId)).toMatchObject({ ok: true, freedSectionId: 'ga', freedSeats: [], seats: ['A-1', 'A-2'] });
      expect(await counts('ga')).toEqual({ held: 0, sold: 0, available: 5 });
      expect(await counts('101')).toEqual({ held: 0, sold: 2, available: 6 });
    });

    it('refuses what is not a paid allocation and a live hold of the same size', async () => {
      const { paid, upgrade } = await paidAndUpgradeHold();
      const unpaid = await holdOk('101', 2);
      const single = await holdOk('courtside', 1);
      const gone = await holdOk('courtside', 2);
      await store.release(EVENT, gone.holdId);
      const soldAlone = await holdOk('ga', 2);
      await store.sell(EVENT, soldAlone.holdId);

      expect(await store.swap(EVENT, paid.holdId, paid.holdId)).toEqual({ ok: false, reason: 'same_hold' });
      expect(await store.swap(EVENT, 'BX-NOPE', upgrade.holdId)).toEqual({ ok: false, reason: 'unknown_sold' });
      expect(await store.swap(EVENT, unpaid.holdId, upgrade.holdId)).toEqual({ ok: false, reason: 'not_sold' });
      expect(await store.swap(EVENT, paid.holdId, 'BX-NOPE')).toEqual({ ok: false, reason: 'unknown_hold' });
      expect(await store.swap(EVENT, paid.holdId, gone.holdId)).toEqual({ ok: false, reason: 'released' });
      expect(await store.swap(EVENT, paid.holdId, soldAlone.holdId)).toEqual({ ok: false, reason: 'not_held' });
      expect(await store.swap(EVENT, paid.holdId, single.holdId)).toEqual({ ok: false, reason: 'quantity_mismatch' });
      expect((await store.allocation(EVENT, paid.holdId))?.seats).toEqual(paid.seats);
    });

    it('refuses a hold that already upgraded another allocation', async () => {
      const { paid, upgrade } = await paidAndUpgradeHold();
      const other = await holdOk('101', 2);
      await store.sell(EVENT, other.holdId);
      await store.swap(EVENT, paid.holdId, upgrade.holdId);
      expect(await store.swap(EVENT, other.holdId, upgrade.holdId)).toEqual({ ok: false, reason: 'swapped' });
    });
  });

  describe('inventory', () => {
    it('matches the real seat states after a mixed sequence', async () => {
      const a = await holdOk('101', 3);
      const b = await holdOk('101', 2);
      const c = await holdOk('101', 2);
      const d = await holdOk('courtside', 2);
      const e = await holdOk('ga', 4);
      await store.sell(EVENT, a.holdId);
      await store.release(EVENT, b.holdId);
      await store.sell(EVENT, b.holdId);
      await store.sell(EVENT, c.holdId);
      await store.swap(EVENT, c.holdId, d.holdId);
      await store.release(EVENT, e.holdId);
      await holdOk('ga', 1);
      await holdOk('101', 4);

      const inventory = await store.inventory(EVENT);
      const map101 = (await store.seatMap(EVENT, '101'))!;
      const mapCs = (await store.seatMap(EVENT, 'courtside'))!;
      expect(map101).toEqual({ A: 'SSS.', B: 'HHHH' });
      expect(mapCs).toEqual({ CS: 'SS....' });
      expect(inventory).toEqual({
        event: EVENT,
        sections: [
          { id: '101', name: 'Section 101', tier: 1, capacity: 8, held: 4, sold: 3, available: 1, largestBlock: 1 },
          { id: 'courtside', name: 'Courtside', tier: 3, capacity: 6, held: 0, sold: 2, available: 4, largestBlock: 4 },
          { id: 'ga', name: 'Standing', tier: 0, capacity: 5, held: 1, sold: 0, available: 4 },
        ],
      });
    });

    it('answers undefined for an unknown event', async () => {
      expect(await store.inventory('nope')).toBeUndefined();
    });
  });

  describe('catalog changes', () => {
    const section = (rows: Record<string, number>): Section[] => [{ id: 's', name: 'S', tier: 1, price: 100, rows }];

    it('keeps held and sold seats by row and number when rows are reordered, added or shortened', async () => {
      useStore(section({ A: 4 }));
      const sold = await holdOk('s', 2);
      await store.sell(EVENT, sold.holdId);
      const held = await holdOk('s', 2);
      expect([sold.seats, held.seats]).toEqual([['A-1', 'A-2'], ['A-3', 'A-4']]);

      useStore(section({ B: 3, A: 3 }));
      expect(await store.seatMap(EVENT, 's')).toEqual({ B: '...', A: 'SSH' });
      expect(await store.hold(req('s', 3))).toMatchObject({ ok: true, allocation: { seats: ['B-1', 'B-2', 'B-3'] } });
      // A-4 is past row A's new end: its hold still releases, and the seat is never offered again.
      expect(await store.release(EVENT, held.holdId)).toMatchObject({ ok: true, allocation: { seats: ['A-3', 'A-4'] } });
      expect(await store.hold(req('s', 2))).toMatchObject({ ok: false, reason: 'not_enough_seats', available: 1, largestBlock: 1 });
      expect(await store.hold(req('s', 1))).toMatchObject({ ok: true, allocation: { seats: ['A-3'] } });
    });

    it('still sells a hold in a row the catalog dropped, and never offers that row', async () => {
      useStore(section({ A: 2, B: 2 }));
      const held = await holdOk('s', 2);
      useStore(section({ B: 2 }));
      expect(await store.hold(req('s', 1))).toMatchObject({ ok: true, allocation: { seats: ['B-1'] } });
      expect(await store.sell(EVENT, held.holdId)).toMatchObject({ ok: true, allocation: { seats: ['A-1', 'A-2'], state: 'sold' } });
      expect(await store.hold(req('s', 2))).toMatchObject({ ok: false, reason: 'not_enough_seats', available: 1 });
    });
  });

  describe('safety', () => {
    it('refuses to sell seats whose stored state disagrees, changing nothing', async () => {
      const { holdId } = await holdOk('101', 2);
      await seedSeats('101', { A: 'H...', B: '....' });
      await expect(store.sell(EVENT, holdId)).rejects.toThrow(/seat state/);
      expect(await store.seatMap(EVENT, '101')).toEqual({ A: 'H...', B: '....' });
      expect((await store.allocation(EVENT, holdId))?.state).toBe('held');
    });

    it('reloads its scripts when Redis has forgotten them (NOSCRIPT)', async () => {
      await redis.script('FLUSH');
      expect(await store.hold(req('101', 2))).toMatchObject({ ok: true });
    });
  });

  describe('keys', () => {
    it('puts every key of an event under one hash tag after the prefix', async () => {
      const { holdId } = await holdOk('101', 2, { customerKey: 'sms:x' });
      const keys = await scanKeys(redis, `${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.startsWith(`${prefix}{ev:${EVENT}}:`)).toBe(true);
      expect(keys).toContain(`${prefix}{ev:${EVENT}}:alloc:${holdId}`);
    });
  });
});
