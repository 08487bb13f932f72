import { Worker, type Job } from 'bullmq';
import { ChannelSender } from '../channels/channel.sender.js';
import { type MessageSender } from '../notifications/message.sender.js';
import { createCloudAdapter } from '../channels/chat/chat.route.js';
import { ProactiveChatSender } from '../channels/chat/chat.sender.js';
import { LoggedSmsSender, TwilioSmsSender } from '../channels/sms/sms.sender.js';
import { OptOutCheckedSmsSender } from '../channels/sms/opt-out.sender.js';
import { SmsOptOutStore } from '../channels/sms/opt-out.store.js';
import { SMS_STATUS_PATH } from '../http/paths.js';
import { createTwilioClient } from '../channels/sms/twilio.client.js';
import { processNotification } from '../jobs/notification.job.js';
import { QueuedSmsNotices } from '../queue/notice.producers.js';
import { type NotificationJob } from '../queue/job.payloads.js';
import { DeliveryStore } from '../notifications/delivery.store.js';
import { processPaymentEvent, ProcessedEvents } from '../jobs/payment-event.job.js';
import { type PaymentEventJob } from '../queue/job.payloads.js';
import { processReconcile } from '../jobs/reconcile.job.js';
import { type ReconcileJob } from '../queue/job.payloads.js';
import { meterJobs } from '../observability/job.meter.js';
import { meterSends } from '../observability/metered.sender.js';
import { QUEUE_NAMES } from '../queue/queues.js';
import { scheduleReconciliation } from '../queue/reconcile.schedule.js';
import type { Foundation } from './foundation.js';
import { createRefundService } from './refunds.js';
import { createFulfilment } from './upgrades.js';
import { startSmsWorker } from './sms.worker.js';

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
export function startWorkerRole(foundation: Foundation, options: { sender?: MessageSender } = {}): RunningWorker {
  const { config, log, commerce, queues, queuePrefix } = foundation;
  const fulfilment = createFulfilment(foundation);
  const processed = new ProcessedEvents(foundation.redis, foundation.keyPrefix);
  const refunds = createRefundService(foundation);
  const sender = meterSends(options.sender ?? customerSender(foundation), foundation.metrics);
  const deliveries = new DeliveryStore(foundation.redis, { prefix: foundation.keyPrefix });
  const noticeDeps = { orders: commerce.orders, catalog: commerce.catalog, sender, log, publicBaseUrl: config.publicBaseUrl };
  // How soon a job whose worker died is handed to another (WORKER_LOCK_DURATION_MS, WORKER_STALLED_INTERVAL_MS).
  const stall = { lockDuration: config.worker.lockDurationMs, stalledInterval: config.worker.stalledIntervalMs };

  const payments = new Worker<PaymentEventJob>(
    QUEUE_NAMES.payments,
    (job) => processPaymentEvent(job.data, { checkout: foundation.checkout, fulfilment, refunds, processed, log }),
    { connection: foundation.workerConnection(), prefix: queuePrefix, concurrency: 16, ...stall },
  );
  const notifications = new Worker<NotificationJob>(
    QUEUE_NAMES.notifications,
    (job) => processNotification(job.data, { ...noticeDeps, smsOutbox: new QueuedSmsNotices(queues.sms) }),
    { connection: foundation.workerConnection(), prefix: queuePrefix, concurrency: 16, ...stall },
  );
  // SMS notices leave through their own queue, at SMS_PER_SECOND.
  const sms = startSmsWorker(foundation, { ...noticeDeps, deliveries }, stall);
  const { graceMinutes, afterMinutes, everyMinutes } = config.reconcile;
  const reconcileDeps = { ...commerce, checkout: foundation.checkout, fulfilment, refunds, log, options: { graceMs: graceMinutes * 60_000, recheckMs: afterMinutes * 60_000 } };
  const maintenance = new Worker<ReconcileJob>(
    QUEUE_NAMES.maintenance,
    (job) => processReconcile(job.data, reconcileDeps),
    { connection: foundation.workerConnection(), prefix: queuePrefix, concurrency: 1, ...stall },
  );
  const reconcileSchedule = scheduleReconciliation(queues.maintenance, everyMinutes * 60_000, log);
  // Once closing, connection errors from the workers' own reconnects are the
  // expected end of an outage, not news: they would only trail the "stopped" line.
  let closing = false;
  for (const worker of [payments, notifications, maintenance, sms]) {
    meterJobs(worker, foundation.metrics);
    worker.on('failed', (job: Job | undefined, err: Error) => {
      log.warn({ component: 'worker', queue: worker.name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => {
      if (!closing) log.error({ component: 'worker', queue: worker.name, err: err.message }, 'worker error');
    });
  }
  if (!config.twilio.accountSid) log.warn({ component: 'sms' }, 'Twilio is not configured: outbound SMS are written to this log instead of sent');

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

/** Twilio for SMS (or the log, when Twilio is not configured); proactive Bot Framework messages for chat. */
function customerSender(foundation: Foundation): MessageSender {
  const { config, log } = foundation;
  const { accountSid, authToken, apiUrl, fromNumber, messagingServiceSid } = config.twilio;
  const sms =
    accountSid && authToken
      ? new TwilioSmsSender(createTwilioClient({ accountSid, authToken, apiUrl }), {
          from: fromNumber,
          messagingServiceSid,
          statusCallback: `${config.publicBaseUrl}${SMS_STATUS_PATH}`,
        })
      : new LoggedSmsSender(log);
  const optOuts = new SmsOptOutStore(foundation.redis, { prefix: foundation.keyPrefix });
  const chat = new ProactiveChatSender(createCloudAdapter(config.botFramework, log), config.botFramework.appId);
  return new ChannelSender({ sms: new OptOutCheckedSmsSender(sms, optOuts, log), chat });
}
