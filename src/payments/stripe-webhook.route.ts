import express, { Router } from 'express';
import type { Queue } from 'bullmq';
import Stripe from 'stripe';
import type { Logger } from 'pino';
import { refuseUnsigned, type IpShield } from '../http/ip-shield.js';
import type { PaymentEventJob } from '../queue/job.payloads.js';
import { STRIPE_WEBHOOK_PATH } from '../http/paths.js';


export interface StripeWebhookDeps {
  webhookSecret: string;
  payments: Queue<PaymentEventJob>;
  log: Logger;
  /** Counts requests that fail the signature check, per IP: past its limit they get 429. */
  badSignatures?: IpShield;
}

/**
 * Stripe's webhook: verify the signature on the raw body, queue the event
 * under its own id, answer 2xx. Nothing slow happens here; if the event cannot
 * be queued the answer is 503, so Stripe tries again (DESIGN rules 1-2).
 */
export function stripeWebhookRoutes(deps: StripeWebhookDeps): Router {
  const router = Router();
  // The raw body is kept on this route only: the signature covers the exact bytes.
  router.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: '512kb' }), async (req, res) => {
    const signature = req.get('stripe-signature');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signature) {
      refuseUnsigned(deps.badSignatures, req, res, () => res.status(400).json({ error: 'missing_signature', message: 'Stripe-Signature header is required.' }));
      return;
    }
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(body, signature, deps.webhookSecret);
    } catch {
      deps.log.warn({ component: 'stripe-webhook' }, 'rejected a webhook with a bad signature');
      refuseUnsigned(deps.badSignatures, req, res, () => res.status(400).json({ error: 'bad_signature', message: 'The signature does not match this endpoint.' }));
      return;
    }
    const object = event.data.object as { id?: string; object?: string };
    const job: PaymentEventJob = { id: event.id, type: event.type, object: { id: object.id, object: object.object }, created: event.created };
    try {
      await deps.payments.add(event.type, job, { jobId: event.id });
    } catch (err) {
      deps.log.error({ component: 'stripe-webhook', eventId: event.id, err: (err as Error).message }, 'could not queue a webhook: Stripe will retry');
      res.status(503).json({ error: 'unavailable', message: 'Try again later.' });
      return;
    }
    res.json({ received: true });
  });
  return router;
}
