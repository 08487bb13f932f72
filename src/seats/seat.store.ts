// The seat engine: holds, sells, releases, swaps and returns (refunds) seats of catalog events.
// Seat state lives in Redis and every change is one Lua script (./lua), so no
// seat is ever held or sold twice whatever the concurrency. This class checks
// what can be checked without Redis, builds the KEYS/ARGV and decodes replies.
import type { RedisClient } from '../redis/redis.client.js';
import { isSeated, sectionCapacity, type Section } from '../catalog/catalog.schema.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { HOLDER_SEPARATOR, SeatKeys, countFields } from './seat.keys.js';
import { decodeReply, fieldsOf, loadSeatScripts, type SeatScripts } from './seat.scripts.js';

export interface SeatStoreOptions {
  /** Prefix of every key, e.g. 'bx:'. */
  prefix: string;
  /** Largest party one hold may seat. Default 8. */
  maxPartySize?: number;
  /** Open (unexpired, unsold) holds one customer may have per event. Default 2. */
  maxOpenHoldsPerCustomer?: number;
  /** Open holds one origin (HoldRequest.originKey) may have per event. Default 4. */
  maxOpenHoldsPerOrigin?: number;
  /**
   * Percent of a section that holds marked `unpaid` may take together; never
   * less than one party of maxPartySize. 100: no share. Default 50.
   */
  unpaidSharePercent?: number;
}

export interface HoldRequest {
  eventId: string;
  sectionId: string;
  quantity: number;
  /** The order id; only this id can later sell or release the hold. */
  holdId: string;
  /** Who holds, for the per-customer cap (e.g. a channel and user id). Must not contain NUL. */
  customerKey: string;
  /** Epoch ms after which the hold no longer counts towards the customer's cap. */
  expiresAt: number;
  /** Epoch ms; default Date.now(). */
  now?: number;
  /**
   * Where the request came from, as an opaque key, where nothing else tells
   * clients apart (an anonymous chat endpoint, where user ids are free): its
   * open holds per event are capped by maxOpenHoldsPerOrigin. Must not contain NUL.
   */
  originKey?: string;
  /** The customer has never paid for an order: the hold counts towards the section's share for such customers (unpaidSharePercent). */
  unpaid?: boolean;
}

/** 'returned': every place of a sold allocation went back on sale (refunded); see returnSold. */
export type AllocationState = 'held' | 'sold' | 'released' | 'returned';

export interface Allocation {
  holdId: string;
  eventId: string;
  sectionId: string;
  /** Seat names such as 'A-12', in seat order; empty for general admission. */
  seats: string[];
  quantity: number;
  state: AllocationState;
  expiresAt: number;
  customerKey: string;
  /** Epoch ms the hold was made. */
  createdAt: number;
  /** On a hold consumed by an upgrade: the sold allocation that took its seats. */
  swappedInto?: string;
}

export type HoldRefusal =
  | 'unknown_section'
  | 'bad_quantity'
  | 'party_too_large'
  | 'too_many_holds'
  /** The request's origin has maxOpenHoldsPerOrigin open holds in the event. */
  | 'origin_holds'
  /** Customers who never paid hold the section's share for them (unpaidSharePercent). */
  | 'unpaid_share'
  | 'hold_exists'
  | 'not_enough_seats'
  | 'no_adjacent_block';

/**
 * `available` (free places in the section) and `largestBlock` (longest run of
 * adjacent free seats; for GA equal to available) let the dialog offer to split
 * the party or pick another section. They are 0 for the refusals decided
 * without Redis: unknown_section, bad_quantity, party_too_large.
 */
export type HoldResult =
  | { ok: true; allocation: Allocation }
  | { ok: false; reason: HoldRefusal; available: number; largestBlock: number };

/** 'swapped': the hold was consumed by an upgrade (see swap) and can no longer be sold or released. */
export type SeatChangeRefusal = 'unknown_hold' | 'released' | 'sold' | 'swapped';

export type SeatChange =
  | { ok: true; allocation: Allocation; already: boolean }
  | { ok: false; reason: SeatChangeRefusal };

