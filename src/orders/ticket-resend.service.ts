import type { NoticeResender } from '../notifications/customer-notice.js';
import type { TicketDeliveries } from '../notifications/ticket-delivery.store.js';
import type { OrderStore } from './order.store.js';

export type TicketResendResult = { ok: true; resend: number } | { ok: false; reason: 'unknown_order' | 'no_tickets' };

/**
 * Staff send a customer's tickets again, in one call: after a message that
 * could not be delivered was flagged, or when a customer lost it. Each call
 * is a resend of its own (its own job and timeline cause), watched by
 * reconciliation like the first; delivering it clears the order's flag.
 */
export class TicketResends {
  constructor(private readonly deps: { orders: OrderStore; ticketDeliveries: TicketDeliveries; notices: NoticeResender }) {}

  async resend(orderId: string, by: string): Promise<TicketResendResult> {
    const order = await this.deps.orders.get(orderId);
    if (!order || order.kind !== 'tickets') return { ok: false, reason: 'unknown_order' };
    if (order.state !== 'fulfilled') return { ok: false, reason: 'no_tickets' };
    const resend = await this.deps.ticketDeliveries.nextResend(orderId);
    await this.deps.orders.note(orderId, `resend-tickets:${resend}`, `${by} asked for the tickets to be sent again (resend ${resend})`);
    await this.deps.ticketDeliveries.watch(orderId);
    await this.deps.notices.resend(orderId, 'tickets', resend);
    return { ok: true, resend };
  }
}
