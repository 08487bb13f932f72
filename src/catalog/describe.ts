import type { CatalogEvent, Section } from './catalog.schema.js';
import { isSeated } from './catalog.schema.js';
import type { Language } from '../customers/language.js';
import { readLocalTime, zoneOffsetMinutes } from './local-time.js';
import { spanishSectionName } from './section-names.es.js';

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

// Spanish without á, í, ó, ú: those would switch an SMS to UCS-2 (70 characters a segment).
const WEEKDAYS: Record<Language, readonly string[]> = {
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  es: ['dom', 'lun', 'mar', 'mie', 'jue', 'vie', 'sab'],
};
const MONTHS: Record<Language, readonly string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  es: ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'],
};

/**
 * "2026-12-05T19:30:00-08:00" → "Sat Dec 5, 7:30pm" ("sab 5 dic, 7:30pm"):
 * the venue's local time, as written in the catalog, whatever zone the server runs in.
 */
export function formatEventTime(startsAt: string, language: Language = 'en'): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(startsAt);
  if (!match) return startsAt;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const weekday = WEEKDAYS[language][new Date(Date.UTC(y, mo - 1, d)).getUTCDay()];
  const month = MONTHS[language][mo - 1];
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const minutes = mi === 0 ? '' : `:${String(mi).padStart(2, '0')}`;
  const time = `${hour12}${minutes}${h < 12 ? 'am' : 'pm'}`;
  return language === 'es' ? `${weekday} ${d} ${month}, ${time}` : `${weekday} ${month} ${d}, ${time}`;
}

/**
 * An instant on the venue's clock, in formatEventTime's words ("Thu Dec 3, 8:09pm"),
 * so a deadline reads like the event's own time: in the event's time zone when
 * the catalog names one, else at the offset its start is written with.
 */
export function formatVenueTime(at: number, event: CatalogEvent, language: Language = 'en'): string {
  const offsetMinutes = event.timeZone ? zoneOffsetMinutes(event.timeZone, at) : (readLocalTime(event.startsAt)?.offsetMinutes ?? 0);
  // The venue's wall clock written as if it were UTC: formatEventTime reads only the date and time as written.
  return formatEventTime(new Date(at + offsetMinutes * 60_000).toISOString(), language);
}

/** "Lakers vs Warriors, Sat Dec 5, 7:30pm, Arena" */
export function describeEvent(event: CatalogEvent, language: Language = 'en'): string {
  return `${event.name}, ${formatEventTime(event.startsAt, language)}, ${event.venue}`;
}

/** A section's name as said in the conversation's language. */
export function sectionName(section: Section, language: Language = 'en'): string {
  return language === 'es' ? spanishSectionName(section.name) : section.name;
}

const SEAT_WORDS: Record<Language, { section: string; place: string; places: string; row: string; seat: string; seats: string }> = {
  en: { section: 'Your section', place: 'place', places: 'places', row: 'row', seat: 'seat', seats: 'seats' },
  es: { section: 'Su seccion', place: 'lugar', places: 'lugares', row: 'fila', seat: 'asiento', seats: 'asientos' },
};

/**
 * ['A-7', 'A-8'] → "Section 101, row A, seats 7-8"; standing → "Standing, 2 places".
 * Seats of one order are adjacent in one row, but several rows are handled too.
 */
export function describeSeats(section: Section | undefined, seats: string[], quantity: number, language: Language = 'en'): string {
  const words = SEAT_WORDS[language];
  const name = section ? sectionName(section, language) : words.section;
  if (!section || !isSeated(section) || seats.length === 0) return `${name}, ${quantity} ${quantity === 1 ? words.place : words.places}`;
  const byRow = new Map<string, number[]>();
  for (const seat of seats) {
    const [row, number] = seat.split('-');
    byRow.set(row!, [...(byRow.get(row!) ?? []), Number(number)]);
  }
  const rows = [...byRow].map(([row, numbers]) => `${words.row} ${row}, ${seatRange(numbers.sort((a, b) => a - b), words)}`);
  return `${name}, ${rows.join('; ')}`;
}

function seatRange(numbers: number[], words: { seat: string; seats: string }): string {
  if (numbers.length === 1) return `${words.seat} ${numbers[0]}`;
  const consecutive = numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);
  return consecutive ? `${words.seats} ${numbers[0]}-${numbers[numbers.length - 1]}` : `${words.seats} ${numbers.join(', ')}`;
}
