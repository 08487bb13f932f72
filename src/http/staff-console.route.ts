import express, { Router } from 'express';
import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { AdmissionStore } from '../tickets/admission.store.js';
import { refuseUnsigned, type IpShield } from './ip-shield.js';
import { STAFF_CONSOLE_FILES_PATH, STAFF_CONSOLE_PATH } from './paths.js';
import { isStaffToken, sameOriginChanges } from './staff-auth.js';
import { CONSOLE_CSS, CONSOLE_JS, eventsPage, signInPage } from './staff-console.page.js';
import { seatMapPage } from './staff-seat-map.page.js';
import { salesPage } from './staff-sales.page.js';
import { summarizeSales } from '../orders/sales-summary.js';
import { page } from './html.js';
import type { OrderStore } from '../orders/order.store.js';
import { staffEvents } from './staff-events.view.js';
import { requireStaffSession, sessionIdOf, setSessionCookie, type StaffSessions } from './staff-sessions.js';

export interface StaffConsoleDeps {
  staffApiToken: string | undefined;
  sessions: StaffSessions;
  catalog: EventCatalog;
  seats: SeatStore;
  /** The event's orders, for which order each held or sold seat belongs to. */
  orders: Pick<OrderStore, 'listByEvent'>;
  admissions: Pick<AdmissionStore, 'admittedBySection'>;
  /** Counts wrong tokens per address: past its limit, 429 before the token is even compared. */
  badTokens?: IpShield;
  /** https: the cookie is Secure. */
  secure: boolean;
  log: Logger;
}

/**
 * The staff console in the browser, at /staff: signed in once with the
 * staff token, then a session cookie (HttpOnly, SameSite=Strict, Secure on
 * https). Every change it accepts is same-origin only, and without a session
 * nothing but the sign-in form is shown. The bearer-token API under /staff
 * stays as it is for scripts; these routes come before it.
 */
export function staffConsoleRoutes(deps: StaffConsoleDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb' });

  router.get(STAFF_CONSOLE_PATH, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!(await deps.sessions.isOpen(sessionIdOf(req.get('cookie'))))) {
      res.send(signInPage());
      return;
    }
    res.send(eventsPage(await staffEvents(deps)));
  });

  router.post(`${STAFF_CONSOLE_PATH}/sign-in`, sameOriginChanges, form, async (req, res) => {
    const offered = typeof (req.body as { token?: unknown } | undefined)?.token === 'string' ? (req.body as { token: string }).token : '';
    if (!isStaffToken(deps.staffApiToken, offered)) {
      deps.log.warn({ component: 'staff-console', ip: req.ip }, 'staff console sign-in refused');
      // Told only that it did not work: not whether a token is configured, nor how close it was.
      refuseUnsigned(deps.badTokens, req, res, () => {
        res.status(401).set('Cache-Control', 'no-store').send(signInPage('That is not the staff token.'));
      });
      return;
    }
    setSessionCookie(res, await deps.sessions.open(), deps.secure);
    res.redirect(303, STAFF_CONSOLE_PATH);
  });

  router.post(`${STAFF_CONSOLE_PATH}/sign-out`, sameOriginChanges, async (req, res) => {
    await deps.sessions.close(sessionIdOf(req.get('cookie')));
    setSessionCookie(res, undefined, deps.secure);
    res.redirect(303, STAFF_CONSOLE_PATH);
  });

  // The page's own files carry nothing secret: served to anyone, so the sign-in page can use them too.
  router.get(`${STAFF_CONSOLE_FILES_PATH}/console.css`, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(CONSOLE_CSS);
  });
  router.get(`${STAFF_CONSOLE_FILES_PATH}/console.js`, (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(CONSOLE_JS);
  });

  router.use(STAFF_CONSOLE_FILES_PATH, requireStaffSession(deps.sessions));
  router.get(`${STAFF_CONSOLE_FILES_PATH}/events/:eventId/sales`, async (req, res) => {
    const event = deps.catalog.event(String(req.params.eventId));
    const inventory = event ? await deps.seats.inventory(event.id) : undefined;
    if (!event || !inventory) {
      res.status(404).send(page('No such event', '<h1>No such event</h1>'));
      return;
    }
    const sales = summarizeSales({ eventId: event.id, currency: event.currency, orders: await deps.orders.listByEvent(event.id), inventory });
    res.set('Cache-Control', 'no-store').send(salesPage(event, sales));
  });
  router.get(`${STAFF_CONSOLE_FILES_PATH}/events/:eventId/sections/:sectionId`, async (req, res) => {
    const event = deps.catalog.event(String(req.params.eventId));
    const section = event ? deps.catalog.section(event.id, String(req.params.sectionId)) : undefined;
    const rows = event && section ? await deps.seats.seatMap(event.id, section.id) : undefined;
    if (!event || !section || !rows) {
      res.status(404).send(page('No such seat map', '<h1>No such seat map</h1><p>General admission has no seats to draw.</p>'));
      return;
    }
    res.set('Cache-Control', 'no-store').send(seatMapPage(event, section, rows, await ordersOfSeats(deps.orders, event.id, section.id)));
  });
  router.get(`${STAFF_CONSOLE_FILES_PATH}/events.json`, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ events: await staffEvents(deps) });
  });
  return router;
}

/** Which order holds or bought each seat of a section: the newest that names it, an ended order's seats left out. */
async function ordersOfSeats(orders: Pick<OrderStore, 'listByEvent'>, eventId: string, sectionId: string): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (const order of await orders.listByEvent(eventId)) {
    if (order.sectionId !== sectionId || !['held', 'awaiting_payment', 'paid', 'fulfilled'].includes(order.state)) continue;
    for (const seat of order.seats) if (!owners.has(seat)) owners.set(seat, order.id);
  }
  return owners;
}
