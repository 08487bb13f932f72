// How long a notice to a customer keeps trying: tickets must survive an outage
// of Twilio (or of the Bot Framework) of an hour or more, so a notice retries
// with a backoff that doubles up to a ceiling, for hours, before it is given
// up and flagged for staff (DESIGN rule 11). The queues set the number of
// attempts from the schedule; the notice workers compute each wait from it.
import type { BackoffStrategy, JobsOptions } from 'bullmq';

/** A notice's retry schedule: waits of `firstDelayMs`, doubling, at most `maxDelayMs`, until `windowMs` has passed. */
export interface NoticeRetrySchedule {
  /**
   * The wait before the first retry.
   * @default 5 s
   */
  firstDelayMs: number;
  /**
   * The longest wait between two attempts: once an outage ends, the notice
   * goes out within this long.
   * @default 10 minutes
   */
  maxDelayMs: number;
  /**
   * How long the attempts go on: the last one is made at least this long after
   * the first (NOTICE_RETRY_HOURS).
   * @default 6 hours
   */
  windowMs: number;
}

export const DEFAULT_NOTICE_RETRY_HOURS = 6;

/** The production schedule for a window of `hours`. */
export function noticeRetrySchedule(hours = DEFAULT_NOTICE_RETRY_HOURS): NoticeRetrySchedule {
  return { firstDelayMs: 5_000, maxDelayMs: 10 * 60_000, windowMs: hours * 3_600_000 };
}

/** The name of the notices' backoff, which only the notice workers know how to compute (BullMQ custom backoff). */
export const NOTICE_BACKOFF_TYPE = 'notice';

/** The wait after the `failures`-th failed attempt (1 for the first). */
export function noticeRetryDelay(schedule: NoticeRetrySchedule, failures: number): number {
  // Doubling only while under the ceiling keeps the power from overflowing on attempt 1,000.
  const doublings = Math.min(Math.max(failures - 1, 0), Math.ceil(Math.log2(schedule.maxDelayMs / schedule.firstDelayMs)) + 1);
  return Math.min(schedule.firstDelayMs * 2 ** doublings, schedule.maxDelayMs);
}

/** Attempts in all, the first included: enough that the waits between them add up to the window. */
export function noticeAttempts(schedule: NoticeRetrySchedule): number {
  let waited = 0;
  let attempts = 1;
  while (waited < schedule.windowMs) {
    waited += noticeRetryDelay(schedule, attempts);
    attempts += 1;
  }
  return attempts;
}

/** The notice workers' `settings.backoffStrategy`. */
export function noticeBackoff(schedule: NoticeRetrySchedule): BackoffStrategy {
  return (attemptsMade) => noticeRetryDelay(schedule, attemptsMade);
}

/** The attempts and backoff of a notice job (on the notifications and SMS queues). */
export function noticeJobOptions(schedule: NoticeRetrySchedule): Pick<JobsOptions, 'attempts' | 'backoff'> {
  return { attempts: noticeAttempts(schedule), backoff: { type: NOTICE_BACKOFF_TYPE } };
}
