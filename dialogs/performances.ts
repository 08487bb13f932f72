// The other performances of a show (or games of a team's fixture with the
// same name): what "sunday not friday" or "the 8pm one" moves an order to.
import type { CatalogEvent } from '../src/catalog/catalog.schema.js';
import type { EventCatalog } from '../src/catalog/event-catalog.js';
import { eventsFitting, type When } from '../src/catalog/event-when.js';

/** The upcoming events named like `event` that fit `when`; empty when none does. */
export function performancesFitting(catalog: EventCatalog, event: CatalogEvent, when: When, now: Date): CatalogEvent[] {
  const performances = catalog.upcoming(now).filter((other) => other.name === event.name);
  return eventsFitting(performances, when);
}
