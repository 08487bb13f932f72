// What a customer is told after the conversation: tickets, expiries, refunds,
// upgrade offers. Services decide a notice is due and queue it by name; the
// notification worker turns it into a message (notice.messages.ts) and sends
// it once on the customer's channel.

/**
 * A partial refund's notice names the refund, so that each of several partial
 * refunds of one order is told once (notices are sent once per order and
 * notice). Not ':' as the separator: BullMQ job ids may not contain it.
 */
export type PartialRefundNotice = `refund_partial.${string}`;

/** Sent on the upgraded order, once per offer: its new seats and tickets. */
export type UpgradedNotice = `upgraded.${string}`;

/**
 * What the customer should be told, queued for the notification worker. On an
 * upgrade offer: 'upgrade_offer' (staff made it), 'hold_expired' and
 * 'payment_failed' (the offer ended, the seats stay as they were),
 * 'upgrade_withdrawn', 'upgrade_refunded'.
 */
export type CustomerNotice =
  | 'tickets'
  | 'hold_expired'
  | 'payment_failed'
  | 'payment_pending'
  | 'refunded'
  | 'upgrade_offer'
  | 'upgrade_withdrawn'
  | 'upgrade_refunded'
  /** A payment reached an order after it had ended (its seats were let go): refunded in full. */
  | 'late_payment_refunded'
  /** Before the show (REMINDER_HOURS_BEFORE): the event, the seats and the ticket page link. */
  | 'reminder'
  /** On an order of tickets someone gave: who from, the event, the seats and the ticket page link. */
  | 'transferred_in'
  /** The bank's no to paying by reply came after the customer's YES: nothing was taken, and the pay link pays for the rest of the hold. */
  | 'card_refused'
  | PartialRefundNotice
  | UpgradedNotice;

export function partialRefundNotice(refundId: string): PartialRefundNotice {
  return `refund_partial.${refundId}`;
}

export function upgradedNotice(offerId: string): UpgradedNotice {
  return `upgraded.${offerId}`;
}

/** Where notices go: the notification queue in production, a list in unit tests. */
export interface NoticeQueue {
  enqueue(orderId: string, notice: CustomerNotice): Promise<void>;
}

/**
 * Sends a notice that was sent (or given up on) before once more, as a job of
 * its own: `resend` numbers it, 2 and up (1 is the one resend a delivery
 * report asks for, see channels/sms/delivery-status.service.ts).
 */
export interface NoticeResender {
  resend(orderId: string, notice: CustomerNotice, resend: number): Promise<void>;
}

/** Queues a notice to run at a time to come (a delayed job): the notification queue in production. */
export interface LaterNotices {
  enqueueAt(orderId: string, notice: CustomerNotice, at: number): Promise<void>;
}
