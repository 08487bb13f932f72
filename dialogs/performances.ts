// The other performances of a show, or the other games of a team (events that
// share a name the customer may call them by, such as "kings"): what "sunday
// not friday" or "the 8pm one" moves an order to.
import type { CatalogEvent } from '../src/catalog/catalog.schema.js';
import type { EventCatalog } from '../src/catalog/event-catalog.js';
import { eventsFitting, type When } from '../src/catalog/event-when.js';

/** The upcoming events named like `event`, or sharing one of its aliases, that fit `when`; empty when none does. */
export function performancesFitting(catalog: EventCatalog, event: CatalogEvent, when: When, now: Date): CatalogEvent[] {
  const performances = catalog.upcoming(now).filter((other) => other.name === event.name || other.aliases.some((alias) => event.aliases.includes(alias)));
  return eventsFitting(performances, when);
}
