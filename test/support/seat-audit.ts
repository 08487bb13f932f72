// Reads one event's seat state straight from Redis and checks what must hold
// whatever happened before (a rush, a Redis restart): no seat in two live
// allocations, every live allocation's seats marked as such in the seat map,
// the held and sold counters equal to what the maps and allocations say, and
// held + sold within capacity. Used by the Redis restart test and the benches.
import type { RedisClient } from '../../src/redis/redis.client.js';
import { scanKeys } from './redis.js';
import { isSeated } from '../../src/catalog/catalog.schema.js';
import type { EventCatalog } from '../../src/catalog/event-catalog.js';
import { SeatKeys } from '../../src/seats/seat.keys.js';
import { SeatStore, type Allocation } from '../../src/seats/seat.store.js';

export interface SectionAudit {
  id: string;
  capacity: number;
  /** The section's counters. */
  held: number;
  sold: number;
  /** Live allocations in the section, by state. */
  heldAllocations: number;
  soldAllocations: number;
}

export interface SeatAudit {
  sections: SectionAudit[];
  /** Ids of held and sold allocations (order ids), by state. */
  held: string[];
  sold: string[];
  /** Every broken rule, in words; empty when the seat state is sound. */
  problems: string[];
}

export async function auditSeats(redis: RedisClient, catalog: EventCatalog, eventId: string, prefix: string): Promise<SeatAudit> {
  const event = catalog.event(eventId);
  if (!event) throw new Error(`no event ${eventId} in the catalog`);
  const seats = new SeatStore(redis, catalog, { prefix });
  const live = (await allocationsOf(redis, seats, new SeatKeys(prefix), eventId)).filter((a) => a.state === 'held' || a.state === 'sold');
  const inventory = (await seats.inventory(eventId))!;
  const problems: string[] = [];
  const sections: SectionAudit[] = [];
  for (const section of event.sections) {
    const counted = inventory.sections.find((s) => s.id === section.id)!;
    const mine = live.filter((a) => a.sectionId === section.id);
    const places = (state: string) => mine.filter((a) => a.state === state).reduce((sum, a) => sum + a.quantity, 0);
    const audit: SectionAudit = {
      id: section.id, capacity: counted.capacity, held: counted.held, sold: counted.sold,
      heldAllocations: mine.filter((a) => a.state === 'held').length, soldAllocations: mine.filter((a) => a.state === 'sold').length,
    };
    sections.push(audit);
    const where = `section ${section.id}`;
    if (audit.held + audit.sold > audit.capacity) problems.push(`${where}: held ${audit.held} + sold ${audit.sold} > capacity ${audit.capacity}`);
    if (places('held') !== audit.held) problems.push(`${where}: held counter ${audit.held}, held allocations ${places('held')}`);
    if (places('sold') !== audit.sold) problems.push(`${where}: sold counter ${audit.sold}, sold allocations ${places('sold')}`);
    if (!isSeated(section)) continue;
    const map = (await seats.seatMap(eventId, section.id))!;
    const marks = Object.values(map).join('');
    const count = (mark: string) => marks.split(mark).length - 1;
    if (count('H') !== audit.held || count('S') !== audit.sold) {
      problems.push(`${where}: seat map has ${count('H')} held and ${count('S')} sold, counters say ${audit.held} and ${audit.sold}`);
    }
    const owner = new Map<string, string>();
    for (const allocation of mine) {
      for (const seat of allocation.seats) {
        const other = owner.get(seat);
        if (other) problems.push(`${where}: seat ${seat} is in ${other} and ${allocation.holdId}`);
        owner.set(seat, allocation.holdId);
        const [row = '', number = ''] = seat.split('-');
        const mark = map[row]?.[Number(number) - 1];
        if (mark !== (allocation.state === 'held' ? 'H' : 'S')) problems.push(`${where}: seat ${seat} of ${allocation.state} ${allocation.holdId} is '${mark}' in the map`);
      }
    }
  }
  return {
    sections,
    held: live.filter((a) => a.state === 'held').map((a) => a.holdId),
    sold: live.filter((a) => a.state === 'sold').map((a) => a.holdId),
    problems,
  };
}

/** Every allocation of the event, live or ended, found by key (SCAN, so a big event does not block Redis). */
async function allocationsOf(redis: RedisClient, seats: SeatStore, keys: SeatKeys, eventId: string): Promise<Allocation[]> {
  const marker = keys.allocation(eventId, '');
  const holdIds: string[] = [];
  for (const key of await scanKeys(redis, `${marker.replace(/[*?[\]\\]/g, '\\$&')}*`)) holdIds.push(key.slice(marker.length));
  const allocations = await Promise.all([...new Set(holdIds)].map((holdId) => seats.allocation(eventId, holdId)));
  return allocations.filter((a): a is Allocation => a !== undefined);
}
