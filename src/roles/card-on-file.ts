import { CardOnFile } from '../orders/card-on-file.js';
import type { Foundation } from './foundation.js';

/** Saving cards for paying by reply, as both roles build it: offered on the payment page (web), kept once paid (worker). Only with SAVED_CARDS=on and Stripe. */
export function cardOnFileOf(foundation: Foundation): CardOnFile | undefined {
  const { savedCards, commerce, config, log } = foundation;
  if (!savedCards || !config.stripe.savedCards) return undefined;
  return new CardOnFile({ provider: savedCards, store: commerce.savedCards, orders: commerce.orders, anonymousChat: !config.botFramework.appId, log });
}
