import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import type { OrderStore } from '../orders/order.store.js';
import { parseRecordId } from '../orders/order-id.js';
import type { Order } from '../orders/order.js';
import { escapeHtml, page } from '../http/html.js';
import { holdsLink, PAY_LINK_PATH } from '../checkout/pay-link.js';
import type { CheckoutGateway } from '../checkout/checkout.gateway.js';

export interface PayLinkDeps {
  orders: OrderStore;
  /** Asked whether a payment arrived when the order does not say so yet (Stripe redirects before its webhook comes). */
  checkout: Pick<CheckoutGateway, 'retrieve'>;
  log: Logger;
}

/**
 * The short link sent by SMS (`/p/BX-7K2Q/<secret>`): Stripe's Checkout URLs
 * run to hundreds of characters, several SMS segments on their own. It
 * redirects to the payment page while the order can be paid, and explains
 * otherwise. It is also where Stripe sends the customer back (?paid=1 on
 * success, ?back=1).
 *
 * Only the holder of the link sees anything of the order: a missing or wrong
 * secret gets the very answer an order that does not exist gets, after the
 * same read, so no answer tells a guessed id from an unused one.
 */
export function payLinkRoutes(deps: PayLinkDeps): Router {
  const router = Router();
  router.get(PAY_LINK_PATH, async (req, res) => {
    const id = parseRecordId(req.params.orderId);
    const found = id ? await deps.orders.get(id) : undefined;
    const order = found && holdsLink(found, req.params.secret) ? found : undefined;
    res.set('Cache-Control', 'no-store');
    if (!order) {
      res.status(404).send(page('Order not found', `<h1>We can't find that order</h1><p>Check the link in your message, or text us to start again.</p>`));
      return;
    }
    if (req.query.paid !== undefined) {
      await answerReturnFromPayment(order, deps, res);
      return;
    }
    if (order.state === 'awaiting_payment' && order.checkoutUrl && req.query.back === undefined) {
      res.redirect(303, order.checkoutUrl);
      return;
    }
    explain(order, res);
  });
  return router;
}

/**
 * Stripe sends a customer here after a payment, but anyone can add ?paid=1,
 * so the page thanks only for a payment on record: the order's state (set by
 * the worker from the session it retrieved, DESIGN rule 4), or, while the
 * webhook is still on its way, the session Stripe gives us now.
 */
async function answerReturnFromPayment(order: Order, deps: PayLinkDeps, res: Response): Promise<void> {
  if (order.state === 'paid' || order.state === 'fulfilled') {
    thank(order, res);
    return;
  }
  if (order.state === 'awaiting_payment' && (await stripeHasPayment(order, deps))) {
    thank(order, res);
    return;
  }
  if (order.state === 'held' || order.state === 'awaiting_payment') {
    res.send(page(`Order ${order.id}`, `<h1>No payment confirmed yet</h1><p>We have not received a payment for order ${escapeHtml(order.id)}. If you have just paid, it can take a minute: your tickets come to you as a message as soon as it is confirmed.</p>`));
    return;
  }
  explain(order, res);
}

/** True when Stripe says the order's own session is paid; a provider that cannot answer now confirms nothing. */
async function stripeHasPayment(order: Order, deps: PayLinkDeps): Promise<boolean> {
  if (!order.stripeSessionId) return false;
  try {
    const session = await deps.checkout.retrieve(order.stripeSessionId);
    return session.id === order.stripeSessionId && session.reference === order.id && session.paymentStatus === 'paid';
  } catch (err) {
    deps.log.warn({ component: 'pay-link', orderId: order.id, sessionId: order.stripeSessionId, err: (err as Error).message }, 'could not ask the provider about a payment');
    return false;
  }
}

function thank(order: Order, res: Response): void {
  const tickets = order.kind === 'upgrade' ? 'Your new tickets are' : 'Your tickets are';
  res.send(page('Thank you', `<h1>Thank you!</h1><p>We have your payment for ${paidFor(order)}. ${tickets} on their way to you as a message.</p>`));
}

/** What was paid for, as the customer knows it: their order, or the upgrade of it (an offer's UP-… id is ours, not theirs). */
function paidFor(order: Order): string {
  return order.kind === 'upgrade' && order.upgradeOf ? `your upgrade for order ${escapeHtml(order.upgradeOf)}` : `order ${escapeHtml(order.id)}`;
}

function explain(order: Order, res: Response): void {
  res.status(order.state === 'awaiting_payment' ? 200 : 410).send(page(`Order ${order.id}`, explanation(order)));
}

function explanation(order: Order): string {
  const id = escapeHtml(order.id);
  switch (order.state) {
    case 'held':
    case 'awaiting_payment': {
      const until = new Date(order.holdExpiresAt).toISOString().slice(11, 16);
      const pay = order.checkoutUrl ? `<p><a class="button" href="${escapeHtml(order.checkoutUrl)}">Pay now</a></p>` : '';
      return `<h1>No payment taken yet</h1><p>Your seats for order ${id} are held until ${until} UTC.</p>${pay}`;
    }
    case 'paid':
    case 'fulfilled':
      if (order.kind === 'upgrade' && order.upgradeOf) return `<h1>Your upgrade for order ${escapeHtml(order.upgradeOf)} is paid</h1><p>Your new tickets were sent to you as a message. Text STATUS to see them again.</p>`;
      return `<h1>Order ${id} is paid</h1><p>Your tickets were sent to you as a message. Text STATUS to see them again.</p>`;
    case 'expired':
      return `<h1>This link has ended</h1><p>The hold on order ${id} expired and the seats were released. Nothing was charged. Text us to try again.</p>`;
    case 'cancelled':
      return `<h1>This order was cancelled</h1><p>Order ${id} was cancelled and nothing was charged. Text us to try again.</p>`;
    case 'payment_failed':
      return `<h1>The payment did not go through</h1><p>Nothing was charged for order ${id} and the seats were released. Text us to try again.</p>`;
    case 'refunded':
      return `<h1>Order ${id} was refunded</h1>`;
  }
}
