// Staff at the box office use the same SMS number or chat bot as customers:
// a sender listed in STAFF_IDS can type a few commands. Anyone else, and any
// message that is not one of these commands, goes to the customer dialog as
// usual, so a customer never learns that staff commands exist.
import type { TurnContext } from 'botbuilder';
import { formatPrice } from '../catalog/describe.js';
import type { EventCatalog } from '../catalog/event-catalog.js';
import type { EventFinder } from '../catalog/event-finder.js';
import { isSms } from '../bot/customer.js';
import type { Order } from '../orders/order.js';
import { howPaid } from '../orders/how-paid.js';
import { parseOfferId, parseOrderId, parseRecordId } from '../orders/order-id.js';
import type { OrderStore } from '../orders/order.store.js';
import type { SeatStore } from '../seats/seat.store.js';
import type { UpgradeService } from '../upgrades/upgrade.service.js';
import type { Logger } from '../logger.js';

export type StaffCommand =
  | { kind: 'upgrade'; orderId: string; section: string }
  | { kind: 'withdraw'; offerId: string }
  | { kind: 'order'; id: string }
  | { kind: 'inventory'; event: string };

/**
 * "upgrade BX-7K2Q to courtside", "withdraw UP-9HMX", "order BX-7K2Q",
 * "inventory lakers". Undefined for anything else, including these words
 * without a valid id, so staff can still talk to the bot like a customer.
 */
export function parseStaffCommand(text: string): StaffCommand | undefined {
  const words = text.trim().replace(/\s+/g, ' ');
  // "upgrade <order> to <section>", or without "to": "upgrade <order> <section>".
  const upgrade = /^upgrade (.+?) to (.+)$/i.exec(words) ?? /^upgrade (\S+) (.+)$/i.exec(words);
  if (upgrade) {
    const orderId = parseOrderId(upgrade[1]!);
    return orderId ? { kind: 'upgrade', orderId, section: upgrade[2]! } : undefined;
  }
  const withdraw = /^withdraw (.+)$/i.exec(words);
  if (withdraw) {
    const offerId = parseOfferId(withdraw[1]!);
    return offerId ? { kind: 'withdraw', offerId } : undefined;
  }
  const order = /^(?:order|offer) (.+)$/i.exec(words);
  if (order) {
    const id = parseRecordId(order[1]!);
    return id ? { kind: 'order', id } : undefined;
  }
  const inventory = /^inventory (.+)$/i.exec(words);
  return inventory ? { kind: 'inventory', event: inventory[1]! } : undefined;
}

/** Normalises a STAFF_IDS entry or a sender for comparison: phone numbers lose spaces, dashes and brackets. */
function identity(value: string): string {
  const trimmed = value.trim();
  return /^\+?[\d\s\-().]+$/.test(trimmed) ? trimmed.replace(/[\s\-().]/g, '') : trimmed;
}

export interface StaffDeskDeps {
  /** STAFF_IDS: phone numbers (SMS), and chat users as `<channelId>:<userId>` (e.g. `msteams:29:1abc…`). */
  staffIds: readonly string[];
  catalog: EventCatalog;
  finder: EventFinder;
  orders: OrderStore;
  seats: SeatStore;
  upgrades: UpgradeService;
  log: Logger;
}

export class StaffDesk {
  private readonly staff: ReadonlySet<string>;

  constructor(private readonly deps: StaffDeskDeps) {
    this.staff = new Set(deps.staffIds.map(identity).filter((id) => id !== ''));
  }

  /** Answers a staff command and returns true; false (nothing sent) for anyone or anything else. */
  async answer(context: TurnContext): Promise<boolean> {
    if (this.staff.size === 0 || !this.isStaff(context)) return false;
    const command = parseStaffCommand(context.activity.text ?? '');
    if (!command) return false;
    this.deps.log.info({ component: 'staff', command: command.kind, channel: context.activity.channelId }, 'staff command');
    await context.sendActivity(await this.run(command));
    return true;
  }

