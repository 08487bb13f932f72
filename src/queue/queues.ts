import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../redis/redis.client.js';
import type { NotificationJob } from './job.payloads.js';
import type { PaymentEventJob } from './job.payloads.js';
import type { ReconcileJob } from './job.payloads.js';
import { noticeJobOptions, noticeRetrySchedule, type NoticeRetrySchedule } from './notice-retry.js';

/** What every queue's keys start with; each queue adds its own hash tag (queueKeyPrefix). */
export const QUEUE_PREFIX = 'bx';

/**
 * BullMQ's prefix for one queue, e.g. `{bx:payment-events}`. The braces make
 * it a hash tag: BullMQ's scripts touch several keys of a queue at once, so a
 * queue's keys must share a slot to run on Redis Cluster (DESIGN rule 7); one
 * tag per queue, rather than one for all, spreads the queues over the masters.
 * (Queues kept under the single `{bx}` of earlier versions are not read: jobs
 * left there are payments and notices that reconciliation finds again.)
 */
export function queueKeyPrefix(base: string, name: string): string {
  return `{${base}:${name}}`;
}

export const QUEUE_NAMES = {
  /** Verified Stripe events, one job per event id. */
  payments: 'payment-events',
  /** Messages to customers: tickets, notices. */
  notifications: 'notifications',
  /** SMS notices, sent at most SMS_PER_SECOND a second (one sender, one limiter). */
  sms: 'sms-outbound',
  /** Scheduled upkeep: reconciliation (src/queue/reconcile.schedule.ts). */
  maintenance: 'maintenance',
} as const;

/** Keep finished jobs long enough that a duplicate jobId is still recognised (Stripe retries for 3 days). */
const KEEP_FINISHED: JobsOptions = {
  removeOnComplete: { age: 3 * 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const PAYMENT_JOB_OPTIONS: JobsOptions = {
  ...KEEP_FINISHED,
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
};

/** A notice retries for hours (notice-retry.ts): an outage of Twilio must not cost a paid customer their tickets. */
export function notificationJobOptions(schedule: NoticeRetrySchedule): JobsOptions {
  return { ...KEEP_FINISHED, ...noticeJobOptions(schedule) };
}

export interface Queues {
  payments: Queue<PaymentEventJob>;
  notifications: Queue<NotificationJob>;
  sms: Queue<NotificationJob>;
  maintenance: Queue<ReconcileJob>;
  close(): Promise<void>;
}

/**
 * The producer side of the queues, on a connection the caller owns. Notices
 * retry on `noticeRetry`, which the notice workers must be given too.
 */
export function createQueues(connection: RedisClient, prefix = QUEUE_PREFIX, noticeRetry: NoticeRetrySchedule = noticeRetrySchedule()): Queues {
  const noticeOptions = notificationJobOptions(noticeRetry);
  const payments = new Queue<PaymentEventJob>(QUEUE_NAMES.payments, { connection, prefix: queueKeyPrefix(prefix, QUEUE_NAMES.payments), defaultJobOptions: PAYMENT_JOB_OPTIONS });
  const notifications = new Queue<NotificationJob>(QUEUE_NAMES.notifications, { connection, prefix: queueKeyPrefix(prefix, QUEUE_NAMES.notifications), defaultJobOptions: noticeOptions });
  // Without a listener BullMQ prints every connection error to stderr; the
  // shared connection's own listener already logs them (roles/foundation.ts).
  const maintenance = new Queue<ReconcileJob>(QUEUE_NAMES.maintenance, { connection, prefix: queueKeyPrefix(prefix, QUEUE_NAMES.maintenance) });
  const sms = new Queue<NotificationJob>(QUEUE_NAMES.sms, { connection, prefix: queueKeyPrefix(prefix, QUEUE_NAMES.sms), defaultJobOptions: noticeOptions });
  for (const queue of [payments, notifications, maintenance, sms]) queue.on('error', () => {});
  return {
    payments,
    notifications,
    maintenance,
    sms,
    async close() {
      await Promise.all([payments.close(), notifications.close(), maintenance.close(), sms.close()]);
    },
  };
}

/** Every queue, for what looks at them all (queue depth metrics, the queue board). */
export function allQueues(queues: Queues): Queue[] {
  return Object.values(queues).filter((value): value is Queue => value instanceof Queue);
}
