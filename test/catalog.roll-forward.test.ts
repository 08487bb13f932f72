import { describe, expect, it } from 'vitest';
import { loadCatalog, parseCatalog } from '../src/catalog/catalog.loader.js';
import type { CatalogEvent } from '../src/catalog/catalog.schema.js';
import { describeEvent, formatEventTime } from '../src/catalog/describe.js';
import { ROLL_LEAD_DAYS } from '../src/catalog/roll-forward.js';

const SAMPLE = 'catalog/sample-events.json';
const DAY = 86_400_000;

/** The sample as the file writes it: read at a clock before its first event. */
const asWritten = loadCatalog(SAMPLE, new Date('2026-11-01T00:00:00Z')).events();

/** "Sat 7:30pm": what a customer reads of an event's day and time, whatever its date. */
function weekdayAndTime(event: CatalogEvent): string {
  return formatEventTime(event.startsAt).replace(/ \w{3} \d+,/, '');
}

const LA_CLOCK = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/Los_Angeles', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const clocks = [
  '2026-12-02T12:00:00Z',
  '2026-12-06T03:30:00Z',
  '2027-03-14T09:59:00Z', // the morning US clocks spring forward
  '2027-06-01T12:00:00Z',
  '2027-11-07T10:00:00Z', // the morning they fall back
  '2027-12-02T12:00:00Z',
  '2031-02-28T23:59:59Z',
];

describe('the sample catalog is on sale whenever it is started', () => {
  it.each(clocks)('at %s: every event lies ahead, the first one %i+ days away, in the order and spacing of the file', (clock) => {
    const now = new Date(clock);
    const events = loadCatalog(SAMPLE, now).events();

    const starts = events.map((event) => Date.parse(event.startsAt));
    const first = Math.min(...starts);
    expect(first - now.getTime()).toBeGreaterThanOrEqual(ROLL_LEAD_DAYS * DAY - 3_600_000);
    expect(first - now.getTime()).toBeLessThan((ROLL_LEAD_DAYS + 7) * DAY + 3_600_000);
    expect(loadCatalog(SAMPLE, now).upcoming(now).map((event) => event.id)).toEqual(asWritten.map((event) => event.id));
    // The spread over the coming months stays as written (to the hour a daylight-saving change moves).
    const writtenStarts = asWritten.map((event) => Date.parse(event.startsAt));
    starts.forEach((start, i) => {
      expect(Math.abs(start - first - (writtenStarts[i]! - Math.min(...writtenStarts)))).toBeLessThanOrEqual(3_600_000);
    });
  });

  it.each(clocks)('at %s: each event keeps its weekday and local time, with the offset Los Angeles has on its new date', (clock) => {
    const events = loadCatalog(SAMPLE, new Date(clock)).events();
    events.forEach((event, i) => {
      expect(weekdayAndTime(event)).toBe(weekdayAndTime(asWritten[i]!));
      // The written time is the time on the venue's clocks at that instant.
      expect(event.startsAt.slice(11, 16)).toBe(LA_CLOCK.format(new Date(event.startsAt)));
    });
  });

  it('keeps its ids, names, sections and prices: only the dates move', () => {
    const rolled = loadCatalog(SAMPLE, new Date('2027-12-02T12:00:00Z')).events();
    expect(rolled.map(({ startsAt: _, ...rest }) => rest)).toEqual(asWritten.map(({ startsAt: _, ...rest }) => rest));
    expect(rolled.map((event) => event.startsAt)).not.toEqual(asWritten.map((event) => event.startsAt));
  });

  it('moves its dates once a week, not at every start, so two processes started the same day agree', () => {
    const morning = loadCatalog(SAMPLE, new Date('2027-06-01T08:00:00Z')).events().map((event) => describeEvent(event));
    const evening = loadCatalog(SAMPLE, new Date('2027-06-01T23:00:00Z')).events().map((event) => describeEvent(event));
    expect(evening).toEqual(morning);

    const dates = new Set<string>();
    for (let day = 0; day < 28; day++) {
      dates.add(loadCatalog(SAMPLE, new Date(Date.parse('2027-06-01T12:00:00Z') + day * DAY)).events()[0]!.startsAt);
    }
    expect(dates.size).toBeGreaterThanOrEqual(4);
    expect(dates.size).toBeLessThanOrEqual(5);
  });

  it('reads as the file writes it while its first event is still far enough ahead', () => {
    const early = loadCatalog(SAMPLE, new Date('2026-11-20T00:00:00Z')).events();
    expect(early[0]).toMatchObject({ id: 'lakers-warriors', startsAt: '2026-12-05T19:30:00-08:00' });
    expect(describeEvent(early[0]!)).toBe('Lakers vs Warriors, Sat Dec 5, 7:30pm, Crypto.com Arena, Los Angeles');
  });
});

describe("a box office's own catalog", () => {
  const own = {
    events: [
      { id: 'gala-2026-12-05', name: 'Gala', startsAt: '2026-12-05T19:30:00-08:00', timeZone: 'America/Los_Angeles', venue: 'Hall', currency: 'usd', sections: [{ id: 'ga', name: 'Floor', tier: 0, price: 1000, capacity: 10 }] },
    ],
  };

  it('is never re-dated: an event that has started stays in the past, and is no longer offered', () => {
    const now = new Date('2027-06-01T12:00:00Z');
    const catalog = parseCatalog(own, 'own', now);
    expect(catalog.event('gala-2026-12-05')?.startsAt).toBe('2026-12-05T19:30:00-08:00');
    expect(catalog.upcoming(now)).toEqual([]);
  });

  it('is not re-dated when it says "rollForward": false', () => {
    const catalog = parseCatalog({ ...own, rollForward: false }, 'own', new Date('2027-06-01T12:00:00Z'));
    expect(catalog.event('gala-2026-12-05')?.startsAt).toBe('2026-12-05T19:30:00-08:00');
  });

  it('refuses a time zone that does not exist, naming the field', () => {
    const bad = { events: [{ ...own.events[0], timeZone: 'Pacific/Atlantis' }] };
    expect(() => parseCatalog(bad, 'own', new Date())).toThrow('own: events[0].timeZone: must be an IANA time zone name such as "America/Los_Angeles"');
  });

  it('refuses a start whose UTC offset is not the one its time zone has that day', () => {
    const summer = { events: [{ ...own.events[0], startsAt: '2027-07-04T21:00:00-08:00' }] };
    expect(() => parseCatalog(summer, 'own', new Date())).toThrow(
      'own: events[0].startsAt: has UTC offset -08:00, but America/Los_Angeles is at -07:00 on that date',
    );
  });

  it('refuses a rollForward that is not true or false', () => {
    expect(() => parseCatalog({ ...own, rollForward: 'weekly' }, 'own', new Date())).toThrow('own: rollForward: must be true or false');
  });
});
