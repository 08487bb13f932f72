import type { EventCatalog } from '../catalog/event-catalog.js';
import type { Customer } from '../customers/customer.js';
import { maskPhone } from '../logger.js';
import type { NoticeQueue } from '../notifications/customer-notice.js';
import type { Reminders } from '../notifications/reminders.js';
import type { Order } from '../orders/order.js';
import { newOrderId } from '../orders/order-id.js';
import { OrderIdTakenError, type OrderStore } from '../orders/order.store.js';
import { activeTickets } from '../orders/refund.js';
import { issueTickets } from '../orders/tickets.js';
import type { AdmissionStore } from './admission.store.js';
import type { PendingTransfers } from './pending-transfers.store.js';

/** Why tickets cannot be given away, as the bot explains it. */
export type TransferRefusal =
  | 'no_tickets'
  | 'refunded'
  | 'too_many'
  | 'admitted'
  | 'too_late'
  | 'limit_reached'
  | 'same_person'
  | 'opted_out'
  | 'refund_underway';

/** What the customer is asked to confirm; kept in the conversation until they answer. */
export interface TransferPlan {
  orderId: string;
  /** The recipient, E.164. */
  to: string;
  tickets: string[];
  /** The seats behind those tickets ([] for general admission). */
  seats: string[];
  /** The recipient's order, drawn now, so a YES sent twice gives the tickets once. */
  newOrderId: string;
}

export type TransferPlanned = { ok: true; plan: TransferPlan } | { ok: false; reason: TransferRefusal; available?: number };
export type TransferDone = { ok: true; order: Order } | { ok: false; reason: TransferRefusal; available?: number };

export interface TransferDeps {
  orders: Pick<OrderStore, 'get' | 'create' | 'transition' | 'note'>;
  admissions: Pick<AdmissionStore, 'admissionsOf'>;
  catalog: EventCatalog;
  /** The recipient's tickets message ('transferred_in'). */
  notices: NoticeQueue;
  reminders?: Pick<Reminders, 'schedule'>;
  /** True when the number texted STOP: it gets nothing from us, tickets included. */
  optedOut: (phone: string) => Promise<boolean>;
  /** True while a refund of the order waits for Stripe: its tickets are not the customer's to give. */
  refundUnderway: (orderId: string) => Promise<boolean>;
  /** Most transfers out of one order (MAX_TRANSFERS_PER_ORDER). */
  maxPerOrder: number;
  /** Transfers under way, for reconciliation to finish one cut short. */
  pending: Pick<PendingTransfers, 'add' | 'done' | 'begunBefore'>;
  now?: () => number;
}

/** The timeline cause of a transfer out of an order: one per recipient order. */
export const TRANSFER_OUT = 'transfer-out:';

/**
 * Giving tickets to someone by their phone number. The recipient gets an
 * order of their own, fulfilled, with new codes for the same seats: they
 * check its status, get its reminder and can give it on, as any customer.
 * The sender's codes for those seats stop admitting ('transferred'), and the
 * seats stay sold under the sender's order, which paid for them (so they
 * cannot be refunded to the sender any more: they are no longer theirs).
 *
 * The sender's order is marked first, naming the recipient's order, then
 * that order is made under the id drawn with the plan: a run cut between the
 * two leaves no code admitting twice, and the same plan run again finishes
 * it (the mark is once per cause, the order's id can be claimed once).
 */
export class TransferService {
  constructor(private readonly deps: TransferDeps) {}

  /** Which tickets would go: the last ones of the order that still admit and were not let in yet. */
  async plan(order: Order, request: { to: string; quantity?: number; all?: boolean }, from: Customer): Promise<TransferPlanned> {
    const refused = await this.refusal(order, request.to, from);
    if (refused) return refused;
    const admitted = await this.deps.admissions.admissionsOf(order.id);
    const active = activeTickets(order);
    const free = active.filter((code) => !admitted.has(code));
    const wanted = request.all || request.quantity === undefined ? free.length : request.quantity;
    if (free.length === 0) return { ok: false, reason: active.length > 0 ? 'admitted' : 'no_tickets' };
    if (wanted > free.length) return { ok: false, reason: free.length < active.length && wanted <= active.length ? 'admitted' : 'too_many', available: free.length };
    const tickets = free.slice(free.length - wanted);
    const seats = tickets.map((code) => order.seats[order.tickets.indexOf(code)]).filter((seat): seat is string => seat !== undefined);
    return { ok: true, plan: { orderId: order.id, to: request.to, tickets, seats, newOrderId: newOrderId() } };
  }

