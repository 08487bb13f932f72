import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { PermanentDeliveryError, type MessageSender, type OutboundMessage, type SentMessage } from '../notifications/message.sender.js';
import type { CustomerNotice } from '../notifications/customer-notice.js';
import type { Order, TimelineEntry } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import { noticeMessage } from '../notifications/notice.messages.js';
import { payLinkFor } from '../checkout/pay-link.js';
import type { DeliveryStore } from '../notifications/delivery.store.js';
import type { NotificationJob } from '../queue/job.payloads.js';
import type { SmsOutbox } from '../queue/notice.producers.js';

/** What a notifications job returns when it handed an SMS notice on to the SMS queue. */
export const HANDED_TO_SMS = 'handed_to_sms';

/** What a notifications job returns when an earlier, interrupted attempt turns out to have sent the notice. */
export const FOUND_SENT = 'found_sent';

/**
 * How much earlier than an attempt's timeline entry the provider may date
 * the message that attempt sent: our clock against Twilio's, and Twilio's
 * whole-second dates.
 */
export const SENT_LOOKUP_MARGIN_MS = 5_000;

export interface NotificationDeps {
  orders: OrderStore;
  catalog: EventCatalog;
  sender: MessageSender;
  log: Logger;
  /** Base of the short pay links in offers (PUBLIC_BASE_URL); without it offers carry the checkout URL. */
  publicBaseUrl?: string;
  /** Remembers which message carried which notice, so delivery status callbacks find the order. */
  deliveries?: Pick<DeliveryStore, 'remember'>;
}

/** What the notifications worker needs besides: where SMS notices wait for the SMS worker. */
export interface DispatchDeps extends NotificationDeps {
  smsOutbox: SmsOutbox;
}

/**
 * The notifications queue's job: an SMS customer's notice is handed to the
 * SMS queue, whose worker sends it at the rate Twilio allows the sender
 * (roles/sms.worker.ts); a chat customer's is sent now.
 */
export async function dispatchNotification(job: NotificationJob, deps: DispatchDeps): Promise<string> {
  const order = await unsent(job, deps.orders);
  if (order === ALREADY_SENT) return order;
  if (order.customer.channel === 'sms') {
    await deps.smsOutbox.enqueue(job);
    return HANDED_TO_SMS;
  }
  return deliver(order, job, deps);
}

/**
 * Sends one notice to the order's customer on their channel, once: the send
 * is recorded on the order's timeline, and a notice already recorded is not
 * sent again. Permanent delivery failures end the job and are recorded too.
 *
 * A run that dies between the provider accepting the message and the
 * timeline entry (SIGKILL, a timeout on the answer) leaves only its attempt
 * entry; the retry asks the sender whether that message went out before
 * sending it again (DESIGN rule 3: BullMQ runs a job at least once).
 */
export async function sendNotification(job: NotificationJob, deps: NotificationDeps): Promise<string> {
  const order = await unsent(job, deps.orders);
  return order === ALREADY_SENT ? order : deliver(order, job, deps);
}

const ALREADY_SENT = 'already_sent';

/** The timeline cause of sending this notice: `notify:tickets`, `notify:tickets:resend-1`. */
function causeOf(job: NotificationJob): string {
  const resend = job.resend ?? 0;
  return resend > 0 ? `notify:${job.notice}:resend-${resend}` : `notify:${job.notice}`;
}

/** The order, unless its timeline says this notice went out already. */
async function unsent(job: NotificationJob, orders: OrderStore): Promise<Order | typeof ALREADY_SENT> {
  const order = await orders.get(job.orderId);
  if (!order) throw new UnrecoverableError(`unknown order ${job.orderId}`);
  const cause = causeOf(job);
  return order.timeline.some((entry) => entry.cause === cause) ? ALREADY_SENT : order;
}

