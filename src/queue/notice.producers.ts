// The producer side of the notice queues: services queue a notice by name
// under one job id per order and notice, so a repeat is dropped while the
// first is kept (BullMQ ignores a duplicate jobId while the first is stored).
import type { Queue } from 'bullmq';
import type { CustomerNotice, NoticeQueue } from '../notifications/customer-notice.js';
import type { NotificationJob } from './job.payloads.js';

/** Where SMS notices wait to be sent under the per-sender rate limit (the SMS queue). */
export interface SmsOutbox {
  enqueue(job: NotificationJob): Promise<void>;
}

/** Queues SMS notices on the rate-limited SMS queue, under the notice's own job id (plus `-resend-1` for the resend). */
export class QueuedSmsNotices implements SmsOutbox {
  constructor(private readonly queue: Queue<NotificationJob>) {}

  async enqueue(job: NotificationJob): Promise<void> {
    const resend = job.resend ?? 0;
    await this.queue.add(job.notice, job, { jobId: `${job.notice}-${job.orderId}${resend > 0 ? `-resend-${resend}` : ''}` });
  }
}

/** Queues notices under one job id per order and notice, so a repeat is dropped while the first is kept. */
export class QueuedNotices implements NoticeQueue {
  constructor(private readonly queue: Queue<NotificationJob>) {}

  async enqueue(orderId: string, notice: CustomerNotice): Promise<void> {
    await this.queue.add(notice, { orderId, notice }, { jobId: `${notice}-${orderId}` });
  }
}
