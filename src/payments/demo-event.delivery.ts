import Stripe from 'stripe';
import type { Logger } from 'pino';
import { stripeEventFor } from './stripe-event.build.js';

export interface DemoEventDeliveryOptions {
  /** Signs the event exactly as Stripe would, with the secret the webhook route checks. */
  webhookSecret: string;
  /** Our own webhook route, reached over loopback: the demo goes through the real path. */
  webhookUrl: () => string;
  log: Logger;
}

/** Posts `object` wrapped in a signed event of `type`; resolves whether our webhook took it. */
export type DeliverDemoEvent = (type: string, object: { id: string }) => Promise<boolean>;

/**
 * What the demo checkout uses in place of Stripe's webhook deliveries: a
 * Stripe-shaped event, signed with Stripe's own helper, posted to our own
 * webhook route, so queue, worker, seats and notices all run for real.
 */
export function demoEventDelivery(options: DemoEventDeliveryOptions): DeliverDemoEvent {
  return async (type, object) => {
    const payload = JSON.stringify(stripeEventFor(type, object));
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
    try {
      const response = await fetch(options.webhookUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) options.log.warn({ component: 'demo-checkout', status: response.status, type, objectId: object.id }, 'own webhook refused the demo event');
      return response.ok;
    } catch (err) {
      options.log.warn({ component: 'demo-checkout', type, objectId: object.id, err: (err as Error).message }, 'could not reach our own webhook');
      return false;
    }
  };
}
