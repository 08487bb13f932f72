import { Router } from 'express';
import type { OrderStore } from '../orders/order.store.js';
import { parseRecordId } from '../orders/order-id.js';
import type { Order } from '../orders/order.js';
import { escapeHtml, page } from '../http/html.js';
import { PAY_LINK_PATH } from '../checkout/pay-link.js';


/**
 * The short link sent by SMS (`/p/BX-7K2Q`): Stripe's Checkout URLs run to
 * hundreds of characters, several SMS segments on their own. It redirects to
 * the payment page while the order can be paid, and explains otherwise. It is
 * also where Stripe sends the customer back (?paid=1 on success, ?back=1).
 */
export function payLinkRoutes(deps: { orders: OrderStore }): Router {
  const router = Router();
  router.get(PAY_LINK_PATH, async (req, res) => {
    const id = parseRecordId(req.params.orderId);
    const order = id ? await deps.orders.get(id) : undefined;
    res.set('Cache-Control', 'no-store');
    if (!order) {
      res.status(404).send(page('Order not found', `<h1>We can't find that order</h1><p>Check the link in your message, or text us to start again.</p>`));
      return;
    }
    if (req.query.paid !== undefined) {
      res.send(page('Thank you', `<h1>Thank you!</h1><p>We have your payment for order ${escapeHtml(order.id)}. Your tickets are on their way to you as a message.</p>`));
      return;
    }
    if (order.state === 'awaiting_payment' && order.checkoutUrl && req.query.back === undefined) {
      res.redirect(303, order.checkoutUrl);
      return;
    }
    res.status(order.state === 'awaiting_payment' ? 200 : 410).send(page(`Order ${order.id}`, explain(order)));
  });
  return router;
}

function explain(order: Order): string {
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
