import type { Job, Worker } from 'bullmq';
import type { BoxOfficeMetrics } from './metrics.js';

/**
 * Counts a worker's job attempts from its own events: each 'completed', and
 * each 'failed' as 'retried' when BullMQ will run the job again or 'failed'
 * when it will not.
 */
export function meterJobs(worker: Worker, metrics: Pick<BoxOfficeMetrics, 'jobs'>): void {
  const queue = worker.name;
  worker.on('completed', () => metrics.jobs.inc({ queue, outcome: 'completed' }));
  worker.on('failed', (job: Job | undefined, err: Error) => metrics.jobs.inc({ queue, outcome: job && willRetry(job, err) ? 'retried' : 'failed' }));
}

/**
 * BullMQ's own rule (Job.shouldRetryJob): another attempt unless the error
 * is unrecoverable or the attempts are used up. By the time 'failed' is
 * emitted, attemptsMade already counts the attempt that just failed.
 */
function willRetry(job: Job, err: Error): boolean {
  const unrecoverable = err.name === 'UnrecoverableError';
  return !unrecoverable && job.attemptsMade < (job.opts.attempts ?? 1);
}