  /** Gives the planned tickets, after checking again: the order may have changed while the customer read the question. */
  async transfer(plan: TransferPlan, from: Customer & { name?: string }): Promise<TransferDone> {
    const order = await this.deps.orders.get(plan.orderId);
    if (!order) return { ok: false, reason: 'no_tickets' };
    const cause = `${TRANSFER_OUT}${plan.newOrderId}`;
    const resumed = order.timeline.some((entry) => entry.cause === cause);
    if (!resumed) {
      const refused = await this.refusal(order, plan.to, from);
      if (refused) return refused;
      const admitted = await this.deps.admissions.admissionsOf(order.id);
      const active = new Set(activeTickets(order));
      if (plan.tickets.some((code) => !active.has(code) || admitted.has(code))) return { ok: false, reason: 'admitted' };
      const what = `${plan.tickets.length} ticket${plan.tickets.length === 1 ? '' : 's'} (${plan.tickets.join(', ')})`;
      await this.deps.pending.add({ plan, from });
      await this.deps.orders.note(order.id, cause, `${what} given to ${maskPhone(plan.to)} as order ${plan.newOrderId}`, {
        transferredTickets: [...order.transferredTickets, ...plan.tickets],
      });
    }
    const given = await this.recipientOrder(order, plan, from.name);
    await this.deps.notices.enqueue(given.id, 'transferred_in');
    await this.deps.reminders?.schedule(given);
    await this.deps.pending.done(plan.newOrderId);
    return { ok: true, order: given };
  }

  /**
   * Reconciliation: finishes the transfers begun before `before` that never
   * ended (the recipient's order made, their text queued). One cut short
   * before the giver's tickets were marked is checked again as new, and
   * dropped if it can no longer go: then nothing was given.
   */
  async finishCutShort(before: number, limit: number): Promise<{ finished: number; dropped: number }> {
    const counts = { finished: 0, dropped: 0 };
    for (const { plan, from } of await this.deps.pending.begunBefore(before, limit)) {
      const done = await this.transfer(plan, from);
      if (done.ok) counts.finished += 1;
      else {
        await this.deps.pending.done(plan.newOrderId);
        counts.dropped += 1;
      }
    }
    return counts;
  }

  private async recipientOrder(from: Order, plan: TransferPlan, senderName: string | undefined): Promise<Order> {
    const cause = `transfer:${from.id}`;
    try {
      await this.deps.orders.create(
        {
          kind: 'tickets',
          customer: { channel: 'sms', address: plan.to },
          ...(from.language ? { language: from.language } : {}),
          eventId: from.eventId,
          sectionId: from.sectionId,
          quantity: plan.tickets.length,
          seats: plan.seats,
          unitAmount: 0,
          amount: 0,
          currency: from.currency,
          holdExpiresAt: this.now(),
          transferredFrom: from.id,
          ...(senderName ? { transferredBy: senderName } : {}),
        },
        { id: plan.newOrderId },
      );
    } catch (err) {
      // Made by an earlier run of this plan.
      if (!(err instanceof OrderIdTakenError)) throw err;
    }
    await this.deps.orders.transition(plan.newOrderId, { to: 'paid', cause, note: `given by order ${from.id}` });
    const tickets = issueTickets(plan.newOrderId, plan.seats, plan.tickets.length);
    const done = await this.deps.orders.transition(plan.newOrderId, { to: 'fulfilled', cause, patch: { seats: plan.seats, tickets } });
    return done.order ?? (await this.deps.orders.get(plan.newOrderId))!;
  }

  private async refusal(order: Order, to: string, from: Customer): Promise<{ ok: false; reason: TransferRefusal } | undefined> {
    const no = (reason: TransferRefusal) => ({ ok: false as const, reason });
    if (order.kind !== 'tickets') return no('no_tickets');
    if (order.state === 'refunded') return no('refunded');
    if (order.state !== 'fulfilled' || activeTickets(order).length === 0) return no(order.refundedTickets.length > 0 ? 'refunded' : 'no_tickets');
    if (from.channel === 'sms' && from.address === to) return no('same_person');
    if (order.customer.channel === 'sms' && order.customer.address === to) return no('same_person');
    if (this.pastCutoff(order)) return no('too_late');
    if (order.timeline.filter((entry) => entry.cause.startsWith(TRANSFER_OUT)).length >= this.deps.maxPerOrder) return no('limit_reached');
    if (await this.deps.refundUnderway(order.id)) return no('refund_underway');
    if (await this.deps.optedOut(to)) return no('opted_out');
    return undefined;
  }

  /** Past the event's transfer cut-off (its `transferCutoffHours` before the start), or past the start itself. */
  private pastCutoff(order: Order): boolean {
    const event = this.deps.catalog.event(order.eventId);
    if (!event) return true;
    const cutoffMs = (event.transferCutoffHours ?? 0) * 3_600_000;
    return this.now() >= Date.parse(event.startsAt) - cutoffMs;
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
