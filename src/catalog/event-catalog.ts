import type { Catalog, CatalogEvent, Section } from './catalog.schema.js';

/** Read-only lookups over a validated catalog. */
export class EventCatalog {
  private readonly byId: Map<string, CatalogEvent>;

  constructor(readonly data: Catalog) {
    this.byId = new Map(data.events.map((event) => [event.id, event]));
  }

  events(): readonly CatalogEvent[] {
    return this.data.events;
  }

  event(eventId: string): CatalogEvent | undefined {
    return this.byId.get(eventId);
  }

  section(eventId: string, sectionId: string): Section | undefined {
    return this.byId.get(eventId)?.sections.find((section) => section.id === sectionId);
  }

  /** Events that have not started yet, soonest first. */
  upcoming(now: Date = new Date()): CatalogEvent[] {
    return this.data.events
      .filter((event) => Date.parse(event.startsAt) > now.getTime())
      .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  }
}