  private isStaff(context: TurnContext): boolean {
    const from = context.activity.from?.id;
    if (!from) return false;
    // A phone number counts only on a turn the signed Twilio route received,
    // whatever channelId a chat client claims (customer.ts).
    if (isSms(context)) return this.staff.has(identity(from));
    // On chat only `<channelId>:<userId>` entries count: a bare entry is a
    // phone number, and some chat channels let the page choose the user id.
    return this.staff.has(`${context.activity.channelId}:${from}`);
  }

  private async run(command: StaffCommand): Promise<string> {
    switch (command.kind) {
      case 'upgrade':
        return this.offer(command.orderId, command.section);
      case 'withdraw':
        return this.withdraw(command.offerId);
      case 'order':
        return this.describe(command.id);
      case 'inventory':
        return this.inventory(command.event);
    }
  }

  private async offer(orderId: string, sectionText: string): Promise<string> {
    const order = await this.deps.orders.get(orderId);
    if (!order || order.kind !== 'tickets') return `No order ${orderId}.`;
    const section = this.deps.upgrades.sectionNamed(order.eventId, sectionText);
    if (!section) return `No section "${sectionText}" at ${this.eventName(order)}.`;
    const result = await this.deps.upgrades.offer({ orderId, sectionId: section.id, by: 'staff' });
    if (!result.ok) return `Not offered: ${result.message}`;
    const offer = result.offer;
    return (
      `Offer ${offer.id} sent to the customer: ${section.name} ${offer.seats.join(' ')} ` +
      `for ${formatPrice(offer.amount, offer.currency)} more. Link: ${result.payUrl}`
    );
  }

  private async withdraw(offerId: string): Promise<string> {
    const result = await this.deps.upgrades.withdraw(offerId, 'staff:withdrawn');
    switch (result) {
      case 'cancelled':
        return `Offer ${offerId} withdrawn; its seats are back on sale and the customer was told.`;
      case 'already_paid':
        return `Offer ${offerId} is already paid: the seats are being swapped.`;
      case 'already_ended':
        return `Offer ${offerId} had already ended.`;
      default:
        return `No upgrade offer ${offerId}.`;
    }
  }

  private async describe(id: string): Promise<string> {
    const order = await this.deps.orders.get(id);
    if (!order) return `No order ${id}.`;
    const section = this.deps.catalog.section(order.eventId, order.sectionId)?.name ?? order.sectionId;
    const lines = [
      `${order.id} ${order.state.replace('_', ' ')}: ${this.eventName(order)}, ${section} ${order.seats.join(' ') || `${order.quantity} places`}, ` +
        `${formatPrice(order.amount, order.currency)}${order.refundedAmount > 0 ? `, ${formatPrice(order.refundedAmount, order.currency)} refunded` : ''}.`,
    ];
    if (order.kind === 'upgrade') lines.push(`Upgrade of ${order.upgradeOf}.`);
    const paid = howPaid(order);
    if (paid) lines.push(`Paid ${paid}.`);
    for (const offer of await this.deps.orders.offersOf(order.id)) {
      const to = this.deps.catalog.section(offer.eventId, offer.sectionId)?.name ?? offer.sectionId;
      lines.push(`Offer ${offer.id}: ${to}, ${formatPrice(offer.amount, offer.currency)}, ${offer.state.replace('_', ' ')}.`);
    }
    return lines.join('\n');
  }

  private async inventory(text: string): Promise<string> {
    const [match] = this.deps.finder.find(text);
    if (!match) return `No event matches "${text}".`;
    const inventory = await this.deps.seats.inventory(match.event.id);
    if (!inventory) return `No event matches "${text}".`;
    const rows = inventory.sections.map((s) => `${s.name}: ${s.available} free, ${s.held} held, ${s.sold} sold of ${s.capacity}`);
    return [`${match.event.name}:`, ...rows].join('\n');
  }

  private eventName(order: Order): string {
    return this.deps.catalog.event(order.eventId)?.name ?? order.eventId;
  }
}
