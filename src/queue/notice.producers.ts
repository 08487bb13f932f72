// The producer side of the notice queues: services queue a notice by name
// under one job id per order and notice, so a repeat is dropped while the
// first is kept (BullMQ ignores a duplicate jobId while the first is stored).
import type { Queue } from 'bullmq';
import type { CustomerNotice, LaterNotices, NoticeQueue, NoticeResender } from '../notifications/customer-notice.js';
import type { WriteConfirmation } from '../redis/replica-acks.js';
import type { NotificationJob } from './job.payloads.js';

/** Where SMS notices wait to be sent under the per-sender rate limit (the SMS queue). */
export interface SmsOutbox {
  enqueue(job: NotificationJob): Promise<void>;
}

/** A notice's job id on either notice queue: `tickets-BX-7K2Q`, and `tickets-BX-7K2Q-resend-2` for a resend. */
export function noticeJobId(job: NotificationJob): string {
  const resend = job.resend ?? 0;
  return `${job.notice}-${job.orderId}${resend > 0 ? `-resend-${resend}` : ''}`;
}

/** Queues SMS notices on the rate-limited SMS queue, under the notice's own job id. */
export class QueuedSmsNotices implements SmsOutbox {
  constructor(private readonly queue: Queue<NotificationJob>) {}

  async enqueue(job: NotificationJob): Promise<void> {
    await this.queue.add(job.notice, job, { jobId: noticeJobId(job) });
  }
}

/**
 * Queues notices under one job id per order and notice (and resend), so a
 * repeat is dropped while the first is kept. With `statedFirst`, what the
 * notice tells of (a sale, a refund) is on a Redis replica before it is
 * queued: a customer is never told of a state a failover could take back.
 */
export class QueuedNotices implements NoticeQueue, NoticeResender, LaterNotices {
  constructor(
    private readonly queue: Queue<NotificationJob>,
    private readonly statedFirst?: WriteConfirmation,
  ) {}

  async enqueue(orderId: string, notice: CustomerNotice): Promise<void> {
    await this.add({ orderId, notice });
  }

  async resend(orderId: string, notice: CustomerNotice, resend: number): Promise<void> {
    await this.add({ orderId, notice, resend });
  }

  /** A delayed job, run at `at` (now, when that has passed). */
  async enqueueAt(orderId: string, notice: CustomerNotice, at: number): Promise<void> {
    await this.add({ orderId, notice }, Math.max(0, at - Date.now()));
  }

  private async add(job: NotificationJob, delay = 0): Promise<void> {
    await this.statedFirst?.confirm();
    await this.queue.add(job.notice, job, { jobId: noticeJobId(job), ...(delay > 0 ? { delay } : {}) });
  }
}
