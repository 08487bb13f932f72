import { CardOnFile } from '../orders/card-on-file.js';
import { PayByReply } from '../orders/pay-by-reply.service.js';
import { PurchaseService } from '../orders/purchase.service.js';
import type { NoticeQueue } from '../notifications/customer-notice.js';
import type { Foundation } from './foundation.js';

/**
 * Cards saved for paying by reply, as both roles build it: offered on the
 * payment page (web, only with SAVED_CARDS=on), kept once paid (worker),
 * shown and forgotten on request (web). At Stripe, or in the demo checkout.
 */
export function cardOnFileOf(foundation: Foundation): CardOnFile | undefined {
  const { savedCards, commerce, config, log } = foundation;
  if (!savedCards) return undefined;
  return new CardOnFile({ provider: savedCards, store: commerce.savedCards, orders: commerce.orders, anonymousChat: !config.botFramework.appId, offer: config.stripe.savedCards, log });
}

/**
 * Paying by reply with a saved card: offered with a hold only with
 * SAVED_CARDS=on, but a payment already begun is always seen to its end
 * (the worker's webhooks and reconciliation), whatever the setting says now.
 * `purchase` gives the pay links and payment pages; the worker, which sells
 * nothing itself, makes a plain one.
 */
export function payByReplyOf(foundation: Foundation, options: { purchase?: PurchaseService; notices?: NoticeQueue } = {}): PayByReply | undefined {
  const { savedCards, commerce, config, checkout, log } = foundation;
  if (!savedCards) return undefined;
  const purchase =
    options.purchase ?? new PurchaseService({ ...commerce, checkout, log, options: { holdMinutes: config.limits.holdMinutes, publicBaseUrl: config.publicBaseUrl } });
  return new PayByReply({
    orders: commerce.orders,
    checkout,
    provider: savedCards,
    cards: commerce.savedCards,
    purchase,
    offer: config.stripe.savedCards,
    log,
    ...(options.notices ? { notices: options.notices } : {}),
  });
}
