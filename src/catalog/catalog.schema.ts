import { z } from 'zod';
import { isTimeZone, offsetInZone, readLocalTime, writeOffset } from './local-time.js';

// Every message below completes the sentence "<file>: <field path>: ...", which
// is how catalog.loader.ts reports the first problem and stops start-up.

/**
 * zod error option for a wrong type: "is required" when the field is absent,
 * else `message`. Other issues (unknown keys, size checks) keep their own text.
 */
function must(message: string) {
  return {
    error: (issue: { code?: string; input?: unknown }) => {
      if (issue.code !== undefined && issue.code !== 'invalid_type' && issue.code !== 'invalid_format') return undefined;
      return issue.input === undefined ? 'is required' : `${message} (got ${shortJson(issue.input)})`;
    },
  };
}

function shortJson(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

function text(max: number) {
  return z
    .string(must('must be text'))
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

const id = z
  .string(must('must be text'))
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "-" and "_" only, starting with a letter or digit');

/** Names a customer might type for a thing, besides its name and id. */
const aliases = z
  .array(
    text(60).regex(/[\p{L}\p{N}]/u, 'must contain a letter or digit'),
    must('must be a list of words customers might type, e.g. ["lakers", "la lakers"]'),
  );

// Stripe's largest charge is 99,999,999 minor units; a catalog price above it
// could never be paid, so it is a catalog mistake, not a runtime surprise.
const CENTS_MESSAGE = 'must be a positive whole number of cents, e.g. 20000 for $200.00';
const cents = z
  .number(must(CENTS_MESSAGE))
  .int(CENTS_MESSAGE)
  .positive(CENTS_MESSAGE)
  .max(99_999_999, 'must be at most 99999999 cents (the most Stripe can charge)');

const SEATS_MESSAGE = 'must be a whole number of seats from 1 to 200';
const rows = z
  .record(z.string(), z.number(must(SEATS_MESSAGE)).int(SEATS_MESSAGE).min(1, SEATS_MESSAGE).max(200, SEATS_MESSAGE), must(
    'must be an object of row name to seat count, best row first, e.g. { "A": 20, "B": 20 }',
  ))
  .superRefine((value, ctx) => {
    const names = Object.keys(value);
    if (names.length === 0) ctx.addIssue({ code: 'custom', message: 'a seated section needs at least one row' });
    for (const name of names) {
      if (!/^[A-Za-z0-9]{1,4}$/.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'row names are 1-4 letters or digits' });
      }
    }
  });

const CAPACITY_MESSAGE = 'must be a whole number of places from 1 to 100000';
const capacity = z
  .number(must(CAPACITY_MESSAGE))
  .int(CAPACITY_MESSAGE)
  .min(1, CAPACITY_MESSAGE)
  .max(100_000, CAPACITY_MESSAGE);

const sectionBase = {
  id,
  name: text(80),
  /** Higher is better; upgrades move to a higher tier. */
  tier: z.number(must('must be a whole number, 0 or more (higher is better)')).int().min(0, 'must be 0 or more'),
  /** Price of one seat in minor units (cents). */
  price: cents,
  /** Extra words that name this section, e.g. ["floor seats"] for courtside. */
  aliases: aliases.optional(),
};

/**
 * A section with named rows of numbered seats. Rows are listed best first:
 * `{ "A": 20, "B": 20 }` means row A (seats 1-20) is better than row B.
 */
export const seatedSectionSchema = z.strictObject({ ...sectionBase, rows });

/** A general-admission (standing) section: a capacity, no seat numbers. */
export const gaSectionSchema = z.strictObject({ ...sectionBase, capacity });

export type SeatedSection = z.infer<typeof seatedSectionSchema>;
export type GaSection = z.infer<typeof gaSectionSchema>;

// One object with both keys optional instead of z.union: a union reports
// "invalid input" for the whole section, where this names the field at fault
// (a missing price, a bad row) and says plainly when rows/capacity are mixed up.
export const sectionSchema = z
  .strictObject({ ...sectionBase, rows: rows.optional(), capacity: capacity.optional() }, must('must be an object'))
  .superRefine((section, ctx) => {
    const hasRows = section.rows !== undefined;
    const hasCapacity = section.capacity !== undefined;
    if (hasRows && hasCapacity) {
      ctx.addIssue({ code: 'custom', message: 'has both "rows" and "capacity": give rows for a seated section or capacity for general admission' });
    } else if (!hasRows && !hasCapacity) {
      ctx.addIssue({ code: 'custom', message: 'needs "rows" (a seated section) or "capacity" (general admission)' });
    }
  })
  .transform((section): SeatedSection | GaSection => section as SeatedSection | GaSection);

