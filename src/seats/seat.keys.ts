// Redis key names of the seat engine.
//
// Every key of one event carries the hash tag `{ev:<eventId>}` right after the
// prefix, so all of an event's keys live in one Redis Cluster slot and each
// Lua script (which only ever touches one event) runs on a cluster unchanged.
//
// Every key here is fixed by (eventId, holdId) alone: none depends on the
// section or the customer of an allocation. That is what lets sell, release and
// swap declare all their KEYS without first reading the allocation, so each
// change is one EVALSHA with no read-then-write window.

/** Separates customer key and hold id in members of the `holders` set. */
export const HOLDER_SEPARATOR = '\0';

/** The keys of one event's seat state. */
export interface EventSeatKeys {
  /**
   * Hash: field `<sectionId>` holds the section's seat map, `|A:..HH|B:SS..`
   * (rows best first, one char per seat: '.' free, 'H' held, 'S' sold);
   * field `<sectionId>#layout` the catalog layout it was built from, 'A:4|B:4'.
   * One string per section keeps a hold to a single small read and write
   * (see lua/seat.lib.lua).
   */
  seats: string;
  /** Hash: fields `<sectionId>:held`, `<sectionId>:sold`, exact counts. */
  counts: string;
  /** Sorted set: hold ids of held allocations, scored by expiresAt (ms). */
  expiring: string;
  /** Sorted set, all scores 0: members `<customerKey>\0<holdId>` of held allocations, read by lex range. */
  holders: string;
  /**
   * Sorted set, all scores 0: members `<originKey>\0<holdId>` of holds made
   * with an origin (see HoldRequest.originKey). Only hold.lua keeps it: it
   * drops a member whose hold is no longer held when it next counts that origin.
   */
  origins: string;
}

export class SeatKeys {
  constructor(private readonly prefix: string) {}

  /** `bx:{ev:lakers-2026-12-05}:` — the start of every key of the event. */
  eventBase(eventId: string): string {
    return `${this.prefix}{ev:${eventId}}:`;
  }

  event(eventId: string): EventSeatKeys {
    const base = this.eventBase(eventId);
    return {
      seats: `${base}seats`,
      counts: `${base}counts`,
      expiring: `${base}expiring`,
      holders: `${base}holders`,
      origins: `${base}origins`,
    };
  }

  /**
   * Hash of a section's holds by customers who have never paid: holdId →
   * places. Only hold.lua keeps it, dropping holds that ended as it counts.
   */
  unpaidHolds(eventId: string, sectionId: string): string {
    return `${this.eventBase(eventId)}unpaid:${sectionId}`;
  }

  /** Hash of one allocation (hold), kept as a tombstone for a while once released. */
  allocation(eventId: string, holdId: string): string {
    return `${this.eventBase(eventId)}alloc:${holdId}`;
  }
}

/** Field of a section's layout in the `seats` hash. Section ids never contain '#'. */
export function layoutField(sectionId: string): string {
  return `${sectionId}#layout`;
}

/** Fields of a section's counters in the `counts` hash. */
export function countFields(sectionId: string): { held: string; sold: string } {
  return { held: `${sectionId}:held`, sold: `${sectionId}:sold` };
}
