import type { Logger } from 'pino';
import { maskPhone } from '../../logger.js';
import type { SmsOutbox } from '../../queue/notice.producers.js';
import type { DeliveryStore, SentNotice } from '../../notifications/delivery.store.js';
import type { CustomerNotice } from '../../notifications/customer-notice.js';
import type { Order, OrderState } from '../../orders/order.js';
import type { OrderStore } from '../../orders/order.store.js';
import type { StaffAttention } from '../../orders/staff-attention.store.js';
import { TWILIO_UNSUBSCRIBED } from './opt-out.sender.js';
import type { SmsOptOutStore } from './opt-out.store.js';

/** One delivery report as Twilio posts it to the status callback. */
export interface DeliveryUpdate {
  messageId: string;
  /** Twilio's MessageStatus: queued, sending, sent, delivered, undelivered, failed, read, … */
  status: string;
  /** Twilio's ErrorCode on undelivered/failed, e.g. "30003" (handset unreachable). */
  errorCode?: string;
}

export type DeliveryOutcome = 'unknown_message' | 'ignored' | 'recorded' | 'resend_queued' | 'flagged';

/**
 * Statuses worth a line on the order's timeline. queued/accepted/sending/
 * scheduled are steps on the way and would only crowd it.
 * https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 */
const RECORDED = new Set(['sent', 'delivered', 'undelivered', 'failed', 'read', 'canceled']);
const NOT_DELIVERED = new Set(['undelivered', 'failed']);

/**
 * Notices that matter enough to be sent once more when they do not arrive
 * (and then flagged for staff), while the order is still in the given state:
 * tickets of an order refunded meanwhile are not sent again.
 */
const RESEND_WHILE: Partial<Record<CustomerNotice, OrderState>> = { tickets: 'fulfilled' };
const MAX_RESENDS = 1;

export interface DeliveryStatusDeps {
  orders: OrderStore;
  deliveries: Pick<DeliveryStore, 'lookup'>;
  /** The SMS queue, for the one resend. */
  smsOutbox: SmsOutbox;
  optOuts: Pick<SmsOptOutStore, 'optOut'>;
  /** Where a message that did not arrive, twice, is flagged for staff. */
  attention: Pick<StaffAttention, 'flag'>;
  log: Logger;
}

/**
 * Delivery reports for the messages we sent: each is recorded on the order's
 * timeline (once per message and status, so Twilio's repeats change nothing).
 * A ticket message that did not arrive is sent once more through the SMS
 * queue; if the resend does not arrive either, the order is flagged for staff.
 */
export class DeliveryStatusService {
  constructor(private readonly deps: DeliveryStatusDeps) {}

  async record(update: DeliveryUpdate): Promise<DeliveryOutcome> {
    const sent = await this.deps.deliveries.lookup(update.messageId);
    if (!sent) return 'unknown_message';
    const status = update.status.toLowerCase();
    if (!RECORDED.has(status)) return 'ignored';

    const what = `${sent.notice} SMS${sent.resend > 0 ? ` (resend ${sent.resend})` : ''}`;
    const error = update.errorCode ? ` (error ${update.errorCode})` : '';
    await this.deps.orders.note(sent.orderId, `sms:${update.messageId}:${status}`, `${what} ${status}${error}`);
    if (!NOT_DELIVERED.has(status)) return 'recorded';
    const order = await this.deps.orders.get(sent.orderId);
    if (!order) return 'recorded';
    if (update.errorCode === String(TWILIO_UNSUBSCRIBED)) await this.optOutCustomerOf(order);
    if (RESEND_WHILE[sent.notice] !== order.state) return 'recorded';
    // Both steps below are safe to repeat (a fixed job id, a note once per
    // cause), so a repeated report after a half-done first one completes it.
    return sent.resend < MAX_RESENDS ? this.resend(sent, update) : this.flag(sent, update);
  }

  /** A Messaging Service can report 21610 here rather than when the message is created. */
  private async optOutCustomerOf(order: Order): Promise<void> {
    if (order.customer.channel === 'sms' && (await this.deps.optOuts.optOut(order.customer.address, 'twilio'))) {
      this.deps.log.info({ component: 'sms', orderId: order.id, to: maskPhone(order.customer.address), code: TWILIO_UNSUBSCRIBED }, 'number opted out: Twilio reports it unsubscribed');
    }
  }

  private async resend(sent: SentNotice, update: DeliveryUpdate): Promise<DeliveryOutcome> {
    await this.deps.smsOutbox.enqueue({ orderId: sent.orderId, notice: sent.notice, resend: sent.resend + 1 });
    this.deps.log.info({ component: 'sms', orderId: sent.orderId, notice: sent.notice, messageId: update.messageId, errorCode: update.errorCode }, 'SMS not delivered: sending it once more');
    return 'resend_queued';
  }

  private async flag(sent: SentNotice, update: DeliveryUpdate): Promise<DeliveryOutcome> {
    const code = update.errorCode ? `, last error ${update.errorCode}` : '';
    await this.deps.attention.flag(
      sent.orderId,
      'notice_undelivered',
      sent.notice,
      `the ${sent.notice} SMS did not arrive, twice (${update.status}${code}). Reach the customer another way, or send it again when the number works.`,
      `resend-${sent.resend}`,
    );
    this.deps.log.warn({ component: 'sms', orderId: sent.orderId, notice: sent.notice, messageId: update.messageId, errorCode: update.errorCode }, 'SMS not delivered after a resend: flagged for staff');
    return 'flagged';
  }
}
