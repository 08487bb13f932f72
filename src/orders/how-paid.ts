import { cardName } from '../checkout/saved-cards.js';
import type { Order } from './order.js';

/**
 * How a paid order was paid, as staff read it: "by reply with Visa ending
 * 4242 (pi_…)" or "on the payment page"; undefined for an order not
 * paid. The staff command and the console say the same.
 */
export function howPaid(order: Order): string | undefined {
  if (order.paidWith === 'saved_card') return `by reply with ${cardName({ brand: order.cardPayment?.brand ?? '', last4: order.cardPayment?.last4 ?? '?' })} (${order.cardPayment?.paymentId ?? 'payment not recorded'})`;
  if (order.paidWith === 'checkout') return 'on the payment page';
  return undefined;
}
