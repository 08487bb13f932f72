import type { WriteConfirmation } from '../redis/replica-acks.js';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { EventCatalog } from '../catalog/event-catalog.js';
import { PermanentDeliveryError, type MessageSender, type OutboundMessage, type SentMessage } from '../notifications/message.sender.js';
import type { CustomerNotice } from '../notifications/customer-notice.js';
import type { Order, TimelineEntry } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import { carriesTickets, noticeMessage } from '../notifications/notice.messages.js';
import { ticketPageLink, type TicketPageStore } from '../tickets/ticket-page.store.js';
import { REMINDER, reminderStillWanted } from '../notifications/reminders.js';
import type { SendClaims } from '../notifications/send-claim.store.js';
import { payLinkFor } from '../checkout/pay-link.js';
import type { DeliveryStore } from '../notifications/delivery.store.js';
import type { NotificationJob } from '../queue/job.payloads.js';
import type { SmsOutbox } from '../queue/notice.producers.js';
import { mustReach, noticeCause, supersedes } from '../notifications/notice.timeline.js';
import { STAFF_ATTENTION, type StaffAttention } from '../orders/staff-attention.store.js';

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
  /** Waits until a Redis replica has what was written (src/redis/replica-acks.ts). */
  replicated?: WriteConfirmation;
  catalog: EventCatalog;
  sender: MessageSender;
  log: Logger;
  /** Base of the short pay links in offers (PUBLIC_BASE_URL); without it offers carry the checkout URL. */
  publicBaseUrl?: string;
  /** Remembers which message carried which notice, so delivery status callbacks find the order. */
  deliveries?: Pick<DeliveryStore, 'remember'>;
  /** Where a notice the customer must get (mustReach) is flagged when it cannot be delivered; without it, only the timeline says so. */
  attention?: Pick<StaffAttention, 'flag' | 'clear'>;
  /** The secret of each order's ticket page, linked from the messages that carry tickets (with publicBaseUrl). */
  ticketPages?: Pick<TicketPageStore, 'secretFor'>;
  /** One run sends a notice at a time, however many runs of its job there are (send-claim.store.ts). */
  claims?: Pick<SendClaims, 'claim' | 'release'>;
}

/** Thrown when another run of the job is sending the notice right now: the job tries again later and finds it sent. */
export class SendingElsewhereError extends Error {
  constructor(orderId: string, notice: string) {
    super(`another run is sending the ${notice} notice of ${orderId} right now: trying again shortly`);
    this.name = 'SendingElsewhereError';
  }
}

/** Which attempt of its job this is: on the last one, a failure is the end of trying. */
export interface NoticeAttempt {
  final: boolean;
}

/** The attempt a BullMQ job is on: its last when no retry is left after it (attemptsMade counts those already failed). */
export function noticeAttempt(job: { attemptsMade: number; opts: { attempts?: number } }): NoticeAttempt {
  return { final: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) };
}

/** Not the last attempt: what a caller outside a queue (a test, a one-off) gets by default. */
const RETRIED: NoticeAttempt = { final: false };

/** What the notifications worker needs besides: where SMS notices wait for the SMS worker. */
export interface DispatchDeps extends NotificationDeps {
  smsOutbox: SmsOutbox;
}

/**
 * The notifications queue's job: an SMS customer's notice is handed to the
 * SMS queue, whose worker sends it at the rate Twilio allows the sender
 * (roles/sms.worker.ts); a chat customer's is sent now.
 */
