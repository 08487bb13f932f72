import type { JobState } from 'bullmq';
import type { NotificationJob } from './job.payloads.js';
import { noticeJobId } from './notice.producers.js';
import type { Queues } from './queues.js';

/** States in which a notice's job will still run: waiting, running, or waiting to retry. */
const IN_FLIGHT = new Set<JobState | 'unknown'>(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Where a notice's job stands, for what checks that a customer got it
 * (reconciliation). An SMS notice is handed from the notifications queue to
 * the SMS queue under the same job id, so both are asked.
 */
export class NoticeJobs {
  constructor(private readonly queues: Pick<Queues, 'notifications' | 'sms'>) {}

  /** True while the notice's job will still run on either queue; false once it finished, failed for good, or was lost. */
  async inFlight(job: NotificationJob): Promise<boolean> {
    const id = noticeJobId(job);
    const states = await Promise.all([this.queues.notifications.getJobState(id), this.queues.sms.getJobState(id)]);
    return states.some((state) => IN_FLIGHT.has(state));
  }
}