/**
 * Refusals of swap: 'same_hold' (one id for both), 'unknown_sold' / 'not_sold'
 * (the allocation to upgrade is missing or not paid), 'unknown_hold',
 * 'released', 'not_held' (the upgrade hold was sold on its own), 'swapped'
 * (it already upgraded another allocation), 'quantity_mismatch'.
 */
export type SwapRefusal =
  | 'same_hold'
  | 'unknown_sold'
  | 'not_sold'
  | 'unknown_hold'
  | 'released'
  | 'not_held'
  | 'swapped'
  | 'quantity_mismatch';

export type SwapResult =
  | {
      ok: true;
      /** The sold allocation, now on the new seats. */
      allocation: Allocation;
      already: boolean;
      /** The seats now sold (= allocation.seats). */
      seats: string[];
      /** Where the old seats were, now back on sale. */
      freedSectionId: string;
      freedSeats: string[];
    }
  | { ok: false; reason: SwapRefusal };

/**
 * Refusals of returnSold: 'unknown_hold', 'not_sold' (held, released, or
 * already fully returned), 'not_in_allocation' (a seat that is not the
 * allocation's, or a seat list that does not match the count), 'too_many'.
 */
export type ReturnRefusal = 'unknown_hold' | 'not_sold' | 'not_in_allocation' | 'too_many';

export interface ReturnRequest {
  eventId: string;
  /** The sold allocation (the order id). */
  holdId: string;
  /** Names this return; a second return with the same id changes nothing (e.g. the refund id). */
  returnId: string;
  /** Seated: the seats to free, e.g. ['A-3', 'A-4']. General admission: leave empty and give `places`. */
  seats: string[];
  /** How many places; for a seated section it must equal seats.length. */
  places: number;
  /** Epoch ms; default Date.now(). */
  now?: number;
}

export type ReturnResult =
  | { ok: true; allocation: Allocation; already: boolean }
  | { ok: false; reason: ReturnRefusal };

/** The places of one record: its seats in a seated section, or only a quantity for general admission. */
export interface HeldPlaces {
  sectionId: string;
  seats: string[];
  quantity: number;
}

export interface FreeUnownedOptions {
  /** Free only these places of one record (its allocation is gone), not every unowned place of the event. */
  only?: HeldPlaces;
  /** Places still claimed by live records whose allocation is gone: never freed from under them. */
  keep?: HeldPlaces[];
  /** Count what would be freed and change nothing. */
  countOnly?: boolean;
}

/** Tries of free-unowned.lua when holds keep coming and going between reading the index and running it. */
const FREE_UNOWNED_TRIES = 5;

export interface SectionInventory {
  id: string;
  name: string;
  tier: number;
  capacity: number;
  held: number;
  sold: number;
  available: number;
  /** Seated sections: the longest run of adjacent free seats in one row. */
  largestBlock?: number;
}

export interface EventInventory {
  event: string;
  sections: SectionInventory[];
}

const DEFAULT_MAX_PARTY_SIZE = 8;
const DEFAULT_MAX_OPEN_HOLDS = 2;
const DEFAULT_MAX_OPEN_HOLDS_PER_ORIGIN = 4;
const DEFAULT_UNPAID_SHARE_PERCENT = 50;

export class SeatStore {
  private readonly keys: SeatKeys;
  private readonly scripts: SeatScripts = loadSeatScripts();
  private readonly maxPartySize: number;
  private readonly maxOpenHolds: number;
  private readonly maxOpenHoldsPerOrigin: number;
  private readonly unpaidSharePercent: number;
  /** ARGV tail describing each section's layout, built once per catalog section. */
  private readonly layouts = new WeakMap<Section, Array<string | number>>();

  constructor(
    private readonly redis: RedisClient,
    private readonly catalog: EventCatalog,
    options: SeatStoreOptions,
  ) {
    this.keys = new SeatKeys(options.prefix);
    this.maxPartySize = options.maxPartySize ?? DEFAULT_MAX_PARTY_SIZE;
    this.maxOpenHolds = options.maxOpenHoldsPerCustomer ?? DEFAULT_MAX_OPEN_HOLDS;
    this.maxOpenHoldsPerOrigin = options.maxOpenHoldsPerOrigin ?? DEFAULT_MAX_OPEN_HOLDS_PER_ORIGIN;
    this.unpaidSharePercent = options.unpaidSharePercent ?? DEFAULT_UNPAID_SHARE_PERCENT;
  }

