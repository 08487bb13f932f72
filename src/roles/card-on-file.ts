import { CardOnFile } from '../orders/card-on-file.js';
import type { Foundation } from './foundation.js';

/**
 * Cards saved for paying by reply, as both roles build it: offered on the
 * payment page (web, only with SAVED_CARDS=on), kept once paid (worker),
 * shown and forgotten on request (web). None without Stripe.
 */
export function cardOnFileOf(foundation: Foundation): CardOnFile | undefined {
  const { savedCards, commerce, config, log } = foundation;
  if (!savedCards) return undefined;
  return new CardOnFile({ provider: savedCards, store: commerce.savedCards, orders: commerce.orders, anonymousChat: !config.botFramework.appId, offer: config.stripe.savedCards, log });
}
