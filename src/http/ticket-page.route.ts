import { Router } from 'express';
import type { TicketViews } from '../tickets/ticket-view.js';
import { TICKET_PAGE_PATH } from './paths.js';
import { ticketNotFoundHtml, ticketPageHtml } from './ticket-page.html.js';

/**
 * `GET /t/<secret>`: a ticket holder's page, no login. Only the secret finds
 * it, and a wrong, malformed or unknown one gets the same 404. Never cached: the state changes at the door.
 */
export function ticketPageRoutes(deps: { views: TicketViews }): Router {
  const router = Router();
  router.get(TICKET_PAGE_PATH, async (req, res) => {
    const view = await deps.views.forSecret(req.params.secret);
    res.set('Cache-Control', 'no-store');
    if (!view) {
      res.status(404).send(ticketNotFoundHtml());
      return;
    }
    res.send(await ticketPageHtml(view));
  });
  return router;
}
