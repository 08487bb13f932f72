// What the channel and payment webhooks answered, counted from outside their
// routes: a router of observers mounted ahead of them, and a decorator on the
// queue the Stripe route adds to.
import type { Queue } from 'bullmq';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { RedisClient } from '../redis/redis.client.js';
import { CHAT_PATH } from '../http/paths.js';
import { SMS_INBOUND_PATH, SMS_STATUS_PATH } from '../http/paths.js';
import { STRIPE_WEBHOOK_PATH } from '../http/paths.js';
import type { BoxOfficeMetrics } from './metrics.js';

type WebhookMetrics = Pick<BoxOfficeMetrics, 'inboundMessages' | 'twilioWebhooksRejected' | 'stripeWebhooks'>;

/**
 * Observers of the webhook routes; mount before them. Each looks only at
 * the status its route answered (and, for chat, the activity's type):
 * - Twilio: 2xx on /sms/inbound is an inbound text (consent words too); 403 is a bad signature.
 * - Bot Framework: 2xx for a message activity is an inbound chat message (401: no valid token).
 * - Stripe: 400 is a missing or bad signature; 5xx means the event could not be queued.
 *   Accepted deliveries are counted where they are queued (meterWebhookQueue), which knows duplicates.
 */
export function webhookMeterRoutes(metrics: WebhookMetrics): Router {
  const router = Router();
  router.post(
    SMS_INBOUND_PATH,
    onAnswer((status) => {
      if (isSuccess(status)) metrics.inboundMessages.inc({ channel: 'sms' });
      else if (status === 403) metrics.twilioWebhooksRejected.inc({ endpoint: 'inbound' });
    }),
  );
  router.post(
    SMS_STATUS_PATH,
    onAnswer((status) => {
      if (status === 403) metrics.twilioWebhooksRejected.inc({ endpoint: 'status' });
    }),
  );
  router.post(
    CHAT_PATH,
    onAnswer((status, req) => {
      if (isSuccess(status) && (req.body as { type?: unknown } | undefined)?.type === 'message') metrics.inboundMessages.inc({ channel: 'chat' });
    }),
  );
  router.post(
    STRIPE_WEBHOOK_PATH,
    onAnswer((status) => {
      if (status === 400) metrics.stripeWebhooks.inc({ outcome: 'rejected' });
      else if (status >= 500) metrics.stripeWebhooks.inc({ outcome: 'failed' });
    }),
  );
  return router;
}

/**
 * The payments queue as the Stripe route sees it, counting each event it
 * adds as 'received', or 'duplicate' when a job with that id (the Stripe
 * event id) is already there: BullMQ's add() then quietly keeps the first
 * (DESIGN rule 2), and says nothing about it. The EXISTS is sent before the
 * add on the same connection (`redis` must be the one the queue uses), so
 * Redis answers it first and the add waits for no extra round trip. Two deliveries of one event at the same instant
 * may both count as received; the worker still runs the event once.
 */
export function meterWebhookQueue<T>(queue: Queue<T>, redis: RedisClient, metrics: Pick<BoxOfficeMetrics, 'stripeWebhooks'>): Queue<T> {
  const add: Queue<T>['add'] = async (name, data, opts) => {
    const existed = opts?.jobId ? redis.exists(queue.toKey(opts.jobId)).catch(() => undefined) : Promise.resolve(0);
    const job = await queue.add(name, data, opts);
    metrics.stripeWebhooks.inc({ outcome: (await existed) === 1 ? 'duplicate' : 'received' });
    return job;
  };
  // Everything but add() goes to the queue itself.
  return new Proxy(queue, {
    get: (target, property) => (property === 'add' ? add : bound(target, property)),
  });
}

function bound(target: object, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Runs `observe` with the status as the route's headers are written, before
 * any byte of the answer leaves: whoever has seen the answer (Stripe, Twilio,
 * a test) finds it already counted. The same hook as the on-headers package.
 */
function onAnswer(observe: (status: number, req: Request) => void): RequestHandler {
  return (req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      res.writeHead = writeHead;
      const result = (writeHead as (...a: unknown[]) => Response).apply(this, args);
      observe(res.statusCode, req);
      return result;
    } as Response['writeHead'];
    next();
  };
}
