import { isSeated, type CatalogEvent } from '../catalog/catalog.schema.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { AdmissionStore } from '../tickets/admission.store.js';

/** One event as staff see it: when and where, and per section what is free, held, sold and admitted at the door. */
export interface StaffEventView {
  id: string;
  name: string;
  startsAt: string;
  venue: string;
  currency: string;
  started: boolean;
  /** `seated`: the section has rows and numbered seats (a seat map); else general admission. */
  sections: Array<{ id: string; name: string; seated: boolean; capacity: number; held: number; sold: number; available: number; admitted: number }>;
}

/** Every event of the catalog, soonest first: what GET /staff/events answers and the console shows. */
export async function staffEvents(deps: { catalog: EventCatalog; seats: SeatStore; admissions: Pick<AdmissionStore, 'admittedBySection'> }, now = Date.now()): Promise<StaffEventView[]> {
  const events = [...deps.catalog.events()].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  return Promise.all(
    events.map(async (event) => {
      const inventory = await deps.seats.inventory(event.id);
      const sections = inventory?.sections ?? [];
      const admitted = await deps.admissions.admittedBySection(event.id, sections.map((section) => section.id));
      return {
        id: event.id,
        name: event.name,
        startsAt: event.startsAt,
        venue: event.venue,
        currency: event.currency,
        started: Date.parse(event.startsAt) <= now,
        sections: sections.map(({ id, name, capacity, held, sold, available }) => ({ id, name, seated: seatedIn(event, id), capacity, held, sold, available, admitted: admitted.get(id) ?? 0 })),
      };
    }),
  );
}

function seatedIn(event: CatalogEvent, sectionId: string): boolean {
  const section = event.sections.find((s) => s.id === sectionId);
  return section !== undefined && isSeated(section);
}