export async function dispatchNotification(job: NotificationJob, deps: DispatchDeps, attempt: NoticeAttempt = RETRIED): Promise<string> {
  const order = await unsent(job, deps);
  if (typeof order === 'string') return order;
  if (order.customer.channel === 'sms') {
    await deps.smsOutbox.enqueue(job);
    return HANDED_TO_SMS;
  }
  // A chat notice is sent here, under the claim, which reads the order again.
  return sendNotification(job, deps, attempt);
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
 *
 * A notice the customer must get that fails on its last attempt (the queue
 * retries for hours: queue/notice-retry.ts), or is refused for good, is
 * flagged for staff; delivering it later (a staff resend) clears the flag.
 */
export async function sendNotification(job: NotificationJob, deps: NotificationDeps, attempt: NoticeAttempt = RETRIED): Promise<string> {
  return oneSenderAtATime(job, deps, async () => {
    // Read under the claim: a run that held it before may have sent the notice.
    const order = await unsent(job, deps);
    return typeof order === 'string' ? order : deliver(order, job, deps, attempt);
  });
}

/** Runs `send` holding the notice's claim (send-claim.store.ts); without claims, as it is. */
async function oneSenderAtATime(job: NotificationJob, deps: NotificationDeps, send: () => Promise<string>): Promise<string> {
  if (!deps.claims) return send();
  const cause = causeOf(job);
  const claim = await deps.claims.claim(job.orderId, cause);
  if (!claim) throw new SendingElsewhereError(job.orderId, job.notice);
  try {
    return await send();
  } finally {
    await deps.claims.release(job.orderId, cause, claim);
  }
}

const ALREADY_SENT = 'already_sent';

/** What a reminder's job returns when its time came for an order with nothing left to remind of (refunded) or a show already begun. */
export const NOT_WANTED = 'not_wanted';

function causeOf(job: NotificationJob): string {
  return noticeCause(job.notice, job.resend);
}

/** The order, unless its timeline says this notice went out already, or it is a reminder no longer wanted. */
async function unsent(job: NotificationJob, deps: Pick<NotificationDeps, 'orders' | 'catalog'>): Promise<Order | typeof ALREADY_SENT | typeof NOT_WANTED> {
  const order = await deps.orders.get(job.orderId);
  if (!order) throw new UnrecoverableError(`unknown order ${job.orderId}`);
  const cause = causeOf(job);
  if (order.timeline.some((entry) => entry.cause === cause)) return ALREADY_SENT;
  if (job.notice === REMINDER && !reminderStillWanted(order, deps.catalog, Date.now())) return NOT_WANTED;
  return order;
}

async function deliver(order: Order, job: NotificationJob, deps: NotificationDeps, attempt: NoticeAttempt): Promise<string> {
  const resend = job.resend ?? 0;
  const cause = causeOf(job);
  const base = deps.publicBaseUrl;
  const message = noticeMessage(job.notice, order, deps.catalog, {
    ...(base ? { payLink: (record: Order) => payLinkFor(base, record) } : {}),
    ...(isRefundNotice(job.notice) ? { upgradesPaidBack: await upgradesPaidBack(order, deps.orders) } : {}),
    ...(base && deps.ticketPages && carriesTickets(job.notice) ? { ticketPage: ticketPageLink(base, await deps.ticketPages.secretFor(order.id)) } : {}),
  });
  const earlier = await noteAttempt(order, cause, job.notice, deps.orders);
  // The attempt is on a replica before the message leaves: a failover cannot
  // forget it, and so a later attempt looks for this one before sending again.
  await deps.replicated?.confirm();
  const found = earlier ? await findEarlierSend(earlier, order, message, job, deps) : undefined;
  let sent: SentMessage | void = found;
  if (!found) {
    try {
      sent = await deps.sender.send(order.customer, message);
    } catch (err) {
      if (!(err instanceof PermanentDeliveryError)) {
        if (attempt.final) await giveUp(order, job, `${cause}:gave-up`, `not delivered after every retry (last error: ${(err as Error).message})`, deps);
        throw err;
      }
      await giveUp(order, job, `${cause}:undeliverable`, `not delivered: ${err.message}`, deps);
      throw new UnrecoverableError(err.message);
    }
  }
  const messageId = sent?.messageId;
  const how =
    `${resend > 0 ? 're-sent' : 'sent'} by ${order.customer.channel}${messageId ? ` (${messageId})` : ''}` +
    (found ? ', found after an interrupted attempt' : '');
  await Promise.all([
    deps.orders.note(order.id, cause, `${job.notice} ${how}`),
    clearUndelivered(order, job, deps),
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

/** The end of trying: recorded on the order and, for a notice the customer must get, flagged for staff. */
async function giveUp(order: Order, job: NotificationJob, cause: string, why: string, deps: NotificationDeps): Promise<void> {
  await deps.orders.note(order.id, cause, `${job.notice} ${why}`);
  deps.log.warn({ component: 'notifications', orderId: order.id, notice: job.notice, resend: job.resend ?? 0, why }, 'notice given up');
  if (!deps.attention || !mustReach(job.notice)) return;
  const resend = order.kind === 'tickets' && job.notice === 'tickets' ? ` Send it again with POST /staff/orders/${order.id}/resend-tickets once ${order.customer.channel} works, or reach the customer another way.` : ' Reach the customer another way.';
  await deps.attention.flag(order.id, 'notice_undelivered', job.notice, `the ${job.notice} message to the customer was ${why}.${resend}`, job.resend ? `resend-${job.resend}` : undefined);
}

/** A delivered notice settles the flags it stands in for (notice.timeline.ts); read only when the order was ever flagged. */
async function clearUndelivered(order: Order, job: NotificationJob, deps: NotificationDeps): Promise<void> {
  if (!deps.attention || !order.timeline.some((entry) => entry.cause.startsWith(`${STAFF_ATTENTION}:`))) return;
  // Best effort, like remembering the message id: failing the job now would send the message twice.
  await deps.attention
    .clear(order.id, 'notice_undelivered', (earlier) => supersedes(job.notice, earlier), `the ${job.notice} message was sent by ${order.customer.channel}`)
    .catch((err: unknown) => deps.log.warn({ component: 'notifications', orderId: order.id, err: (err as Error).message }, 'could not clear the staff flag of a delivered notice'));
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
