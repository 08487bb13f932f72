import { z } from 'zod';

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_" only');

const sectionBase = {
  id,
  name: z.string().min(1).max(80),
  /** Higher is better; upgrades move to a higher tier. */
  tier: z.number().int().min(0),
  /** Price of one seat in minor units (cents). */
  price: z.number().int().positive(),
};

/**
 * A section with named rows of numbered seats. Rows are listed best first:
 * `{ "A": 20, "B": 20 }` means row A (seats 1-20) is better than row B.
 */
export const seatedSectionSchema = z
  .object({
    ...sectionBase,
    rows: z
      .record(z.string().regex(/^[A-Za-z0-9]{1,4}$/, 'row names are 1-4 letters or digits'), z.number().int().min(1).max(200))
      .refine((rows) => Object.keys(rows).length > 0, 'a section needs at least one row'),
  })
  .strict();

/** A general-admission (standing) section: a capacity, no seat numbers. */
export const gaSectionSchema = z
  .object({ ...sectionBase, capacity: z.number().int().min(1).max(100_000) })
  .strict();

export const sectionSchema = z.union([seatedSectionSchema, gaSectionSchema]);

export const eventSchema = z
  .object({
    id,
    name: z.string().min(1).max(120),
    startsAt: z.iso.datetime({ offset: true }),
    venue: z.string().min(1).max(120),
    currency: z.string().regex(/^[a-z]{3}$/, 'a lower-case ISO 4217 code such as "usd"'),
    aliases: z.array(z.string().min(1).max(60)).default([]),
    sections: z.array(sectionSchema).min(1),
  })
  .strict()
  .superRefine((event, ctx) => {
    const seen = new Set<string>();
    event.sections.forEach((section, index) => {
      if (seen.has(section.id)) {
        ctx.addIssue({ code: 'custom', path: ['sections', index, 'id'], message: `duplicate section id "${section.id}"` });
      }
      seen.add(section.id);
    });
  });

export const catalogSchema = z
  .object({ events: z.array(eventSchema).min(1) })
  .superRefine((catalog, ctx) => {
    const seen = new Set<string>();
    catalog.events.forEach((event, index) => {
      if (seen.has(event.id)) {
        ctx.addIssue({ code: 'custom', path: ['events', index, 'id'], message: `duplicate event id "${event.id}"` });
      }
      seen.add(event.id);
    });
  });

export type SeatedSection = z.infer<typeof seatedSectionSchema>;
export type GaSection = z.infer<typeof gaSectionSchema>;
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