  /** Holds the best available places for one order; see hold.lua for "best". */
  async hold(req: HoldRequest): Promise<HoldResult> {
    assertHoldRequest(req);
    const section = this.catalog.section(req.eventId, req.sectionId);
    if (!section) return refuseHold('unknown_section');
    if (!Number.isInteger(req.quantity) || req.quantity < 1) return refuseHold('bad_quantity');
    if (req.quantity > this.maxPartySize) return refuseHold('party_too_large');

    const keys = this.keys.event(req.eventId);
    const reply = decodeReply(
      await this.scripts.hold.run(
        this.redis,
        [
          this.keys.allocation(req.eventId, req.holdId), keys.counts, keys.expiring, keys.holders, keys.seats,
          keys.origins, this.keys.unpaidHolds(req.eventId, req.sectionId),
        ],
        [
          req.holdId, req.eventId, req.sectionId, req.quantity, req.expiresAt, req.now ?? Date.now(),
          req.customerKey, this.maxOpenHolds, req.originKey ?? '', this.maxOpenHoldsPerOrigin,
          req.unpaid ? this.unpaidShare(section) : 0, ...this.layout(section),
        ],
      ),
    );
    if (!reply.ok) {
      const [available = 0, largestBlock = 0] = reply.numbers;
      return { ok: false, reason: reply.reason as HoldRefusal, available, largestBlock };
    }
    return { ok: true, allocation: toAllocation(reply.fields) };
  }

  /** held → sold. Selling a sold allocation again answers ok with already=true. */
  async sell(eventId: string, holdId: string, now = Date.now()): Promise<SeatChange> {
    return this.change('sell', eventId, holdId, now);
  }

  /** held → free. Releasing twice answers ok with already=true; a sold allocation is refused. */
  async release(eventId: string, holdId: string, now = Date.now()): Promise<SeatChange> {
    return this.change('release', eventId, holdId, now);
  }

  /**
   * Upgrade: in one step heldId's seats become sold under soldId's allocation,
   * soldId's old seats go back on sale and heldId's allocation ends. Running it
   * again changes nothing and answers ok with already=true.
   */
  async swap(eventId: string, soldId: string, heldId: string, now = Date.now()): Promise<SwapResult> {
    if (soldId === heldId) return { ok: false, reason: 'same_hold' };
    const keys = this.keys.event(eventId);
    const reply = decodeReply(
      await this.scripts.swap.run(
        this.redis,
        [
          this.keys.allocation(eventId, soldId), this.keys.allocation(eventId, heldId),
          keys.counts, keys.expiring, keys.holders, keys.seats,
        ],
        [soldId, heldId, now],
      ),
      2,
    );
    if (!reply.ok) return { ok: false, reason: reply.reason as SwapRefusal };
    const allocation = toAllocation(reply.fields);
    const [freedSectionId = '', freedSeats = ''] = reply.head;
    return { ok: true, allocation, already: reply.already, seats: allocation.seats, freedSectionId, freedSeats: seatList(freedSeats) };
  }

  /**
   * sold → free for some or all of an allocation's places (a refund), at most
   * once per returnId; see return.lua. What is left stays sold under the same
   * allocation; when nothing is left its state is 'returned'.
   */
  async returnSold(req: ReturnRequest): Promise<ReturnResult> {
    if (!req.returnId) throw new TypeError('returnSold: returnId is required');
    if (!Number.isInteger(req.places) || req.places < 1) throw new TypeError('returnSold: places must be a positive integer');
    if (req.seats.length > 0 && req.seats.length !== req.places) throw new TypeError('returnSold: give one seat per place');
    const keys = this.keys.event(req.eventId);
    const reply = decodeReply(
      await this.scripts.returnSold.run(
        this.redis,
        [this.keys.allocation(req.eventId, req.holdId), keys.counts, keys.seats],
        [req.holdId, req.returnId, req.places, req.seats.join(','), req.now ?? Date.now()],
      ),
    );
    if (!reply.ok) return { ok: false, reason: reply.reason as ReturnRefusal };
    return { ok: true, allocation: toAllocation(reply.fields), already: reply.already };
  }

