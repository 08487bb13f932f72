import { UnrecoverableError, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { PermanentDeliveryError, type MessageSender } from '../channels/message.sender.js';
import type { CustomerNotice, NoticeQueue } from '../orders/fulfilment.service.js';
import type { OrderStore } from '../orders/order.store.js';
import { noticeMessage } from '../notifications/notice.messages.js';

export interface NotificationJob {
  orderId: string;
  notice: CustomerNotice;
}

export interface NotificationDeps {
  orders: OrderStore;
  catalog: EventCatalog;
  sender: MessageSender;
  log: Logger;
}

/**
 * Sends one notice to the order's customer on their channel, once: the send
 * is recorded on the order's timeline, and a notice already recorded is not
 * sent again. Permanent delivery failures end the job and are recorded too.
 */
export async function processNotification(job: NotificationJob, deps: NotificationDeps): Promise<string> {
  const order = await deps.orders.get(job.orderId);
  if (!order) throw new UnrecoverableError(`unknown order ${job.orderId}`);
  const cause = `notify:${job.notice}`;
  if (order.timeline.some((entry) => entry.cause === cause)) return 'already_sent';
  try {
    await deps.sender.send(order.customer, noticeMessage(job.notice, order, deps.catalog));
  } catch (err) {
    if (!(err instanceof PermanentDeliveryError)) throw err;
    await deps.orders.note(order.id, `${cause}:undeliverable`, `${job.notice} not delivered: ${err.message}`);
    deps.log.warn({ component: 'notifications', orderId: order.id, notice: job.notice, code: err.code }, 'notice undeliverable');
    throw new UnrecoverableError(err.message);
  }
  await deps.orders.note(order.id, cause, `${job.notice} sent by ${order.customer.channel}`);
  deps.log.info({ component: 'notifications', orderId: order.id, notice: job.notice, channel: order.customer.channel }, 'notice sent');
  return 'sent';
}

/** Queues notices under one job id per order and notice, so a repeat is dropped while the first is kept. */
export class QueuedNotices implements NoticeQueue {
  constructor(private readonly queue: Queue<NotificationJob>) {}

  async enqueue(orderId: string, notice: CustomerNotice): Promise<void> {
    await this.queue.add(notice, { orderId, notice }, { jobId: `${notice}-${orderId}` });
  }
}
