import { Worker, type RateLimiterOptions, type WorkerOptions } from 'bullmq';
import { noticeAttempt, sendNotification, type NotificationDeps } from '../jobs/notification.job.js';
import { noticeBackoff } from '../queue/notice-retry.js';
import { type NotificationJob } from '../queue/job.payloads.js';
import { QUEUE_NAMES, queueKeyPrefix } from '../queue/queues.js';
import type { Foundation } from './foundation.js';

/**
 * At most `perSecond` messages a second. BullMQ keeps the limiter's count in
 * Redis per queue, so it holds across every worker process; one queue for our
 * one sender makes it a per-sender limit. Twilio queues what goes over a
 * sender's rate rather than refusing it, but only up to a few hours' worth,
 * and an on-sale burst should reach phones in order, not be dropped (30001).
 * https://docs.bullmq.io/guide/rate-limiting
 * https://help.twilio.com/articles/115002943027-Understanding-Twilio-Rate-Limits-and-Message-Queues
 */
export function smsRateLimit(perSecond: number): RateLimiterOptions {
  return { max: perSecond, duration: 1_000 };
}

/**
 * The worker that sends SMS notices (handed over by the notifications worker,
 * or a resend after a delivery report), at SMS_PER_SECOND.
 */
export function startSmsWorker(
  foundation: Foundation,
  deps: NotificationDeps,
  options: Partial<WorkerOptions> = {},
): Worker<NotificationJob> {
  return new Worker<NotificationJob>(QUEUE_NAMES.sms, (job) => sendNotification(job.data, deps, noticeAttempt(job)), {
    connection: foundation.workerConnection(),
    prefix: queueKeyPrefix(foundation.queuePrefix, QUEUE_NAMES.sms),
    concurrency: 16,
    ...options,
    // A notice's waits between attempts (its job says only 'notice': queue/notice-retry.ts).
    settings: { backoffStrategy: noticeBackoff(foundation.noticeRetry) },
    limiter: smsRateLimit(foundation.config.twilio.smsPerSecond),
  });
}
