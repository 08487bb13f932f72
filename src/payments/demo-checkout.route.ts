import express, { Router } from 'express';
import type { Logger } from 'pino';
import { formatPrice } from '../catalog/describe.js';
import { escapeHtml, page } from '../http/html.js';
import { demoEventDelivery } from './demo-event.delivery.js';
import { CheckoutNotFoundError } from '../checkout/checkout.gateway.js';
import type { DemoCheckoutGateway, DemoSessionRecord } from './demo-checkout.gateway.js';
import { DEMO_CARDS, type DemoCardNumber, type DemoSavedCards } from './demo-saved-cards.js';
import { DEMO_CHECKOUT_PATH } from '../http/paths.js';


export interface DemoCheckoutDeps {
  gateway: DemoCheckoutGateway;
  /** Signs the event exactly as Stripe would, with the secret the webhook route checks. */
  webhookSecret: string;
  /** Our own webhook route, reached over loopback: the demo goes through the real path. */
  webhookUrl: () => string;
  /** Saving the card for paying by reply, on a page that offers it (absent: never offered). */
  cards?: DemoSavedCards;
  log: Logger;
}

const DEMO_BANNER = '<p class="banner">DEMO CHECKOUT: no card, no money. This page stands in for Stripe because STRIPE_SECRET_KEY is not set.</p>';

/**
 * The stand-in for Stripe's hosted page. "Pay (demo)" marks the session paid
 * and posts a signed checkout.session.completed event to our own webhook, so
 * queue, worker, seats and tickets all run for real.
 */
export function demoCheckoutRoutes(deps: DemoCheckoutDeps): Router {
  const router = Router();

  router.get(DEMO_CHECKOUT_PATH, async (req, res) => {
    const session = await findSession(deps.gateway, req.params.sessionId);
    if (!session) {
      res.status(404).send(page('Checkout not found', `${DEMO_BANNER}<h1>No such checkout</h1>`));
      return;
    }
    res.set('Cache-Control', 'no-store').send(page('Demo checkout', checkoutHtml(session)));
  });

  router.post(`${DEMO_CHECKOUT_PATH}/pay`, express.urlencoded({ extended: false, limit: '1kb' }), async (req, res) => {
    const before = await findSession(deps.gateway, req.params.sessionId);
    if (!before) {
      res.status(404).send(page('Checkout not found', `${DEMO_BANNER}<h1>No such checkout</h1>`));
      return;
    }
    if (before.status === 'expired') {
      res.status(410).send(page('Checkout expired', `${DEMO_BANNER}<h1>This checkout has expired</h1><p>Nothing was charged.</p>`));
      return;
    }
    // Ticked "save my card" on a page that offered it: the chosen demo card is kept for the session's Customer.
    // A form with nothing ticked, or no form at all (a bare POST), pays with the first demo card and saves nothing.
    const form = (req.body ?? {}) as { card?: string; save?: string };
    const card = form.card === '0341' ? '0341' : '4242';
    const saving = before.status === 'open' && before.customer && before.save_consent && form.save === 'on';
    const savedCard = saving && deps.cards ? await deps.cards.saveCard(before.customer!, card) : undefined;
    const session = await deps.gateway.pay(before.id, savedCard);
    // Paying twice sends the event again, as Stripe may: the worker takes it once.
    const delivered = await deliverCompletedEvent(deps, session);
    if (!delivered) {
      res.status(502).send(page('Try again', `${DEMO_BANNER}<h1>Payment recorded, confirmation delayed</h1><p>Please press Pay again in a moment.</p>`));
      return;
    }
    res.redirect(303, session.success_url);
  });

  return router;
}

async function findSession(gateway: DemoCheckoutGateway, sessionId: string): Promise<DemoSessionRecord | undefined> {
  try {
    return await gateway.record(sessionId);
  } catch (err) {
    if (err instanceof CheckoutNotFoundError) return undefined;
    throw err;
  }
}

async function deliverCompletedEvent(deps: DemoCheckoutDeps, session: DemoSessionRecord): Promise<boolean> {
  return demoEventDelivery(deps)('checkout.session.completed', session);
}

function checkoutHtml(session: DemoSessionRecord): string {
  const rows = session.line_items
    .map((item) => `<tr><td>${escapeHtml(item.name)}${item.description ? `<br><span class="muted">${escapeHtml(item.description)}</span>` : ''} × ${item.quantity}</td><td class="r">${formatPrice(item.unitAmount * item.quantity, session.currency)}</td></tr>`)
    .join('');
  const total = `<tr><td><b>Total</b></td><td class="r"><b>${formatPrice(session.amount_total, session.currency)}</b></td></tr>`;
  const action =
    session.status === 'open'
      ? `<form method="post" action="/demo/checkout/${escapeHtml(session.id)}/pay">${session.customer && session.save_consent ? saveChoiceHtml(session.save_consent) : ''}<button type="submit">Pay (demo)</button></form>
         <p><a href="${escapeHtml(session.cancel_url)}">Back</a></p>`
      : `<p><b>This checkout is ${session.status === 'complete' ? 'paid' : 'expired'}.</b></p>`;
  return `${DEMO_BANNER}<h1>Order ${escapeHtml(session.client_reference_id)}</h1><table>${rows}${total}</table>${action}`;
}

/** The demo cards to pay with, and Stripe's "save my card" tick box with our consent words, never ticked for the customer. */
function saveChoiceHtml(consent: string): string {
  const cards = (Object.keys(DEMO_CARDS) as DemoCardNumber[])
    .map((number, i) => `<label><input type="radio" name="card" value="${number}"${i === 0 ? ' checked' : ''}> ${escapeHtml(DEMO_CARDS[number].label)}</label><br>`)
    .join('');
  return `<fieldset><legend>Card</legend>${cards}</fieldset><p><label><input type="checkbox" name="save" value="on"> ${escapeHtml(consent)}</label></p>`;
}