async function deliver(order: Order, job: NotificationJob, deps: NotificationDeps): Promise<string> {
  const resend = job.resend ?? 0;
  const cause = causeOf(job);
  const base = deps.publicBaseUrl;
  const message = noticeMessage(job.notice, order, deps.catalog, {
    ...(base ? { payLink: (id: string) => payLinkFor(base, id) } : {}),
    ...(isRefundNotice(job.notice) ? { upgradesPaidBack: await upgradesPaidBack(order, deps.orders) } : {}),
  });
  const earlier = await noteAttempt(order, cause, job.notice, deps.orders);
  const found = earlier ? await findEarlierSend(earlier, order, message, job, deps) : undefined;
  let sent: SentMessage | void = found;
  if (!found) {
    try {
      sent = await deps.sender.send(order.customer, message);
    } catch (err) {
      if (!(err instanceof PermanentDeliveryError)) throw err;
      await deps.orders.note(order.id, `${cause}:undeliverable`, `${job.notice} not delivered: ${err.message}`);
      deps.log.warn({ component: 'notifications', orderId: order.id, notice: job.notice, code: err.code }, 'notice undeliverable');
      throw new UnrecoverableError(err.message);
    }
  }
  const messageId = sent?.messageId;
  const how =
    `${resend > 0 ? 're-sent' : 'sent'} by ${order.customer.channel}${messageId ? ` (${messageId})` : ''}` +
    (found ? ', found after an interrupted attempt' : '');
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
  if (found) {
    deps.log.info({ component: 'notifications', orderId: order.id, notice: job.notice, channel: order.customer.channel, messageId, resend }, 'notice already sent by an interrupted attempt: not sent again');
    return FOUND_SENT;
  }
  deps.log.info({ component: 'notifications', orderId: order.id, notice: job.notice, channel: order.customer.channel, messageId, resend }, 'notice sent');
  return 'sent';
}

function isRefundNotice(notice: CustomerNotice): boolean {
  return notice === 'refunded' || notice.startsWith('refund_partial.');
}

/** What the order's taken upgrades have given back of their own payments (paid back before the refund's notice is queued). */
async function upgradesPaidBack(order: Order, orders: OrderStore): Promise<number> {
  const offers = await orders.offersOf(order.id);
  return offers.filter((offer) => offer.state === 'fulfilled').reduce((sum, offer) => sum + offer.refundedAmount, 0);
}

/**
 * Notes on the timeline that this notice is being sent, before the send, and
 * returns the entry of an earlier attempt if there was one. The note is made
 * once per notice, so its time is the first attempt's: a message sent by any
 * earlier attempt is dated after it.
 */
async function noteAttempt(order: Order, cause: string, notice: CustomerNotice, orders: OrderStore): Promise<TimelineEntry | undefined> {
  const attempt = `${cause}:attempt`;
  const seen = order.timeline.find((entry) => entry.cause === attempt);
  if (seen) return seen;
  if (await orders.note(order.id, attempt, `${notice} being sent by ${order.customer.channel}`)) return undefined;
  // Another run of this job noted its attempt after we read the order.
  return (await orders.get(order.id))?.timeline.find((entry) => entry.cause === attempt);
}

/**
 * The message an earlier attempt sent, if the sender can look it up and
 * finds it. A lookup that fails is logged and the notice sent again: the
 * lookup only spares a duplicate, and failing the job on it (a Twilio API key
 * without read access, say) would keep the customer from their tickets.
 */
async function findEarlierSend(
  earlier: TimelineEntry,
  order: Order,
  message: OutboundMessage,
  job: NotificationJob,
  deps: NotificationDeps,
): Promise<SentMessage | undefined> {
  if (!deps.sender.findSent) return undefined;
  const since = new Date(Date.parse(earlier.at) - SENT_LOOKUP_MARGIN_MS);
  try {
    return await deps.sender.findSent(order.customer, message, since);
  } catch (err) {
    deps.log.warn({ component: 'notifications', orderId: order.id, notice: job.notice, err: (err as Error).message }, 'could not look up an interrupted attempt: sending the notice again');
    return undefined;
  }
}
