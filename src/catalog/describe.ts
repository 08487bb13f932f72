import type { CatalogEvent, Section } from './catalog.schema.js';
import { isSeated } from './catalog.schema.js';

// Built once: toLocaleString() with options builds a new Intl.NumberFormat on
// every call, about 20 µs, and prices are formatted on every turn that lists sections.
const WHOLE = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 20000, 'usd' → "$200"; 2550 → "$25.50"; 150000 → "$1,500". */
export function formatPrice(minor: number, currency: string): string {
  const major = minor / 100;
  const symbol = currency.toLowerCase() === 'usd' ? '$' : `${currency.toUpperCase()} `;
  return `${symbol}${(Number.isInteger(major) ? WHOLE : CENTS).format(major)}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "2026-12-05T19:30:00-08:00" → "Sat Dec 5, 7:30pm": the venue's local time,
 * as written in the catalog, whatever zone the server runs in.
 */
export function formatEventTime(startsAt: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(startsAt);
  if (!match) return startsAt;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, mo - 1, d)).getUTCDay()];
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const minutes = mi === 0 ? '' : `:${String(mi).padStart(2, '0')}`;
  return `${weekday} ${MONTHS[mo - 1]} ${d}, ${hour12}${minutes}${h < 12 ? 'am' : 'pm'}`;
}

/** "Lakers vs Warriors, Sat Dec 5, 7:30pm, Arena" */
export function describeEvent(event: CatalogEvent): string {
  return `${event.name}, ${formatEventTime(event.startsAt)}, ${event.venue}`;
}

/**
 * ['A-7', 'A-8'] → "Section 101, row A, seats 7-8"; standing → "Standing, 2 places".
 * Seats of one order are adjacent in one row, but several rows are handled too.
 */
export function describeSeats(section: Section | undefined, seats: string[], quantity: number): string {
  const name = section?.name ?? 'Your section';
  if (!section || !isSeated(section) || seats.length === 0) return `${name}, ${quantity} ${quantity === 1 ? 'place' : 'places'}`;
  const byRow = new Map<string, number[]>();
  for (const seat of seats) {
    const [row, number] = seat.split('-');
    byRow.set(row!, [...(byRow.get(row!) ?? []), Number(number)]);
  }
  const rows = [...byRow].map(([row, numbers]) => `row ${row}, ${seatRange(numbers.sort((a, b) => a - b))}`);
  return `${name}, ${rows.join('; ')}`;
}

function seatRange(numbers: number[]): string {
  if (numbers.length === 1) return `seat ${numbers[0]}`;
  const consecutive = numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);
  return consecutive ? `seats ${numbers[0]}-${numbers[numbers.length - 1]}` : `seats ${numbers.join(', ')}`;
}
