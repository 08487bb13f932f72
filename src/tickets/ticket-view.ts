import { formatEventTime, formatVenueTime, sectionName } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { Language } from '../customers/language.js';
import type { Order } from '../orders/order.js';
import type { OrderStore } from '../orders/order.store.js';
import type { AdmissionStore, RetiredBecause } from './admission.store.js';
import type { TicketSigner } from './scan-code.js';
import type { TicketPageStore } from './ticket-page.store.js';

/** Where a ticket stands, as its holder is told. */
export type TicketState =
  | { kind: 'valid' }
  /** `localTime` is when, on the venue's clock ("Sat Dec 5, 7:02pm"). */
  | { kind: 'admitted'; at: string; localTime: string; gate?: string }
  | { kind: 'void'; because: 'refunded' | 'cancelled' | RetiredBecause };

export interface TicketView {
  code: string;
  /** What the QR code carries (scan-code.ts); only a valid ticket has one to show. */
  scanValue?: string;
  /** "Row A, seat 12"; undefined for general admission. */
  seat?: string;
  state: TicketState;
}

/** One order's tickets, as its page shows them: the event and the tickets, nothing about the customer. */
export interface TicketsView {
  orderId: string;
  language: Language;
  eventName: string;
  /** "Sat Dec 5, 7:30pm", on the venue's clock. */
  when: string;
  venue: string;
  sectionName: string;
  tickets: TicketView[];
}

/**
 * What a ticket page shows: every ticket on the order with its state, and
 * the codes the order once had that no longer admit (reissued by an upgrade,
 * given away), so the holder of an old message learns why.
 */
export class TicketViews {
  constructor(
    private readonly deps: {
      orders: Pick<OrderStore, 'get'>;
      admissions: Pick<AdmissionStore, 'admissionsOf' | 'retiredOf'>;
      pages: Pick<TicketPageStore, 'orderFor'>;
      catalog: EventCatalog;
      signer: TicketSigner;
    },
  ) {}

  /** The view behind a page secret; undefined when no ticket order has it. */
  async forSecret(secret: string): Promise<TicketsView | undefined> {
    const orderId = await this.deps.pages.orderFor(secret);
    const order = orderId ? await this.deps.orders.get(orderId) : undefined;
    return order && order.kind === 'tickets' && order.tickets.length > 0 ? this.viewOf(order) : undefined;
  }

  async viewOf(order: Order): Promise<TicketsView> {
    const [admissions, retired] = await Promise.all([this.deps.admissions.admissionsOf(order.id), this.deps.admissions.retiredOf(order.id)]);
    const language = order.language ?? 'en';
    const event = this.deps.catalog.event(order.eventId);
    const section = this.deps.catalog.section(order.eventId, order.sectionId);
    const localTime = (at: string) => (event ? formatVenueTime(Date.parse(at), event, language) : at);
    const current = order.tickets.map((code, i): TicketView => {
      const state = stateOf(order, code, admissions.get(code), localTime);
      const seat = seatWords(order.seats[i], language);
      return { code, ...(seat ? { seat } : {}), state, ...(state.kind === 'valid' ? { scanValue: this.deps.signer.scanValue(code) } : {}) };
    });
    const gone = [...retired].map(([code, because]): TicketView => ({ code, state: { kind: 'void', because } }));
    return {
      orderId: order.id,
      language,
      eventName: event?.name ?? order.eventId,
      when: event ? formatEventTime(event.startsAt, language) : '',
      venue: event?.venue ?? '',
      sectionName: section ? sectionName(section, language) : order.sectionId,
      tickets: [...current, ...gone],
    };
  }
}

function stateOf(order: Order, code: string, admission: { at: string; gate?: string } | undefined, localTime: (at: string) => string): TicketState {
  if (order.transferredTickets.includes(code)) return { kind: 'void', because: 'transferred' };
  if (order.refundedTickets.includes(code) || order.state === 'refunded') return { kind: 'void', because: 'refunded' };
  if (order.state !== 'fulfilled') return { kind: 'void', because: 'cancelled' };
  if (admission) return { kind: 'admitted', at: admission.at, localTime: localTime(admission.at), ...(admission.gate ? { gate: admission.gate } : {}) };
  return { kind: 'valid' };
}

function seatWords(seat: string | undefined, language: Language): string | undefined {
  const [row, number] = seat?.split('-') ?? [];
  if (!row || !number) return undefined;
  return language === 'es' ? `Fila ${row}, asiento ${number}` : `Row ${row}, seat ${number}`;
}
