// A sample catalog that never goes stale. The catalog that ships with the
// project says `"rollForward": true`; each time it is loaded, its events move
// forward together by whole weeks, the fewest that put the first one at least
// ROLL_LEAD_DAYS ahead, so whoever clones the project finds every event on
// sale. Whole weeks keep each event's weekday, the local time is kept as
// written, and the spacing between events stays as the file has it. The dates
// change only once a week, when the first event comes within the lead, so a
// web and a worker process started on one day agree on them.
//
// A catalog a box office writes itself leaves `rollForward` out and is never
// re-dated: its dates are real.
import type { Catalog, CatalogEvent } from './catalog.schema.js';
import { addLocalDays, offsetInZone, readLocalTime, writeLocalTime } from './local-time.js';

/** The first event of a rolled catalog lies at least this many days ahead. */
export const ROLL_LEAD_DAYS = 3;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The catalog as it reads at `now`: itself, unless it asks to roll forward. */
export function rollForward(catalog: Catalog, now: Date): Catalog {
  if (catalog.rollForward !== true) return catalog;
  const first = Math.min(...catalog.events.map((event) => Date.parse(event.startsAt)));
  const lead = now.getTime() + ROLL_LEAD_DAYS * DAY_MS;
  const weeks = first >= lead ? 0 : Math.ceil((lead - first) / WEEK_MS);
  if (weeks === 0) return catalog;
  return { ...catalog, events: catalog.events.map((event) => moveEvent(event, weeks * 7)) };
}

function moveEvent(event: CatalogEvent, days: number): CatalogEvent {
  return {
    ...event,
    startsAt: moveTime(event.startsAt, days, event.timeZone),
    // Its on-sale keeps its distance from the start.
    ...(event.onSaleAt ? { onSaleAt: moveTime(event.onSaleAt, days, event.timeZone) } : {}),
  };
}

/** The same wall-clock time `days` later, at the offset the venue's zone has then. */
function moveTime(iso: string, days: number, timeZone: string | undefined): string {
  const written = readLocalTime(iso);
  if (!written) return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
  const moved = addLocalDays(written, days);
  const offsetMinutes = timeZone ? offsetInZone(moved, timeZone) : moved.offsetMinutes;
  return writeLocalTime({ ...moved, offsetMinutes });
}
