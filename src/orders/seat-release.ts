import type { SeatStore } from '../seats/seat.store.js';
import type { Order } from './order.js';

/** How a record's seats came free: released through its allocation, freed from the seat map (the allocation was gone), or none was held for it. */
export type HoldRelease = 'released' | 'already_released' | 'freed_from_seat_map' | 'nothing_held' | 'sold' | 'swapped';

/**
 * Lets a record's held seats go. Through its allocation, as always; when the
 * allocation record is gone (release answers unknown_hold) the seat state is
 * the truth: the places the record names that are still marked held, and that
 * no live allocation owns, are freed from the seat map. So a customer told
 * "the seats are released" is told the truth either way.
 */
export async function releaseHold(seats: SeatStore, record: Pick<Order, 'id' | 'eventId' | 'sectionId' | 'seats' | 'quantity'>): Promise<HoldRelease> {
  const released = await seats.release(record.eventId, record.id);
  if (released.ok) return released.already ? 'already_released' : 'released';
  if (released.reason === 'released') return 'already_released';
  if (released.reason !== 'unknown_hold') return released.reason;
  const { freed } = await seats.freeUnowned(record.eventId, { only: { sectionId: record.sectionId, seats: record.seats, quantity: record.quantity } });
  return freed > 0 ? 'freed_from_seat_map' : 'nothing_held';
}