  async allocation(eventId: string, holdId: string): Promise<Allocation | undefined> {
    const fields = await this.redis.hgetall(this.keys.allocation(eventId, holdId));
    return fields.state ? toAllocation(fields) : undefined;
  }

  /** Counts per section, read in one step (event-state.lua) so held, sold and seats agree. */
  async inventory(eventId: string): Promise<EventInventory | undefined> {
    const event = this.catalog.event(eventId);
    if (!event) return undefined;
    const { counts, maps } = await this.readEventState(eventId);
    return { event: eventId, sections: event.sections.map((section) => sectionInventory(section, counts, maps)) };
  }

  /**
   * The seat map of a seated section: row name → one char per seat
   * ('.' free, 'H' held, 'S' sold), rows best first. Undefined for GA or unknown sections.
   */
  async seatMap(eventId: string, sectionId: string): Promise<Record<string, string> | undefined> {
    const section = this.catalog.section(eventId, sectionId);
    if (!section || !isSeated(section)) return undefined;
    const stored = parseSeatMap(await this.redis.hget(this.keys.event(eventId).seats, sectionId));
    return Object.fromEntries(Object.entries(section.rows).map(([row, size]) => [row, rowState(stored.get(row), size)]));
  }

  /** Every allocation of the event still held, whatever its end. */
  async heldIds(eventId: string): Promise<string[]> {
    return this.redis.zrange(this.keys.event(eventId).expiring, '0', '-1');
  }

  /**
   * Held allocations whose expiresAt has passed (≤ now). They are not released
   * here: a hold ends only on evidence (DESIGN.md "Hold"), so the caller checks
   * the Checkout Session first and then calls release.
   */
  async expiredHolds(eventId: string, now = Date.now()): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.event(eventId).expiring, '-inf', now);
  }

  /**
   * Frees held places of the event that no held allocation owns (see
   * free-unowned.lua): the seat state is the truth, and an allocation record
   * can be lost while its seats stay marked held. Resolves with the places
   * freed (or, with countOnly, that would be) and the stale index entries dropped.
   */
  async freeUnowned(eventId: string, options: FreeUnownedOptions = {}): Promise<{ freed: number; dropped: number }> {
    const keys = this.keys.event(eventId);
    const places = (p: HeldPlaces) => `${p.seats.join(',')}|${p.quantity}`;
    for (let attempt = 0; attempt < FREE_UNOWNED_TRIES; attempt += 1) {
      const holdIds = await this.heldIds(eventId);
      const reply = (await this.scripts.freeUnowned.run(
        this.redis,
        [keys.counts, keys.expiring, keys.seats, ...holdIds.map((holdId) => this.keys.allocation(eventId, holdId))],
        [
          options.countOnly ? 'count' : 'free',
          options.only?.sectionId ?? '',
          options.only ? places(options.only) : '',
          (options.keep ?? []).map((p) => `${p.sectionId}|${places(p)}`).join(';'),
          ...holdIds,
        ],
      )) as [string, number?, number?];
      if (reply[0] === 'ok') return { freed: Number(reply[1]), dropped: Number(reply[2]) };
    }
    throw new Error(`the holds of ${eventId} kept changing while unowned places were looked for: try again later`);
  }

  private async change(kind: 'sell' | 'release', eventId: string, holdId: string, now: number): Promise<SeatChange> {
    const keys = this.keys.event(eventId);
    const reply = decodeReply(
      await this.scripts[kind].run(
        this.redis,
        [this.keys.allocation(eventId, holdId), keys.counts, keys.expiring, keys.holders, keys.seats],
        [holdId, now],
      ),
    );
    if (!reply.ok) return { ok: false, reason: reply.reason as SeatChangeRefusal };
    return { ok: true, allocation: toAllocation(reply.fields), already: reply.already };
  }

  private async readEventState(eventId: string): Promise<{ counts: Record<string, string>; maps: Record<string, string> }> {
    const keys = this.keys.event(eventId);
    const [counts, maps] = (await this.scripts.eventState.run(this.redis, [keys.counts, keys.seats], [])) as [string[], string[]];
    return { counts: fieldsOf(counts), maps: fieldsOf(maps) };
  }

  /**
   * Places of the section that customers who never paid may hold together:
   * the share, but at least one full party, so a first-time buyer can always
   * ask for as many as anyone; 0 (not counted) when that is the whole section.
   */
  private unpaidShare(section: Section): number {
    const capacity = sectionCapacity(section);
    const share = Math.max(this.maxPartySize, Math.floor((capacity * this.unpaidSharePercent) / 100));
    return share >= capacity ? 0 : share;
  }

  /**
   * hold.lua's ARGV[12..]: GA capacity; or 0, the layout ('A:20|B:20', rows
   * best first) and the length of a seat map with that layout ('|A:' + 20 seats…).
   */
  private layout(section: Section): Array<string | number> {
    let args = this.layouts.get(section);
    if (!args) {
      if (isSeated(section)) {
        const rows = Object.entries(section.rows);
        const mapLength = rows.reduce((sum, [row, size]) => sum + row.length + 2 + size, 0);
        args = [0, rows.map(([row, size]) => `${row}:${size}`).join('|'), mapLength];
      } else {
        args = [section.capacity];
      }
      this.layouts.set(section, args);
    }
    return args;
  }
}

