import { UnrecoverableError } from 'bullmq';
import { CheckoutNotFoundError } from '../checkout/checkout.gateway.js';
import type { FulfilmentOutcome, FulfilmentService } from '../orders/fulfilment.service.js';
import type { Order } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import type { PayByReply } from '../orders/pay-by-reply.service.js';
import type { PaymentInfo } from '../checkout/saved-cards.js';

export interface CardPaymentDeps {
  orders: Pick<OrderStore, 'get'>;
  fulfilment: Pick<FulfilmentService, 'paid' | 'paymentPending' | 'expired'>;
  payByReply: Pick<PayByReply, 'payment' | 'settle'>;
}

/**
 * Acts on a PaymentIntent event (payment_intent.succeeded, .payment_failed,
 * …). As for sessions, the payment is read from Stripe now, not from the
 * event body, and only the payment an order recorded for its saved card
 * settles it: a Checkout Session's own payment carries our ids too, and its
 * session's events already speak for it.
 */
export async function processCardPayment(paymentId: string, cause: string, deps: CardPaymentDeps): Promise<FulfilmentOutcome> {
  const payment = await deps.payByReply.payment(paymentId).catch((err: unknown) => {
    if (err instanceof CheckoutNotFoundError) throw new UnrecoverableError(`payment ${paymentId} does not exist`);
    throw err;
  });
  const order = payment.ours?.kind === 'tickets' ? await deps.orders.get(payment.ours.reference) : undefined;
  if (!order || order.cardPayment?.paymentId !== payment.id) return 'ignored';
  return settleCardPayment(order, cause, deps, payment);
}

/** An order being paid by reply, as its payment stands now: fulfilled, noted as processing, or ended once its hold is over. */
export async function settleCardPayment(order: Order, cause: string, deps: Omit<CardPaymentDeps, 'orders'>, known?: PaymentInfo): Promise<FulfilmentOutcome> {
  const settled = await deps.payByReply.settle(order, known);
  switch (settled.state) {
    case 'paid':
      return deps.fulfilment.paid(order.id, cause, settled.proof);
    case 'processing':
      return deps.fulfilment.paymentPending(order.id, cause);
    case 'not_charged':
      return deps.fulfilment.expired(order.id, cause);
    case 'reopened':
      return 'noted';
    case 'unchanged':
      return 'ignored';
  }
}
