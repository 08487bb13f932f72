import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { ReconcileJob } from './job.payloads.js';

/** One scheduler for the whole deployment: every worker upserts the same id, so there is one run per interval. */
export const RECONCILE_SCHEDULER_ID = 'reconcile';
export const RECONCILE_JOB_NAME = 'reconcile';

/**
 * A run is not retried: the next one comes within the interval and does the
 * same work. A few hundred finished runs are kept for a look at their summaries.
 */
const RECONCILE_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 24 * 3600, count: 500 },
  removeOnFail: { age: 7 * 24 * 3600, count: 500 },
};

/** How soon a worker tries again to register the scheduler when Redis refused. */
const RETRY_MS = 30_000;

/**
 * Registers (or updates) the reconciliation job scheduler: a run every
 * `everyMs`, the first at once. BullMQ 6 job schedulers replace repeatable
 * jobs (`queue.upsertJobScheduler`); upserting is idempotent, so each worker
 * process calls it at start. If Redis is not there yet it tries again.
 */
export function scheduleReconciliation(queue: Queue<ReconcileJob>, everyMs: number, log: Logger): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = () => {
    queue
      .upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: everyMs }, { name: RECONCILE_JOB_NAME, data: {}, opts: RECONCILE_JOB_OPTIONS })
      .then(
        () => log.info({ component: 'reconcile', everyMs }, 'reconciliation scheduled'),
        (err: Error) => {
          if (stopped) return;
          log.warn({ component: 'reconcile', err: err.message, retryMs: RETRY_MS }, 'could not schedule reconciliation: will try again');
          timer = setTimeout(attempt, RETRY_MS);
          timer.unref();
        },
      );
  };
  attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
