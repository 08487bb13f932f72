import type { EventCatalog } from '../catalog/event-catalog.js';
import type { Order } from '../orders/order.js';
import { parseOrderId } from '../orders/order-id.js';
import type { OrderStore } from '../orders/order.store.js';
import type { Admission, AdmissionStore } from './admission.store.js';
import type { TicketSigner } from './scan-code.js';

/** Why a door says NO. */
export type RefusedBecause = 'already_admitted' | 'void' | 'refunded' | 'transferred' | 'upgraded' | 'wrong_event' | 'not_yet_open';

/** A ticket as the door sees it: enough to check the person, nothing about the customer. */
export interface DoorTicket {
  code: string;
  orderId: string;
  eventId: string;
  eventName: string;
  sectionId: string;
  sectionName: string;
  /** `A-12`, or undefined for general admission. */
  seat?: string;
}

export type CheckinOutcome =
  | { admitted: true; ticket: DoorTicket; admission: Admission }
  | { admitted: false; reason: RefusedBecause; ticket: DoorTicket; admittedAt?: string; gate?: string; opensAt?: string }
  /** The value's signature fails: made up or altered. */
  | { admitted: false; reason: 'forged' }
  /** No ticket with that code was ever issued. */
  | { admitted: false; reason: 'unknown_ticket' };

export interface CheckinRequest {
  /** What the door scanned (the signed QR value) or typed (the ticket code). */
  code: string;
  gate?: string;
  /** The event this door is for; a ticket of another is refused (wrong_event). */
  eventId?: string;
}

/**
 * One scan at a door: the signature first (a forged or altered value is
 * refused without a lookup), then the ticket's state on its order, then the
 * admission itself, once (AdmissionStore).
 */
export class CheckinService {
  constructor(
    private readonly deps: {
      signer: TicketSigner;
      orders: Pick<OrderStore, 'get' | 'note'>;
      admissions: AdmissionStore;
      catalog: EventCatalog;
      /** How long before an event's start its doors open (CHECKIN_OPENS_HOURS_BEFORE). */
      opensBeforeMs: number;
      now?: () => number;
    },
  ) {}

  async checkin(request: CheckinRequest): Promise<CheckinOutcome> {
    const read = this.deps.signer.read(request.code);
    if (read === 'forged') return { admitted: false, reason: 'forged' };
    const orderId = parseOrderId(read.code);
    const order = orderId ? await this.deps.orders.get(orderId) : undefined;
    if (!order) return { admitted: false, reason: 'unknown_ticket' };
    const code = read.code;
    const ticket = this.doorTicket(order, code);
    const refused = (reason: RefusedBecause, more: { admittedAt?: string; gate?: string; opensAt?: string } = {}): CheckinOutcome => ({ admitted: false, reason, ticket, ...more });

    if (!order.tickets.includes(code)) {
      const retired = await this.deps.admissions.retiredBecause(order.id, code);
      return retired ? refused(retired) : { admitted: false, reason: 'unknown_ticket' };
    }
    if (order.transferredTickets.includes(code)) return refused('transferred');
    if (order.refundedTickets.includes(code)) return refused('refunded');
    if (order.state !== 'fulfilled') return refused(order.state === 'refunded' ? 'refunded' : 'void');
    if (request.eventId && request.eventId !== order.eventId) return refused('wrong_event');
    const event = this.deps.catalog.event(order.eventId);
    const now = this.now();
    const opensAt = event ? Date.parse(event.startsAt) - this.deps.opensBeforeMs : 0;
    if (now < opensAt) return refused('not_yet_open', { opensAt: new Date(opensAt).toISOString() });

    const admission: Admission = { at: new Date(now).toISOString(), ...(request.gate ? { gate: request.gate } : {}) };
    const result = await this.deps.admissions.admit(order.id, code, admission, order);
    if (!result.admitted) return refused('already_admitted', { admittedAt: result.first.at, gate: result.first.gate });
    await this.deps.orders.note(order.id, `checkin:${code}`, `${code} admitted${request.gate ? ` at ${request.gate}` : ''}`);
    return { admitted: true, ticket, admission };
  }

  private doorTicket(order: Order, code: string): DoorTicket {
    const event = this.deps.catalog.event(order.eventId);
    const section = this.deps.catalog.section(order.eventId, order.sectionId);
    const index = order.tickets.indexOf(code);
    const seat = index >= 0 ? order.seats[index] : undefined;
    return {
      code,
      orderId: order.id,
      eventId: order.eventId,
      eventName: event?.name ?? order.eventId,
      sectionId: order.sectionId,
      sectionName: section?.name ?? order.sectionId,
      ...(seat ? { seat } : {}),
    };
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
