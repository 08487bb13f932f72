// How a notice shows on its order's timeline: the notification job records
// each send under a cause of its own, and what checks whether a customer got
// a notice (reconciliation, staff) reads the same causes.
import type { Order } from '../orders/order.js';
import type { CustomerNotice } from './customer-notice.js';

/** The timeline cause of sending this notice: `notify:tickets`, `notify:tickets:resend-2`. */
export function noticeCause(notice: CustomerNotice, resend = 0): string {
  return resend > 0 ? `notify:${notice}:resend-${resend}` : `notify:${notice}`;
}

/** True when the timeline records this notice sent, the first time or in any resend. */
export function noticeSent(order: Pick<Order, 'timeline'>, notice: CustomerNotice): boolean {
  const first = noticeCause(notice);
  const resendPrefix = `${first}:resend-`;
  return order.timeline.some(
    (entry) => entry.cause === first || (entry.cause.startsWith(resendPrefix) && /^\d+$/.test(entry.cause.slice(resendPrefix.length))),
  );
}

/** True when the timeline records the first send of this notice given up on: refused for good (an opted-out number), or out of retries. */
export function noticeGivenUp(order: Pick<Order, 'timeline'>, notice: CustomerNotice): boolean {
  const first = noticeCause(notice);
  return order.timeline.some((entry) => entry.cause === `${first}:undeliverable` || entry.cause === `${first}:gave-up`);
}

/**
 * Notices a customer must not go without: the tickets they paid for, and word
 * of money given back. One that cannot be delivered is flagged for staff.
 */
export function mustReach(notice: CustomerNotice): boolean {
  return (
    notice === 'tickets' ||
    notice === 'transferred_in' ||
    notice === 'refunded' ||
    notice === 'upgrade_refunded' ||
    notice === 'late_payment_refunded' ||
    notice.startsWith('upgraded.') ||
    notice.startsWith('refund_partial.')
  );
}

/**
 * Whether delivering `sent` stands in for an undelivered `earlier` one: a
 * notice for itself, and the tickets message for every upgrade's, since it
 * lists the order's tickets and seats as they are now.
 */
export function supersedes(sent: CustomerNotice, earlier: string): boolean {
  return sent === earlier || (sent === 'tickets' && earlier.startsWith('upgraded.'));
}