export const eventSchema = z
  .strictObject(
    {
      id,
      name: text(120),
      startsAt: z.iso.datetime({
        offset: true,
        ...must('must be an ISO 8601 date and time with a UTC offset, e.g. "2026-12-05T19:30:00-08:00"'),
      }),
      /**
       * The venue's IANA time zone, e.g. "America/Los_Angeles". Optional; with
       * it, `startsAt` must carry the offset the zone has on that date, and a
       * rolled sample event keeps its local time across daylight-saving changes.
       */
      timeZone: z
        .string(must('must be an IANA time zone name such as "America/Los_Angeles"'))
        .refine(isTimeZone, 'must be an IANA time zone name such as "America/Los_Angeles"')
        .optional(),
      venue: text(120),
      currency: z
        .string(must('must be a lower-case ISO 4217 code such as "usd"'))
        .regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code such as "usd"'),
      aliases: aliases.default([]),
      /**
       * When the event goes on sale, with a UTC offset as `startsAt`. Before
       * it nothing is held or sold, and a customer asking is told when it
       * opens. Absent: on sale now.
       */
      onSaleAt: z
        .iso.datetime({ offset: true, ...must('must be an ISO 8601 date and time with a UTC offset, e.g. "2026-11-20T10:00:00-08:00"') })
        .optional(),
      /** A line or two a bot can show when a customer asks what the event is. */
      description: text(500).optional(),
      /** Shown before payment, e.g. "Refunds up to 48 hours before the event." */
      refundPolicy: text(300).optional(),
      /**
       * Customers may cancel a paid order and be refunded until this many hours
       * before `startsAt` (0: until the start). Absent: customers cannot cancel
       * a paid order themselves (staff still can). Keep `refundPolicy` saying the same.
       */
      refundableUntilHours: z
        .number(must('must be a whole number of hours, e.g. 48'))
        .int('must be a whole number of hours, e.g. 48')
        .min(0, 'must be 0 or more hours')
        .max(8760, 'must be at most 8760 hours (a year)')
        .optional(),
      /**
       * Ticket holders may give tickets to someone by text until this many
       * hours before `startsAt`. Absent: until the start.
       */
      transferCutoffHours: z
        .number(must('must be a whole number of hours, e.g. 2'))
        .int('must be a whole number of hours, e.g. 2')
        .min(0, 'must be 0 or more hours')
        .max(8760, 'must be at most 8760 hours (a year)')
        .optional(),
      sections: z.array(sectionSchema, must('must be a list of sections')).min(1, 'an event needs at least one section'),
    },
    must('must be an object'),
  )
  .superRefine((event, ctx) => {
    const written = readLocalTime(event.startsAt);
    const expected = event.timeZone && written && isTimeZone(event.timeZone) ? offsetInZone(written, event.timeZone) : undefined;
    if (written && expected !== undefined && expected !== written.offsetMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['startsAt'],
        message: `has UTC offset ${writeOffset(written.offsetMinutes)}, but ${event.timeZone} is at ${writeOffset(expected)} on that date`,
      });
    }
    if (event.onSaleAt !== undefined && Date.parse(event.onSaleAt) >= Date.parse(event.startsAt)) {
      ctx.addIssue({ code: 'custom', path: ['onSaleAt'], message: 'must be before startsAt: an event cannot go on sale after it starts' });
    }
    const seen = new Set<string>();
    event.sections.forEach((section, index) => {
      if (seen.has(section.id)) {
        ctx.addIssue({ code: 'custom', path: ['sections', index, 'id'], message: `duplicate section id "${section.id}"` });
      }
      seen.add(section.id);
    });
  });

export const catalogSchema = z
  .object(
    {
      /**
       * A sample catalog's dates follow the clock: see roll-forward.ts. Leave
       * it out (the default) in a box office's own catalog, whose dates are real.
       */
      rollForward: z.boolean(must('must be true or false')).optional(),
      events: z.array(eventSchema, must('must be a list of events')).min(1, 'the catalog needs at least one event'),
    },
    must('must be an object with an "events" list'),
  )
  .superRefine((catalog, ctx) => {
    const seen = new Set<string>();
    catalog.events.forEach((event, index) => {
      if (seen.has(event.id)) {
        ctx.addIssue({ code: 'custom', path: ['events', index, 'id'], message: `duplicate event id "${event.id}"` });
      }
      seen.add(event.id);
    });
  });

export type Section = z.infer<typeof sectionSchema>;
export type CatalogEvent = z.infer<typeof eventSchema>;
export type Catalog = z.infer<typeof catalogSchema>;

export function isSeated(section: Section): section is SeatedSection {
  return 'rows' in section;
}

/** Number of places in a section: seats across its rows, or its GA capacity. */
export function sectionCapacity(section: Section): number {
  return isSeated(section) ? Object.values(section.rows).reduce((a, b) => a + b, 0) : section.capacity;
}