function assertHoldRequest(req: HoldRequest): void {
  if (!req.holdId) throw new TypeError('hold: holdId is required');
  if (!req.customerKey || req.customerKey.includes(HOLDER_SEPARATOR)) {
    throw new TypeError('hold: customerKey is required and must not contain NUL');
  }
  if (req.originKey?.includes(HOLDER_SEPARATOR)) throw new TypeError('hold: originKey must not contain NUL');
  if (!Number.isFinite(req.expiresAt)) throw new TypeError('hold: expiresAt must be epoch ms');
}

function refuseHold(reason: HoldRefusal): HoldResult {
  return { ok: false, reason, available: 0, largestBlock: 0 };
}

function seatList(csv: string | undefined): string[] {
  return csv ? csv.split(',') : [];
}

function toAllocation(fields: Record<string, string>): Allocation {
  const allocation: Allocation = {
    holdId: fields.holdId ?? '',
    eventId: fields.eventId ?? '',
    sectionId: fields.sectionId ?? '',
    seats: seatList(fields.seats),
    quantity: Number(fields.quantity),
    state: fields.state as AllocationState,
    expiresAt: Number(fields.expiresAt),
    customerKey: fields.customerKey ?? '',
    createdAt: Number(fields.createdAt),
  };
  if (fields.swappedInto) allocation.swappedInto = fields.swappedInto;
  return allocation;
}

/** Rows of a stored seat map ('|A:..HH|B:SS..'); empty when the section was never held from. */
function parseSeatMap(map: string | null | undefined): Map<string, string> {
  const rows = new Map<string, string>();
  for (const [, name, seats] of (map ?? '').matchAll(/\|([^:|]+):([^|]*)/g)) rows.set(name!, seats!);
  return rows;
}

/** A stored row as the catalog has it now: cut or padded to its size; all free when never held from. */
function rowState(stored: string | undefined, size: number): string {
  return (stored ?? '').padEnd(size, '.').slice(0, size);
}

function longestFreeRun(row: string): number {
  return Math.max(0, ...(row.match(/\.+/g) ?? []).map((run) => run.length));
}

function sectionInventory(section: Section, counts: Record<string, string>, maps: Record<string, string>): SectionInventory {
  const fields = countFields(section.id);
  const held = Number(counts[fields.held] ?? 0);
  const sold = Number(counts[fields.sold] ?? 0);
  const capacity = sectionCapacity(section);
  const inventory: SectionInventory = {
    id: section.id, name: section.name, tier: section.tier, capacity, held, sold, available: capacity - held - sold,
  };
  if (isSeated(section)) {
    const stored = parseSeatMap(maps[section.id]);
    inventory.largestBlock = Math.max(
      0,
      ...Object.entries(section.rows).map(([row, size]) => longestFreeRun(rowState(stored.get(row), size))),
    );
  }
  return inventory;
}
