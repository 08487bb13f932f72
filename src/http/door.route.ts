import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Router } from 'express';
import { describeEvent } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { AdmissionStore } from '../tickets/admission.store.js';
import { DOOR_CSS, DOOR_JS, doorHtml } from './door.page.js';
import { notFound } from './errors.js';
import { DOOR_PAGE_PATH, STAFF_REALM } from './paths.js';
import { requireStaffLogin } from './staff-auth.js';

export interface DoorDeps {
  staffApiToken: string | undefined;
  catalog: EventCatalog;
  seats: Pick<SeatStore, 'inventory'>;
  admissions: Pick<AdmissionStore, 'admittedBySection'>;
  /** How long after its start an event is still the one a door is for by default. */
  startedWithinMs?: number;
  now?: () => number;
}

/** jsQR's browser build (UMD: it defines window.jsQR), read once: the door page's decoder where the browser has no BarcodeDetector. */
const JSQR = readFileSync(createRequire(import.meta.url).resolve('jsqr'), 'utf8');

/**
 * The door page for staff, `/staff/door`, behind the staff login (the staff
 * token as the password of the browser's sign-in prompt, as the queue board
 * has it), with its script, stylesheet and decoder, and the running count
 * (`GET /staff/door/count?event=<id>`: admitted and sold). The scans it makes
 * go to `/staff/door/checkin` (checkin.route.ts). Mount before the staff API
 * router, whose bearer-only check covers /staff.
 */
export function doorRoutes(deps: DoorDeps): Router {
  const router = Router();
  const now = deps.now ?? Date.now;
  router.use(DOOR_PAGE_PATH, requireStaffLogin(deps.staffApiToken, STAFF_REALM));
  router.get(DOOR_PAGE_PATH, (_req, res) => {
    const events = [...deps.catalog.events()].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
    // The door is for the next event that has not long begun, unless staff pick another.
    const since = now() - (deps.startedWithinMs ?? 6 * 3_600_000);
    const chosen = events.find((event) => Date.parse(event.startsAt) >= since)?.id;
    res.set('Cache-Control', 'no-store');
    res.type('html').send(doorHtml(events.map((event) => ({ id: event.id, label: describeEvent(event) })), chosen));
  });
  router.get(`${DOOR_PAGE_PATH}/door.js`, (_req, res) => res.type('text/javascript').send(DOOR_JS));
  router.get(`${DOOR_PAGE_PATH}/door.css`, (_req, res) => res.type('text/css').send(DOOR_CSS));
  router.get(`${DOOR_PAGE_PATH}/jsqr.js`, (_req, res) => res.type('text/javascript').send(JSQR));
  router.get(`${DOOR_PAGE_PATH}/count`, async (req, res) => {
    const eventId = typeof req.query.event === 'string' ? req.query.event : '';
    const inventory = deps.catalog.event(eventId) ? await deps.seats.inventory(eventId) : undefined;
    if (!inventory) {
      res.status(404).json({ error: 'unknown_event', message: `No event ${JSON.stringify(eventId)}.` });
      return;
    }
    const admitted = await deps.admissions.admittedBySection(eventId, inventory.sections.map((section) => section.id));
    res.set('Cache-Control', 'no-store');
    res.json({ event: eventId, admitted: [...admitted.values()].reduce((a, b) => a + b, 0), sold: inventory.sections.reduce((total, section) => total + section.sold, 0) });
  });
  router.use(DOOR_PAGE_PATH, notFound);
  return router;
}
