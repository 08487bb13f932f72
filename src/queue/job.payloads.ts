// What each queue carries: the contract between the code that adds a job (the
// webhook route, the notice producers, the scheduler) and the worker that
// runs it (jobs/). Payloads are plain JSON: BullMQ stores them as such.
import type { CustomerNotice } from '../notifications/customer-notice.js';

/** A verified Stripe event as the webhook route queues it: only what the worker needs. */
export interface PaymentEventJob {
  id: string;
  type: string;
  object: { id?: string; object?: string };
  created: number;
}

export interface NotificationJob {
  orderId: string;
  notice: CustomerNotice;
  /** 1 on the one resend after a delivery status said the message did not arrive; absent on the first send. */
  resend?: number;
}

/** A reconciliation run (the maintenance queue). */
export interface ReconcileJob {
  /** Most orders looked at in one run; the rest wait for the next. Default 2,000. */
  maxOrders?: number;
  /** Most requested refunds looked at in one run; the rest wait for the next. Default 500. */
  maxRefunds?: number;
}
