import { Worker, type Job } from 'bullmq';
import { dispatchNotification, noticeAttempt } from '../jobs/notification.job.js';
import { processPaymentEvent } from '../jobs/payment-event.job.js';
import { processReconcile } from '../jobs/reconcile.job.js';
import { meterJobs } from '../observability/job.meter.js';
import type { NotificationJob, PaymentEventJob, ReconcileJob } from '../queue/job.payloads.js';
import { noticeBackoff } from '../queue/notice-retry.js';
import { QUEUE_NAMES, queueKeyPrefix } from '../queue/queues.js';
import { scheduleReconciliation } from '../queue/reconcile.schedule.js';
import type { Foundation } from './foundation.js';
import { startSmsWorker } from './sms.worker.js';
import { createWorkerServices, type WorkerServiceOptions } from './worker.services.js';
import { isConnectionError } from '../redis/redis.outage-log.js';

export interface RunningWorker {
  /**
   * Stops taking jobs and waits up to `graceMs` (default 10 s) for the active
   * ones to finish; with Redis unreachable it closes at once (a graceful close
   * would wait for Redis forever). A job cut short is not lost: BullMQ hands
   * a stalled job to the next worker.
   */
  close(graceMs?: number): Promise<void>;
}

/** Composition root of the worker role: payment events in, tickets and notices out; reconciliation on a schedule. */
export function startWorkerRole(foundation: Foundation, options: WorkerServiceOptions = {}): RunningWorker {
  const { config, log, queues, queuePrefix } = foundation;
  const services = createWorkerServices(foundation, options);
  // How soon a job whose worker died is handed to another (WORKER_LOCK_DURATION_MS, WORKER_STALLED_INTERVAL_MS).
  const stall = { lockDuration: config.worker.lockDurationMs, stalledInterval: config.worker.stalledIntervalMs };

  const payments = new Worker<PaymentEventJob>(
    QUEUE_NAMES.payments,
    (job) => processPaymentEvent(job.data, services.payments),
    { connection: foundation.workerConnection(), prefix: queueKeyPrefix(queuePrefix, QUEUE_NAMES.payments), concurrency: 16, ...stall },
  );
  const notifications = new Worker<NotificationJob>(
    QUEUE_NAMES.notifications,
    (job) => dispatchNotification(job.data, services.notifications, noticeAttempt(job)),
    { connection: foundation.workerConnection(), prefix: queueKeyPrefix(queuePrefix, QUEUE_NAMES.notifications), concurrency: 16, ...stall, settings: { backoffStrategy: noticeBackoff(foundation.noticeRetry) } },
  );
  // SMS notices leave through their own queue, at SMS_PER_SECOND.
  const sms = startSmsWorker(foundation, services.sms, stall);
  const maintenance = new Worker<ReconcileJob>(
    QUEUE_NAMES.maintenance,
    (job) => processReconcile(job.data, services.reconcile),
    { connection: foundation.workerConnection(), prefix: queueKeyPrefix(queuePrefix, QUEUE_NAMES.maintenance), concurrency: 1, ...stall },
  );
  const reconcileSchedule = scheduleReconciliation(queues.maintenance, config.reconcile.everyMinutes * 60_000, log);
  // Once closing, connection errors from the workers' own reconnects are the
  // expected end of an outage, not news: they would only trail the "stopped" line.
  let closing = false;
  for (const worker of [payments, notifications, maintenance, sms]) {
    meterJobs(worker, foundation.metrics);
    worker.on('failed', (job: Job | undefined, err: Error) => {
      log.warn({ component: 'worker', queue: worker.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => {
      // Redis being away is said by the outage log, once, not by every worker at every retry.
      if (!closing && !isConnectionError(err)) log.error({ component: 'worker', queue: worker.name, err: err.message }, 'worker error');
    });
  }
  if (!config.twilio.accountSid) log.warn({ component: 'sms' }, 'Twilio is not configured: outbound SMS go to the demo phone (/demo/phone, npm run sms) instead of being sent');

  return {
    async close(graceMs = 10_000) {
      closing = true;
      reconcileSchedule.stop();
      const workers = [payments, notifications, maintenance, sms];
      if (foundation.redis.status !== 'ready') {
        // A graceful close waits for Redis; once begun it cannot be forced.
        await Promise.all(workers.map((worker) => worker.close(true)));
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([Promise.all(workers.map((worker) => worker.close())), timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') log.warn({ component: 'worker', graceMs }, 'jobs still running at shutdown: left to stalled-job recovery');
    },
  };
}
