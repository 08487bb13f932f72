import { UnrecoverableError, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { PermanentDeliveryError, type MessageSender, type SentMessage } from '../channels/message.sender.js';
import type { CustomerNotice, NoticeQueue } from '../orders/fulfilment.service.js';
import type { OrderStore } from '../orders/order.store.js';
import { noticeMessage } from '../notifications/notice.messages.js';
import type { DeliveryStore } from '../notifications/delivery.store.js';

export interface NotificationJob {
  orderId: string;
  notice: CustomerNotice;
  /** 1 on the one resend after a delivery status said the message did not arrive; absent on the first send. */
  resend?: number;
}

/** Where SMS notices wait to be sent under the per-sender rate limit (the SMS queue). */
export interface SmsOutbox {
  enqueue(job: NotificationJob): Promise<void>;
}

/** What a notifications job returns when it handed an SMS notice on to the SMS queue. */
export const HANDED_TO_SMS = 'handed_to_sms';

export interface NotificationDeps {
  orders: OrderStore;
  catalog: EventCatalog;
  sender: MessageSender;
  log: Logger;
  /**
   * When set (the notifications worker), SMS notices are handed to it rather
   * than sent, so they leave at the rate Twilio allows the sender; the SMS
   * worker runs this same function without it and sends.
   */
  smsOutbox?: SmsOutbox;
  /** Remembers which message carried which notice, so delivery status callbacks find the order. */
  deliveries?: Pick<DeliveryStore, 'remember'>;
}

/**
 * Sends one notice to the order's customer on their channel, once: the send
 * is recorded on the order's timeline, and a notice already recorded is not
 * sent again. Permanent delivery failures end the job and are recorded too.
 * With an SMS outbox, an SMS customer's notice is handed to the SMS queue
 * instead, whose worker runs this again and sends it.
 */
export async function processNotification(job: NotificationJob, deps: NotificationDeps): Promise<string> {
  const order = await deps.orders.get(job.orderId);
  if (!order) throw new UnrecoverableError(`unknown order ${job.orderId}`);
  const resend = job.resend ?? 0;
  const cause = resend > 0 ? `notify:${job.notice}:resend-${resend}` : `notify:${job.notice}`;
  if (order.timeline.some((entry) => entry.cause === cause)) return 'already_sent';
  if (deps.smsOutbox && order.customer.channel === 'sms') {
    await deps.smsOutbox.enqueue(job);
    return HANDED_TO_SMS;
  }
  let sent: SentMessage | void;
  try {
    sent = await deps.sender.send(order.customer, noticeMessage(job.notice, order, deps.catalog));
  } catch (err) {
    if (!(err instanceof PermanentDeliveryError)) throw err;
    await deps.orders.note(order.id, `${cause}:undeliverable`, `${job.notice} not delivered: ${err.message}`);
    deps.log.warn({ component: 'notifications', orderId: order.id, notice: job.notice, code: err.code }, 'notice undeliverable');
    throw new UnrecoverableError(err.message);
  }
  const messageId = sent?.messageId;
  const how = `${resend > 0 ? 're-sent' : 'sent'} by ${order.customer.channel}${messageId ? ` (${messageId})` : ''}`;
  await Promise.all([
    deps.orders.note(order.id, cause, `${job.notice} ${how}`),
    // Best effort: losing it loses only the delivery reports, while failing
    // the job here would send the message twice.
    messageId && deps.deliveries
      ? deps.deliveries.remember(messageId, { orderId: order.id, notice: job.notice, resend }).catch((err: unknown) => {
          deps.log.warn({ component: 'notifications', orderId: order.id, messageId, err: (err as Error).message }, 'could not remember the message id: its delivery reports will be ignored');
        })
      : undefined,
  ]);
  deps.log.info({ component: 'notifications', orderId: order.id, notice: job.notice, channel: order.customer.channel, messageId, resend }, 'notice sent');
  return 'sent';
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
