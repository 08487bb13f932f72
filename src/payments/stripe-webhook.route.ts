import express, { Router } from 'express';
import type { Queue } from 'bullmq';
import Stripe from 'stripe';
import type { Logger } from 'pino';
import type { WriteConfirmation } from '../redis/replica-acks.js';
import { z } from 'zod';
import { refuseUnsigned, type IpShield } from '../http/ip-shield.js';
import type { PaymentEventJob } from '../queue/job.payloads.js';
import { STRIPE_WEBHOOK_PATH } from '../http/paths.js';


/**
 * What the route reads of a verified event. A correctly signed body need not
 * be one Stripe wrote (a test tool, a bug, a leaked secret), and reading a
 * missing `data.object` or queueing a job id BullMQ refuses would answer 5xx,
 * which Stripe retries for three days: such a body is refused with 400 and
 * never queued. The id names the job, so it is held to Stripe's own id
 * characters, which is also what BullMQ takes as a custom job id (no ':',
 * not a bare integer).
 */
const eventEnvelope = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/).refine((id) => !/^\d+$/.test(id), 'a bare number'),
  type: z.string().min(1).max(255),
  created: z.number().int().nonnegative(),
  data: z.object({
    // Only a string id and object kind travel with the job; the worker asks Stripe for the rest.
    object: z.object({ id: z.string().optional().catch(undefined), object: z.string().optional().catch(undefined) }),
  }),
});

export interface StripeWebhookDeps {
  webhookSecret: string;
  payments: Queue<PaymentEventJob>;
  /** On the queue's connection: the 2xx waits until a replica has the job (src/redis/replica-acks.ts), since Stripe never resends an event it saw accepted. */
  queued: WriteConfirmation;
  log: Logger;
  /** Counts requests that fail the signature check, per IP: past its limit they get 429. */
  badSignatures?: IpShield;
}

/**
 * Stripe's webhook: verify the signature on the raw body, queue the event
 * under its own id, answer 2xx. Nothing slow happens here; if the event cannot
 * be queued the answer is 503, so Stripe tries again (DESIGN rules 1-2); a
 * signed body that is no well-formed event gets 400 and is not queued.
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
    let event: unknown;
    try {
      event = Stripe.webhooks.constructEvent(body, signature, deps.webhookSecret);
    } catch {
      deps.log.warn({ component: 'stripe-webhook' }, 'rejected a webhook with a bad signature');
      refuseUnsigned(deps.badSignatures, req, res, () => res.status(400).json({ error: 'bad_signature', message: 'The signature does not match this endpoint.' }));
      return;
    }
    const envelope = eventEnvelope.safeParse(event);
    if (!envelope.success) {
      const field = envelope.error.issues[0]?.path.join('.') || 'the event';
      deps.log.warn({ component: 'stripe-webhook', field }, 'refused a signed webhook that is not a well-formed event');
      res.status(400).json({ error: 'malformed_event', message: `Not a well-formed Stripe event (${field}).` });
      return;
    }
    const { id, type, created, data } = envelope.data;
    const job: PaymentEventJob = { id, type, object: { id: data.object.id, object: data.object.object }, created };
    try {
      await deps.payments.add(type, job, { jobId: id });
      await deps.queued.confirm();
    } catch (err) {
      deps.log.error({ component: 'stripe-webhook', eventId: id, err: (err as Error).message }, 'could not queue a webhook: Stripe will retry');
      res.status(503).json({ error: 'unavailable', message: 'Try again later.' });
      return;
    }
    res.json({ received: true });
  });
  return router;
}
